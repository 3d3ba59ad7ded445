// Amounts for people: major units and the currency code, "60.00 PEN".
import { formatAmount } from '../../money/money.js';

/** Formats minor units as "60.00 PEN". */
export function moneyText(minor: number, currency: string): string {
  return `${formatAmount(minor, currency)} ${currency}`;
}
