// Reading a gateway's HTTP answer, the part every adapter shares: JSON with exact big integers, the
// status classes, the skeleton every 2xx and non-2xx answer goes through, and the outcome of a call
// that failed below HTTP. A gateway's transformers.ts keeps only what is specific to its wire format:
// its body schemas, its error-body reader and its exhaustive code mapping.
import type { z } from 'zod';
import type { HttpResult } from './http.js';
import type { Declined, ExchangeRecord, Misconfigured, Unavailable, Unknown } from './types.js';

// ---------------------------------------------------------------------------------------------
// JSON with exact big integers

// JSON.parse turns 319228478889680318 into 319228478889680320: Kushki ticket numbers exceed 2^53.
// Node 20's JSON.parse has no access to the source text of a number, so integer literals that are
// not safe integers are quoted in the raw text before parsing: they arrive as exact decimal strings,
// and a schema that expects a number for them fails loudly instead of silently rounding.

/** Wraps every integer literal outside strings that is not a safe integer in quotes. */
export function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (ch === '"') {
      // Copy the whole string literal, honouring escapes.
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      let j = i + 1;
      while (j < n && /[0-9.eE+-]/.test(text[j]!)) j++;
      const literal = text.slice(i, j);
      const isInteger = /^-?\d+$/.test(literal);
      out += isInteger && !Number.isSafeInteger(Number(literal)) ? `"${literal}"` : literal;
      i = j;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** Parses JSON text keeping unsafe integers as exact strings; throws SyntaxError on malformed text. */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}

/** A response body as JSON (null when empty), or `ok: false` when it is not JSON. */
export function parseJsonBody(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: parseJsonExact(text) };
  } catch {
    return { ok: false };
  }
}

// ---------------------------------------------------------------------------------------------
// Status classes

/** What an HTTP status says about whether the gateway acted, before its body is read. */
export type StatusClass =
  | 'success' // 2xx: read the body
  | 'credentials' // 401, 403: our configuration is wrong
  | 'rate-limited' // 429, or 408 (the server gave up reading the request): refused before acting, safe to retry
  | 'in-flight' // 409: the same Idempotency-Key is still being processed
  | 'client-error' // other 4xx: refused, read the body for the reason
  | 'server-error' // 5xx: it may have acted
  | 'unexpected'; // 1xx, 3xx (redirects are not followed): we cannot tell

/** Classifies an HTTP status code into the classes every adapter maps exhaustively. */
export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return 'success';
  if (status === 401 || status === 403) return 'credentials';
  if (status === 429 || status === 408) return 'rate-limited';
  if (status === 409) return 'in-flight';
  if (status >= 400 && status < 500) return 'client-error';
  if (status >= 500 && status < 600) return 'server-error';
  return 'unexpected';
}

/** Throws at compile time when a switch over a union misses a case, and at run time if one slips through. */
export function assertNever(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------------------------
// What a parser sees, and the outcomes every gateway shares

/** An HTTP response as the parsers see it. */
export interface WireResponse {
  status: number;
  bodyText: string;
}

/** What a parser needs besides the response: the redacted record so far, the request, the clock. */
export interface ParseContext {
  base: ExchangeRecord;
  requestedAmount: number;
  currency: string;
  now: number;
}

/** An authorize parser's context: also the card sent, masked to BIN + last four (computed before the call). */
export interface AuthorizeParseContext extends ParseContext {
  maskedCard?: string | undefined;
}

/** Every outcome that is not an approval. */
export type Failure = Declined | Unknown | Unavailable | Misconfigured;

/** An answer we cannot read as approved or refused: the gateway may have acted, so retry under the same key. */
export function unknownOutcome(base: ExchangeRecord, reason: string): Unknown {
  return { kind: 'unknown', reason, exchange: { ...base, gatewayCode: null, message: reason } };
}

/** The outcome of a call that failed below HTTP: nothing to parse, only the failure class. */
export function transportOutcome(result: Extract<HttpResult, { kind: 'transport' }>, base: ExchangeRecord): Unknown | Unavailable {
  return { kind: result.outcome, reason: base.message ?? result.outcome, exchange: base };
}

/** The body of a 2xx answer read with `schema`, or why it could not be (the caller answers unknown). */
export function readSuccessBody<S extends z.ZodType>(text: string, schema: S): { ok: true; value: z.output<S> } | { ok: false; reason: string } {
  const parsed = parseJsonBody(text);
  if (!parsed.ok) return { ok: false, reason: 'malformed JSON in a 2xx response' };
  const body = schema.safeParse(parsed.value);
  if (!body.success) return { ok: false, reason: `unexpected 2xx body (${body.error.issues[0]?.path.join('.') ?? '?'}: ${body.error.issues[0]?.message ?? ''})` };
  return { ok: true, value: body.data };
}

/** What a gateway's error body says; `code` is null when the body is not the gateway's own error shape. */
export interface WireError {
  code: string | null;
  message: string | undefined;
}

/** How one gateway's error answers read: the parts of the failure mapping that differ between gateways. */
export interface ErrorFormat {
  /** The gateway as messages name it ("Kushki"). */
  gateway: string;
  /** The variable to check when a 4xx did not come from the gateway's API (wrong base URL, proxy page). */
  baseUrlVariable: string;
  /** Reads a non-2xx body: `body` is the parsed JSON, null when empty, undefined when not JSON. */
  read(body: unknown, status: number): WireError;
  /** Whether the code is worth repeating in a 5xx's reason (Kushki's K002 is; PayCertify's only echoes the status). */
  codeInReason: boolean;
  /** A 4xx with the gateway's own error body: what the refusal means, mapped exhaustively over the gateway's codes. */
  refusal(code: string, message: string, exchange: ExchangeRecord): Failure;
}

/** Maps a non-2xx response to its outcome; every status class is handled explicitly. */
export function failureOutcome(res: WireResponse, base: ExchangeRecord, format: ErrorFormat): Failure {
  const parsed = parseJsonBody(res.bodyText);
  const error = format.read(parsed.ok ? parsed.value : undefined, res.status);
  const code = error.code ?? `HTTP_${res.status}`;
  const message = error.message ?? `HTTP ${res.status}`;
  const exchange = { ...base, gatewayCode: code, message };
  const statusClass = classifyStatus(res.status);
  switch (statusClass) {
    case 'success':
      return unknownOutcome(base, `HTTP ${res.status} handled as a failure`);
    case 'credentials':
      return { kind: 'misconfigured', code, message, exchange };
    case 'rate-limited':
      return { kind: 'unavailable', reason: `refused before processing (HTTP ${res.status}): ${message}`, exchange };
    case 'in-flight':
      return { kind: 'unknown', reason: 'a request with this Idempotency-Key is still in flight (HTTP 409)', exchange };
    case 'server-error': {
      const shown = format.codeInReason && error.code ? ` ${error.code}` : '';
      return { kind: 'unknown', reason: `HTTP ${res.status}${shown}: ${message}`, exchange };
    }
    case 'unexpected':
      return { kind: 'unknown', reason: `unexpected HTTP ${res.status}`, exchange };
    case 'client-error':
      // A 4xx without the gateway's error body did not come from its API: a configuration problem,
      // and resending will not change it.
      if (error.code === null) {
        return { kind: 'misconfigured', code, message: `HTTP ${res.status} without a ${format.gateway} error body; check ${format.baseUrlVariable}`, exchange };
      }
      return format.refusal(error.code, message, exchange);
    default:
      return assertNever(statusClass, 'HTTP status class');
  }
}
