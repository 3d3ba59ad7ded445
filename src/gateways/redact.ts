// Redaction of everything that is stored or logged about a gateway exchange. Card numbers become
// BIN6…last4 wherever they appear (free text included), CVV-like fields are dropped, credentials are
// never kept. Headers go through an allow-list; bodies through a deny-list of keys plus a scan of
// every string, because gateways echo request fields back in places nobody documented.
import type { ExchangeRecord } from './types.js';

/** Extra values one exchange knows to be secret (its credential, the raw card number it sent). */
export interface RedactOptions {
  /** Replaced by `[redacted]` wherever they occur (API tokens, merchant ids). Values under 4 chars are ignored. */
  secrets?: readonly string[];
  /** Card numbers replaced by their mask wherever they occur, Luhn-valid or not. */
  pans?: readonly string[];
}

const REDACTED = '[redacted]';

// Normalised (lower case, separators removed) key fragments. CVV-like keys: any key containing these.
const CVV_FRAGMENTS = ['cvv', 'cvc', 'securitycode', 'verificationvalue', 'verificationcode'];
// Short CVV names that would match too much as fragments: exact normalised keys only.
const CVV_EXACT = new Set(['cid', 'csc', 'cvn', 'pin', 'pinblock']);
const CREDENTIAL_FRAGMENTS = [
  'token', 'secret', 'password', 'passwd', 'authorization', 'apikey', 'privatemerchantid', 'publicmerchantid', 'cookie', 'credential',
];
// Keys that hold a card number: masked even when the number fails the Luhn check.
const PAN_KEYS = new Set(['cardnumber', 'pan', 'number', 'primaryaccountnumber', 'accountnumber']);

// Gateway references that are long digit strings by design (Kushki's 18-digit ticket numbers):
// about one in ten passes the Luhn check, and masking it would make the exchange log useless for
// reconciliation. A card number the exchange is known to carry (options.pans) is still masked.
const REFERENCE_KEYS = new Set(['ticketnumber', 'transactionreference', 'transactionid', 'subscriptionid', 'idempotencykey']);

// Headers worth keeping in an exchange record; everything else (Authorization, Private-Merchant-Id,
// cookies, vendor headers we have not vetted) is dropped.
const HEADER_ALLOW = new Set([
  'accept', 'content-type', 'content-length', 'idempotency-key', 'idempotent-replayed', 'user-agent', 'date', 'retry-after',
  'x-request-id', 'x-correlation-id', 'location',
]);

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** True when `digits` passes the Luhn check. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** Masks a card number to its BIN (first six) and last four digits: `545195…5480`. */
export function maskPan(pan: string): string {
  const digits = pan.replace(/\D/g, '');
  return digits.length < 13 ? '…' : `${digits.slice(0, 6)}…${digits.slice(-4)}`;
}

// Only Visa ever issued 13-digit numbers, so a 13-digit run must start with 4 to count. Without
// this rule one epoch-milliseconds timestamp in ten (13 digits, Luhn-valid by chance) would be
// "masked" in every log line and exchange record.
function looksLikePan(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  if (digits.length === 13 && digits[0] !== '4') return false;
  return luhnValid(digits);
}

interface DigitRun {
  start: number;
  end: number;
  digits: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

// Maximal digit runs, so that a PAN is never looked for inside a longer number (a 31-digit processor id).
// Runs inside a UUID (PayCertify's transaction ids) are not candidates: "8000-000000000003" chains
// into a Luhn-valid 16-digit number, yet nothing UUID-shaped is a card number.
function digitRuns(text: string): DigitRun[] {
  const uuids = [...text.matchAll(UUID)].map((m) => [m.index, m.index + m[0].length] as const);
  const runs: DigitRun[] = [];
  for (const m of text.matchAll(/\d+/g)) {
    if (uuids.some(([from, to]) => m.index >= from && m.index < to)) continue;
    runs.push({ start: m.index, end: m.index + m[0].length, digits: m[0] });
  }
  return runs;
}

// Runs joined by one space or dash form a chain ("5451 9515 7492 5480"); a PAN is a prefix-aligned
// slice of consecutive runs in one chain. Looking at slices (not the whole chain) matters: a PAN
// followed by a year ("4111 1111 1111 1111 2029") must still be masked.
function panSpans(text: string, runs: DigitRun[]): { start: number; end: number; digits: string }[] {
  const spans: { start: number; end: number; digits: string }[] = [];
  let i = 0;
  while (i < runs.length) {
    let best: { j: number; digits: string } | null = null;
    let digits = '';
    for (let j = i; j < runs.length; j++) {
      const run = runs[j]!;
      if (j > i) {
        const prev = runs[j - 1]!;
        if (run.start - prev.end !== 1 || !/[ -]/.test(text[prev.end] ?? '')) break;
      }
      digits += run.digits;
      if (digits.length > 19) break;
      if (looksLikePan(digits)) best = { j, digits };
    }
    if (best) {
      spans.push({ start: runs[i]!.start, end: runs[best.j]!.end, digits: best.digits });
      i = best.j + 1;
    } else {
      i += 1;
    }
  }
  return spans;
}

/** Replaces every Luhn-valid 13–19-digit run in free text (plain or grouped by spaces/dashes) by its mask. */
export function maskPansInText(text: string): string {
  const spans = panSpans(text, digitRuns(text));
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) + maskPan(span.digits);
    at = span.end;
  }
  return out + text.slice(at);
}

