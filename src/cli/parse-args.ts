// Turns the CLI's string arguments into typed values, refusing bad input with a ValidationError
// (exit 2) that says what a good value looks like.
import { HOLD_STATES, type HoldState } from '../../machines/hold.machine.js';
import { ValidationError } from '../errors.js';

/** A hold state name, or INVALID_STATE listing the valid ones. */
export function parseState(text: string): HoldState {
  if (!(HOLD_STATES as readonly string[]).includes(text)) {
    throw new ValidationError('INVALID_STATE', `unknown state ${JSON.stringify(text)} (states: ${HOLD_STATES.join(', ')})`);
  }
  return text as HoldState;
}

/** One of a fixed set of words, or a ValidationError with `code` listing them. */
export function parseChoice<T extends string>(text: string, choices: readonly T[], what: string, code: string): T {
  if (!(choices as readonly string[]).includes(text)) {
    throw new ValidationError(code, `${what} must be ${choices.join(' or ')}, got ${JSON.stringify(text)}`);
  }
  return text as T;
}

/** A whole number from 1 (to `max`, when given) written in decimal digits. */
export function parsePositiveInteger(text: string, what: string, max?: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < 1 || (max !== undefined && value > max)) {
    const range = max === undefined ? 'of 1 or more' : `from 1 to ${max}`;
    throw new ValidationError('INVALID_LIMIT', `${what} must be a whole number ${range}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** A TCP port from 0 (any free port) to 65535. */
export function parsePort(text: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value > 65_535) {
    throw new ValidationError('INVALID_PORT', `port must be a whole number from 0 to 65535, got ${JSON.stringify(text)}`);
  }
  return value;
}
