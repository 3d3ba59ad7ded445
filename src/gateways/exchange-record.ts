// Builds the redacted ExchangeRecord of one HTTP exchange, and makes an adapter's outcome safe to
// hand back.
import { parseJsonExact } from './wire.js';
import { ValidationError } from '../errors.js';
import type { HttpCall, HttpClient, HttpResult } from './http.js';
import { redact, redactExchange, redactHeaders, redactText, type RedactOptions } from './redact.js';
import type { ExchangeRecord } from './types.js';

// Non-JSON bodies (HTML error pages) are kept only this long in the exchange log.
const MAX_RAW_BODY = 2_000;

/** A response body as it is stored: redacted JSON, or redacted raw text when it is not JSON. */
export function recordedBody(bodyText: string, options: RedactOptions): unknown {
  if (bodyText.trim() === '') return null;
  try {
    return redact(parseJsonExact(bodyText), options);
  } catch {
    return { unparsedBody: redact(bodyText.slice(0, MAX_RAW_BODY), options) };
  }
}

/** The record of one call, redacted, with no gateway code or message yet (parsers add those). */
export function exchangeBase(
  operation: ExchangeRecord['operation'],
  idempotencyKey: string,
  call: HttpCall,
  result: HttpResult,
  options: RedactOptions,
): ExchangeRecord {
  const references = [...(options.references ?? []), idempotencyKey];
  const withKey: RedactOptions = { ...options, references };
  const request = {
    method: call.method,
    path: redactText(call.path, withKey),
    headers: redactHeaders(call.headers, withKey),
    body: call.body === undefined ? null : redact(call.body, withKey),
  };
  const declared = options.references?.length ? { references: [...options.references] } : {};
  if (result.kind === 'transport') {
    return {
      operation,
      idempotencyKey,
      httpStatus: null,
      request,
      response: null,
      latencyMs: result.latencyMs,
      gatewayCode: null,
      message: redactText(result.reason, withKey),
      ...declared,
    };
  }
  return {
    operation,
    idempotencyKey,
    httpStatus: result.status,
    request,
    response: { headers: redactHeaders(result.headers, withKey), body: recordedBody(result.bodyText, withKey) },
    latencyMs: result.latencyMs,
    gatewayCode: null,
    message: null,
    ...declared,
  };
}

type AnyOutcome = { kind: string; exchange: ExchangeRecord };

// References an approved outcome learnt from the gateway: the new authorization, the capture ticket.
function learntReferences(outcome: AnyOutcome): string[] {
  const found: string[] = [];
  for (const field of ['gatewayRef', 'captureRef'] as const) {
    const value = (outcome as Record<string, unknown>)[field];
    if (typeof value === 'string' && value !== '') found.push(value);
  }
  return found;
}

/**
 * An adapter's outcome made safe to hand back: the gateway's own words (code, message, reason, which
 * become the hold's lastError, webhook payloads and log fields) and the exchange record are redacted
 * with the exchange's secrets, card numbers and references; references learnt from the answer join
 * the record's, so a later redaction keeps them too. Ids and amounts are left as they are.
 */
export function redactOutcome<T extends AnyOutcome>(outcome: T, options: RedactOptions): T {
  const references = [...new Set([...(options.references ?? []), ...(outcome.exchange.references ?? []), ...learntReferences(outcome)])];
  const all: RedactOptions = { ...options, references };
  const out: Record<string, unknown> = { ...outcome, exchange: redactExchange({ ...outcome.exchange, references }, all) };
  for (const field of ['code', 'message', 'reason'] as const) {
    const value = out[field];
    if (typeof value === 'string') out[field] = redactText(value, all);
  }
  return out as T;
}

/** Sends one mutating call under its Idempotency-Key and returns the raw result with its redacted record. */
export async function performExchange(
  client: HttpClient,
  operation: ExchangeRecord['operation'],
  idempotencyKey: string,
  call: HttpCall,
  options: RedactOptions,
): Promise<{ result: HttpResult; base: ExchangeRecord }> {
  // Printable ASCII only: a header value with a newline or a non-ASCII byte is refused by node anyway.
  if (typeof idempotencyKey !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
    throw new ValidationError('INVALID_IDEMPOTENCY_KEY', 'an idempotency key must be 1–255 printable ASCII characters without spaces');
  }
  const withKey: HttpCall = { ...call, headers: { ...call.headers, 'idempotency-key': idempotencyKey } };
  const result = await client.send(withKey);
  return { result, base: exchangeBase(operation, idempotencyKey, withKey, result, options) };
}