/** The unmasked Luhn-valid card numbers in `text`: empty when it is safe to store or log. */
export function findPans(text: string): string[] {
  return panSpans(text, digitRuns(text)).map((span) => span.digits);
}

/** Everything in `text` that must not be there: Luhn-valid PANs plus any of `needles` (CVVs, tokens). */
export function findLeaks(text: string, needles: readonly string[] = []): string[] {
  const found = findPans(text);
  for (const needle of needles) if (needle.length > 0 && text.includes(needle)) found.push(needle);
  return found;
}

/** True when a key names a CVV-like value (cvv, cvc, cvv2, card_cvv, cad_cvv, securityCode, …). */
export function isCvvKey(key: string): boolean {
  const k = normaliseKey(key);
  return CVV_EXACT.has(k) || CVV_FRAGMENTS.some((f) => k.includes(f));
}

/** True when a key names a credential (token, secret, password, Authorization, merchant credentials). */
export function isCredentialKey(key: string): boolean {
  const k = normaliseKey(key);
  return CREDENTIAL_FRAGMENTS.some((f) => k.includes(f));
}

/** True when a key names a secret or card-verification value that must never be stored. */
export function isSecretKey(key: string): boolean {
  return isCvvKey(key) || isCredentialKey(key);
}

function redactString(text: string, options: RedactOptions): string {
  let out = text;
  for (const pan of options.pans ?? []) {
    const digits = pan.replace(/\D/g, '');
    if (digits.length >= 8) out = out.split(digits).join(maskPan(digits));
  }
  for (const secret of options.secrets ?? []) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  out = out.replace(/\bBearer\s+[A-Za-z0-9._~+/=-]+/g, `Bearer ${REDACTED}`);
  return maskPansInText(out);
}

function redactInner(value: unknown, options: RedactOptions, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value, options);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return value;
    const text = String(value);
    const masked = redactString(text, options);
    return masked === text ? value : masked;
  }
  if (typeof value === 'bigint') return redactString(value.toString(), options);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactInner(v, options, seen));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (isSecretKey(key)) continue;
    if (PAN_KEYS.has(normaliseKey(key)) && (typeof inner === 'string' || typeof inner === 'number')) {
      const digits = String(inner).replace(/[\s-]/g, '');
      if (/^\d{12,19}$/.test(digits)) {
        out[key] = maskPan(digits);
        continue;
      }
    }
    if (REFERENCE_KEYS.has(normaliseKey(key)) && isKnownSafeReference(inner, options)) {
      out[key] = inner;
      continue;
    }
    out[key] = redactInner(inner, options, seen);
  }
  return out;
}

function isKnownSafeReference(value: unknown, options: RedactOptions): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  const text = String(value);
  return /^\d+$/.test(text) && !(options.pans ?? []).some((pan) => pan.replace(/\D/g, '') === text);
}

/** A deep copy of `value` with secrets dropped and card numbers masked (strings and numbers alike). */
export function redact(value: unknown, options: RedactOptions = {}): unknown {
  return redactInner(value, options, new WeakSet());
}

/** Keeps only allow-listed headers (never Authorization, Private-Merchant-Id or any credential). */
export function redactHeaders(headers: Readonly<Record<string, string | string[] | number | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!HEADER_ALLOW.has(lower) || value === undefined) continue;
    out[lower] = maskPansInText(Array.isArray(value) ? value.join(', ') : String(value));
  }
  return out;
}

/** An exchange record made safe to store and log. */
export function redactExchange(record: ExchangeRecord, options: RedactOptions = {}): ExchangeRecord {
  return {
    ...record,
    request: redact(record.request, options),
    response: redact(record.response, options),
    message: record.message === null ? null : redactString(record.message, options),
    gatewayCode: record.gatewayCode === null ? null : redactString(record.gatewayCode, options),
  };
}

/** A pino `formatters.log` hook: every log object is redacted before it is serialised. */
export function redactLogRecord(object: Record<string, unknown>): Record<string, unknown> {
  return redact(object) as Record<string, unknown>;
}
