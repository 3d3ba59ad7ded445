// Builds the redacted ExchangeRecord of one HTTP exchange, and the outcomes that need no knowledge
// of a gateway's wire format (transport failures).
import { parseJsonExact } from './exact-json.js';
import { ValidationError } from '../errors.js';
import type { HttpCall, HttpClient, HttpResult } from './http.js';
import { redact, redactHeaders, type RedactOptions } from './redact.js';
import type { ExchangeRecord, Unavailable, Unknown } from './types.js';

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
  const request = {
    method: call.method,
    path: redact(call.path, options),
    headers: redactHeaders(call.headers),
    body: call.body === undefined ? null : redact(call.body, options),
  };
  if (result.kind === 'transport') {
    return {
      operation,
      idempotencyKey,
      httpStatus: null,
      request,
      response: null,
      latencyMs: result.latencyMs,
      gatewayCode: null,
      message: redact(result.reason, options) as string,
    };
  }
  return {
    operation,
    idempotencyKey,
    httpStatus: result.status,
    request,
    response: { headers: redactHeaders(result.headers), body: recordedBody(result.bodyText, options) },
    latencyMs: result.latencyMs,
    gatewayCode: null,
    message: null,
  };
}

/** The outcome of a call that failed below HTTP: nothing to parse, only the failure class. */
export function transportOutcome(result: Extract<HttpResult, { kind: 'transport' }>, base: ExchangeRecord): Unknown | Unavailable {
  return { kind: result.outcome, reason: base.message ?? result.outcome, exchange: base };
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
