// What an authorization request is made of, stored so that every attempt under its idempotency key
// sends the same bytes, and fingerprinted so that a reused key with other parameters is refused.
// Card data is never stored: a request that carried a card records only that it did.
import { createHash } from 'node:crypto';
import type { CardInput } from '../gateways/types.js';
import { maskPan } from '../gateways/redact.js';
import { StorageError } from '../errors.js';

/** The stored part of an authorization request (holds.authorize_request). */
export interface StoredAuthorizeRequest {
  subscriptionId?: string | undefined;
  orderId?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  /** The request carried raw card data, which is not stored: it cannot be re-sent without the card. */
  hasCard: boolean;
}

/** The JSON stored for an authorization request. */
export function serializeAuthorizeRequest(request: StoredAuthorizeRequest): string {
  return JSON.stringify({
    ...(request.subscriptionId === undefined ? {} : { subscriptionId: request.subscriptionId }),
    ...(request.orderId === undefined ? {} : { orderId: request.orderId }),
    ...(request.metadata === undefined ? {} : { metadata: request.metadata }),
    hasCard: request.hasCard,
  });
}

/** Reads holds.authorize_request back; a hold without one (created before it existed) re-sends without metadata. */
export function parseAuthorizeRequest(text: string | null): StoredAuthorizeRequest {
  if (text === null) return { hasCard: false };
  try {
    const value = JSON.parse(text) as StoredAuthorizeRequest;
    return {
      ...(typeof value.subscriptionId === 'string' ? { subscriptionId: value.subscriptionId } : {}),
      ...(typeof value.orderId === 'string' ? { orderId: value.orderId } : {}),
      ...(value.metadata && typeof value.metadata === 'object' ? { metadata: value.metadata } : {}),
      hasCard: value.hasCard === true,
    };
  } catch (error) {
    throw new StorageError('CORRUPT_AUTHORIZE_REQUEST', `a stored authorization request is unreadable (${(error as Error).message})`);
  }
}

/** JSON with object keys sorted, so equal values fingerprint equally whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A fingerprint of every field of an authorization request. The card counts by its BIN, last four,
 * expiry and holder name — never by its full number, whose hash could be reversed from the BIN and
 * last four that holdfast stores.
 */
export function authorizeFingerprint(request: Record<string, unknown> & { card?: CardInput | undefined }): string {
  const { card, ...rest } = request;
  const cardPart = card === undefined ? null : { masked: maskPan(String(card.number)), expMonth: card.expMonth, expYear: card.expYear, holderName: card.holderName ?? null };
  return createHash('sha256').update(canonical({ ...rest, card: cardPart })).digest('hex');
}
