// Exact conversion between decimal strings in major units and integer minor units. No float ever
// touches an amount: digits are handled as strings and BigInt.
import { InvalidAmountError, InvalidCurrencyError } from '../errors.js';
import { currencyExponent, SUPPORTED_CURRENCIES } from './currencies.js';

/** An amount of money: integer minor units and an ISO 4217 code. */
export interface Money {
  amount: number;
  currency: string;
}

/** Returns the exponent of a supported currency, or throws InvalidCurrencyError. */
export function requireCurrency(code: string): number {
  const exponent = typeof code === 'string' ? currencyExponent(code) : undefined;
  if (exponent === undefined) {
    const hint = typeof code === 'string' && currencyExponent(code.toUpperCase()) !== undefined
      ? ` (currency codes are upper case: ${code.toUpperCase()})`
      : ` (supported: ${SUPPORTED_CURRENCIES.join(', ')})`;
    throw new InvalidCurrencyError(`unknown currency ${JSON.stringify(code)}${hint}`);
  }
  return exponent;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Parses a positive decimal string in major units ("60.00") into minor units (6000) for `currency`. */
export function parseAmount(text: string, currency: string, options: { allowZero?: boolean } = {}): number {
  const exponent = requireCurrency(currency);
  if (typeof text !== 'string') throw new InvalidAmountError(`amount must be a decimal string, got ${typeof text}`);
  const trimmed = text.trim();
  const match = DECIMAL.exec(trimmed);
  if (!match) {
    throw new InvalidAmountError(
      `invalid amount ${JSON.stringify(text)}: write a positive decimal in major units, e.g. ${formatAmount(6000 * 10 ** Math.max(0, exponent - 2), currency)}`,
    );
  }
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) {
    throw new InvalidAmountError(
      `invalid amount ${JSON.stringify(text)}: ${currency} has ${exponent} decimal place${exponent === 1 ? '' : 's'}`,
    );
  }
  const minor = BigInt(whole) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InvalidAmountError(`invalid amount ${JSON.stringify(text)}: too large`);
  }
  if (minor === 0n && !options.allowZero) {
    throw new InvalidAmountError(`invalid amount ${JSON.stringify(text)}: must be greater than zero`);
  }
  return Number(minor);
}

/** Formats integer minor units as a decimal string in major units ("6000", PEN → "60.00"). */
export function formatAmount(minor: number, currency: string): string {
  const exponent = requireCurrency(currency);
  assertMinorUnits(minor);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Throws unless `minor` is a safe integer (amounts are never fractional). */
export function assertMinorUnits(minor: number, what = 'amount'): void {
  if (typeof minor !== 'number' || !Number.isSafeInteger(minor)) {
    throw new InvalidAmountError(`${what} must be an integer number of minor units, got ${String(minor)}`);
  }
}

/** Throws unless `minor` is a positive safe integer. */
export function assertPositiveMinorUnits(minor: number, what = 'amount'): void {
  assertMinorUnits(minor, what);
  if (minor <= 0) throw new InvalidAmountError(`${what} must be greater than zero, got ${minor}`);
}
