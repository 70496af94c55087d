// Money on cards and column heads.
export function formatAmount(amount: number, currency: string | undefined): string {
  if (!currency) return new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 }).format(amount);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 0 }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function formatTotals(amounts: Record<string, number>): string {
  const entries = Object.entries(amounts);
  if (entries.length === 0) return '—';
  return entries.map(([currency, amount]) => formatAmount(amount, currency || undefined)).join(' + ');
}
