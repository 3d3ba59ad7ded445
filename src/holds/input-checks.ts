// Checks of caller input that no machine rule covers: shapes of keys, plans, resolutions, metadata.
import type { FinalPlan, OnExpiry, Resolution } from '../../machines/hold.machine.js';
import { findPans } from '../gateways/redact.js';
import { ValidationError } from '../errors.js';
import { REPLACEMENT_KEY_MARK } from '../../machines/idempotency-keys.js';

/** A plan an authorization starts with (capture or void), or INVALID_ON_EXPIRY. */
export function checkOnExpiry(value: unknown): FinalPlan {
  if (value === 'extend') {
    throw new ValidationError('INVALID_ON_EXPIRY', 'an extend plan is set once the hold is authorized: setOnExpiry(id, "extend", { holdUntil }) or extend(id, { holdUntil })');
  }
  if (value !== 'capture' && value !== 'void') {
    throw new ValidationError('INVALID_ON_EXPIRY', `on-expiry must be capture or void, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Any plan (capture, void or extend), or INVALID_ON_EXPIRY. */
export function checkPlan(value: unknown): OnExpiry {
  if (value === 'extend') return value;
  if (value !== 'capture' && value !== 'void') {
    throw new ValidationError('INVALID_ON_EXPIRY', `on-expiry must be capture, void or extend, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** An idempotency key of 1–`max` printable ASCII characters, or INVALID_IDEMPOTENCY_KEY. */
export function checkKey(key: unknown, max = 255): void {
  if (typeof key !== 'string' || key.length < 1 || key.length > max || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ValidationError('INVALID_IDEMPOTENCY_KEY', `idempotency keys are 1–${max} printable ASCII characters without spaces`);
  }
}

/** An authorization's idempotency key: checkKey, and never one of holdfast's replacement keys. */
export function checkAuthorizeKey(key: unknown): void {
  checkKey(key);
  if ((key as string).includes(REPLACEMENT_KEY_MARK)) {
    throw new ValidationError('INVALID_IDEMPOTENCY_KEY', `idempotency keys containing "${REPLACEMENT_KEY_MARK}" are holdfast's own (replacement authorizations); choose another key`);
  }
}

/** A resolution, or INVALID_RESOLUTION. */
export function checkResolution(value: unknown): Resolution {
  if (value !== 'captured' && value !== 'voided' && value !== 'not_captured') {
    throw new ValidationError('INVALID_RESOLUTION', `a resolution is captured, voided or not_captured, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Metadata is stored to re-send the request: an object that never carries a card number. */
export function checkMetadata(metadata: Record<string, unknown> | undefined): void {
  if (metadata === undefined) return;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new ValidationError('INVALID_METADATA', 'metadata must be an object');
  }
  if (findPans(JSON.stringify(metadata)).length > 0) {
    throw new ValidationError('CARD_DATA_IN_METADATA', 'metadata looks like it carries a card number; card data goes in `card` (held in memory only), never in metadata');
  }
}
