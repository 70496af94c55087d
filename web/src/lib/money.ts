// Money wherever the console shows it (cards, column heads, lists, record pages), in one way: whole amounts
// without cents, others with them. Formatters are kept per currency: building an Intl.NumberFormat costs more
// than formatting, and a board formats an amount per card.
const formatters = new Map<string, Intl.NumberFormat | null>();

function formatterOf(currency: string | undefined, whole: boolean): Intl.NumberFormat | null {
  const key = `${currency ?? ''}|${whole}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    const digits = whole ? { maximumFractionDigits: 0 } : { minimumFractionDigits: 2, maximumFractionDigits: 2 };
    try {
      formatter = currency ? new Intl.NumberFormat(undefined, { style: 'currency', currency, ...digits }) : new Intl.NumberFormat(undefined, digits);
    } catch {
      formatter = null; // not an ISO 4217 code
    }
    formatters.set(key, formatter);
  }
  return formatter;
}

export function formatAmount(amount: number, currency: string | undefined): string {
  return formatterOf(currency, Number.isInteger(amount))?.format(amount) ?? `${amount} ${currency ?? ''}`.trim();
}

export function formatTotals(amounts: Record<string, number>): string {
  const entries = Object.entries(amounts);
  if (entries.length === 0) return '—';
  return entries.map(([currency, amount]) => formatAmount(amount, currency || undefined)).join(' + ');
}
