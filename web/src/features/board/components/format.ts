// Money on cards and column heads. Formatters are kept per currency: building an Intl.NumberFormat
// costs more than formatting, and a board formats an amount per card.
const formatters = new Map<string, Intl.NumberFormat | null>();

function formatterOf(currency: string | undefined): Intl.NumberFormat | null {
  const key = currency ?? '';
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    try {
      formatter = currency
        ? new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 0 })
        : new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
    } catch {
      formatter = null; // not an ISO 4217 code
    }
    formatters.set(key, formatter);
  }
  return formatter;
}

export function formatAmount(amount: number, currency: string | undefined): string {
  return formatterOf(currency)?.format(amount) ?? `${amount} ${currency}`;
}

export function formatTotals(amounts: Record<string, number>): string {
  const entries = Object.entries(amounts);
  if (entries.length === 0) return '—';
  return entries.map(([currency, amount]) => formatAmount(amount, currency || undefined)).join(' + ');
}
