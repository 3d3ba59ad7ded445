// ISO 4217 minor-unit exponents for the currencies holdfast's gateways settle in. One table, so that
// an amount is never formatted or parsed with a guessed exponent.
const EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  USD: 2,
  PEN: 2,
  MXN: 2,
  COP: 2,
  EUR: 2,
  GBP: 2,
  BRL: 2,
  CAD: 2,
  CLP: 0,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  BHD: 3,
  JOD: 3,
  OMR: 3,
});

/** The currencies holdfast accepts, upper-case ISO 4217 codes. */
export const SUPPORTED_CURRENCIES: readonly string[] = Object.freeze(Object.keys(EXPONENTS).sort());

/** The minor-unit exponent of an ISO 4217 code, or undefined when the code is not supported. */
export function currencyExponent(code: string): number | undefined {
  return Object.hasOwn(EXPONENTS, code) ? EXPONENTS[code] : undefined;
}
