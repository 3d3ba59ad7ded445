// Identifiers holdfast makes.
import { randomBytes } from 'node:crypto';

/** A new hold id: `hold_` and 20 lower-case hex characters (80 random bits). */
export function newHoldId(): string {
  return `hold_${randomBytes(10).toString('hex')}`;
}

/** A new exchange id. */
export function newExchangeId(): string {
  return `exch_${randomBytes(10).toString('hex')}`;
}

/** True when `id` has the shape of a hold id; anything else is refused before a query. */
export function isHoldId(id: unknown): id is string {
  return typeof id === 'string' && /^hold_[0-9a-f]{20}$/.test(id);
}
