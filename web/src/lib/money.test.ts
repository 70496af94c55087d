// Money reads the same on the board, in lists and on record pages: whole amounts without cents, others with them.
import { describe, expect, it } from 'vitest';
import { formatAmount, formatTotals } from './money';

describe('formatAmount', () => {
  it('shows a whole amount without cents and keeps the cents of another', () => {
    // Act
    const whole = formatAmount(1200, 'EUR');
    const cents = formatAmount(28000.5, 'EUR');

    // Assess
    expect([whole, cents]).toEqual([new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(1200), new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR', minimumFractionDigits: 2 }).format(28000.5)]);
    expect(cents).toMatch(/28.000.50/);
  });

  it('shows an amount whose currency is no ISO code as number and code', () => {
    expect(formatAmount(5, 'EURO')).toBe('5 EURO');
  });

  it('adds up totals per currency', () => {
    expect(formatTotals({})).toBe('—');
  });
});
