import { describe, it, expect } from 'vitest';
import { formatAmount, parseAmount, requireCurrency } from '../src/money/money.js';
import { currencyExponent } from '../src/money/currencies.js';
import { HoldfastError } from '../src/errors.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof HoldfastError ? error.code : `untyped: ${String(error)}`;
  }
  return undefined;
}

describe('currency exponents', () => {
  it.each([
    ['PEN', 2], ['MXN', 2], ['COP', 2], ['USD', 2], ['CLP', 0], ['JPY', 0], ['KWD', 3], ['BHD', 3],
  ])('%s has %i decimals', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
    expect(requireCurrency(code)).toBe(exponent);
  });

  it.each(['XXX', 'pen', 'PE', '', 'toString', '__proto__'])('rejects %j', (code) => {
    expect(codeOf(() => requireCurrency(code))).toBe('INVALID_CURRENCY');
  });

  it('points a lower-case code at its upper-case form', () => {
    expect(() => requireCurrency('pen')).toThrow(/PEN/);
  });
});

describe('parseAmount', () => {
  it.each([
    ['60.00', 'PEN', 6000],
    ['60', 'PEN', 6000],
    ['60.5', 'PEN', 6050],
    ['0.01', 'USD', 1],
    ['1234567.89', 'MXN', 123456789],
    ['10', 'CLP', 10],
    ['15000', 'CLP', 15000],
    ['1.234', 'KWD', 1234],
    ['0.001', 'BHD', 1],
    ['  7.10 ', 'COP', 710],
    ['90071992547409.91', 'USD', 9007199254740991],
  ])('%j %s → %i', (text, currency, minor) => {
    expect(parseAmount(text, currency)).toBe(minor);
  });

  it.each([
    ['60.001', 'PEN'],
    ['10.5', 'CLP'],
    ['1.2345', 'KWD'],
    ['-1', 'PEN'],
    ['-0.01', 'USD'],
    ['0', 'PEN'],
    ['0.00', 'PEN'],
    ['NaN', 'PEN'],
    ['Infinity', 'PEN'],
    ['1e3', 'PEN'],
    ['0x10', 'PEN'],
    ['1,000.00', 'PEN'],
    ['.5', 'PEN'],
    ['5.', 'PEN'],
    ['', 'PEN'],
    ['abc', 'PEN'],
    ['90071992547409.92', 'USD'],
  ])('rejects %j in %s', (text, currency) => {
    expect(codeOf(() => parseAmount(text, currency))).toBe('INVALID_AMOUNT');
  });

  it('accepts zero only when asked to', () => {
    expect(parseAmount('0.00', 'PEN', { allowZero: true })).toBe(0);
  });

  it('rejects an unknown currency before looking at the amount', () => {
    expect(codeOf(() => parseAmount('60.00', 'XYZ'))).toBe('INVALID_CURRENCY');
  });
});

describe('formatAmount', () => {
  it.each([
    [6000, 'PEN', '60.00'],
    [1, 'USD', '0.01'],
    [5, 'CLP', '5'],
    [1234, 'KWD', '1.234'],
    [1, 'BHD', '0.001'],
    [0, 'PEN', '0.00'],
    [-250, 'PEN', '-2.50'],
    [9007199254740991, 'USD', '90071992547409.91'],
  ])('%i %s → %s', (minor, currency, text) => {
    expect(formatAmount(minor, currency)).toBe(text);
  });

  it('round-trips every amount from 1 to 10 000 minor units in a 2- and a 3-decimal currency', () => {
    for (let minor = 1; minor <= 10_000; minor++) {
      expect(parseAmount(formatAmount(minor, 'PEN'), 'PEN')).toBe(minor);
      expect(parseAmount(formatAmount(minor, 'KWD'), 'KWD')).toBe(minor);
    }
  });

  it('refuses fractional minor units', () => {
    expect(codeOf(() => formatAmount(1.5, 'PEN'))).toBe('INVALID_AMOUNT');
  });
});
