// Identifiers holdfast makes.
import { randomBytes } from 'node:crypto';

/** A new hold id: `hold_` and 20 lower-case hex characters (80 random bits). */
export function newHoldId(): string {
  return `hold_${randomBytes(10).toString('hex')}`;
}

let lastExchangeStamp = 0;

/**
 * A new exchange id that sorts after every earlier one of this process (12 hex digits of
 * microseconds, then 8 random hex): a hold's exchanges recorded at one clock instant still list in
 * the order they happened.
 */
export function newExchangeId(): string {
  const stamp = Math.max(Math.floor(performance.timeOrigin * 1000 + performance.now() * 1000), lastExchangeStamp + 1);
  lastExchangeStamp = stamp;
  return `exch_${stamp.toString(16).padStart(14, '0')}${randomBytes(4).toString('hex')}`;
}

/** True when `id` has the shape of a hold id; anything else is refused before a query. */
export function isHoldId(id: unknown): id is string {
  return typeof id === 'string' && /^hold_[0-9a-f]{20}$/.test(id);
}

/** A new webhook event id. */
export function newEventId(): string {
  return `evt_${randomBytes(10).toString('hex')}`;
}
