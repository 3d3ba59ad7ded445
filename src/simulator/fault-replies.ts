// The answers a fault sends instead of (or after) the gateway's own: each in the wire shape of the
// gateway it imitates, so an adapter parses it exactly as it would parse the real thing.
import type { SimGateway, SimOperation } from './sim-ledger.js';

/** A raw reply: status, body text and extra headers. */
export interface RawReply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** Kushki's K001 answers to a second capture and a second void (also used by the strict ledger). */
export const KUSHKI_ALREADY_CAPTURED = 'la transacción ya fue capturada (una captura por autorización)';
export const KUSHKI_ALREADY_VOIDED = 'la transacción ya fue anulada';
/** PayCertify's 422 messages for the same two cases. */
export const PAYCERTIFY_ALREADY_CAPTURED = 'Transaction has already been captured';
export const PAYCERTIFY_ALREADY_VOIDED = 'Transaction has already been voided';

const KEY_REUSED = 'Idempotency-Key reused with a different request';

/** A 5xx body: Kushki's K002, PayCertify's error object. */
export function serverErrorReply(gateway: SimGateway, status: number): RawReply {
  return { status, body: JSON.stringify(gateway === 'kushki' ? { code: 'K002', message: 'Ha ocurrido un error inesperado' } : { error: { status, message: 'Internal Server Error' } }) };
}

/** 429 with Retry-After: refused before anything happened. */
export function rateLimitedReply(gateway: SimGateway): RawReply {
  return {
    status: 429,
    body: JSON.stringify(gateway === 'kushki' ? { message: 'Too Many Requests' } : { error: { status: 429, message: 'Too Many Requests' } }),
    headers: { 'retry-after': '1' },
  };
}

/** 422 for an Idempotency-Key already used with another request: nothing executed. */
export function keyReusedReply(gateway: SimGateway): RawReply {
  return { status: 422, body: JSON.stringify(gateway === 'kushki' ? { code: 'K001', message: KEY_REUSED } : { error: { status: 422, message: KEY_REUSED } }) };
}

/** What the gateway answers to a capture of a captured, or a void of a voided, authorization. */
export function alreadyDoneReply(gateway: SimGateway, operation: Exclude<SimOperation, 'authorize'>): RawReply {
  if (gateway === 'kushki') return { status: 400, body: JSON.stringify({ code: 'K001', message: operation === 'capture' ? KUSHKI_ALREADY_CAPTURED : KUSHKI_ALREADY_VOIDED }) };
  return { status: 422, body: JSON.stringify({ error: { status: 422, message: operation === 'capture' ? PAYCERTIFY_ALREADY_CAPTURED : PAYCERTIFY_ALREADY_VOIDED } }) };
}
