// Redaction of everything that is stored or logged about a gateway exchange, by field role:
// - reference fields (ticket numbers, transaction ids, the idempotency key) and the values an exchange
//   declares as its references are never masked: Kushki's 18-digit ticket numbers pass the Luhn check
//   one time in ten, and a masked ticket makes the exchange log useless for reconciliation;
// - every other string (free text, unknown keys, paths, headers, codes, object keys) is scanned for
//   every card-number form: plain, grouped by spaces, dashes or dots, track 1 and track 2 data;
// - configured secrets (merchant ids, API tokens, the webhook secret) are removed wherever they
//   appear, URL-encoded too; URL passwords go as well;
// - CVV-like and credential keys are dropped; headers go through an allow-list.
// A card number the exchange is known to carry (`pans`) is masked everywhere, reference fields included.
import { redactUrlsInText } from '../../db/redact-url.js';
import type { ExchangeRecord } from './types.js';

/** What one exchange knows: its secrets, the raw card number it sent, its gateway references. */
export interface RedactOptions {
  /** Replaced by `[redacted]` wherever they occur, URL-encoded too (API tokens, merchant ids). Values under 4 chars are ignored. */
  secrets?: readonly string[];
  /** Card numbers replaced by their mask wherever they occur, Luhn-valid or not. */
  pans?: readonly string[];
  /**
   * Values known to be gateway references of this exchange (the hold's gatewayRef, subscription id,
   * idempotency key, capture ticket): never masked, as a whole field, in a URL path or in free text,
   * unless one is also in `pans`.
   */
  references?: readonly string[];
}

const REDACTED = '[redacted]';
/** What replaces magnetic-stripe track data: all of it goes, since it carries more than the card number. */
export const TRACK_DATA_REMOVED = '[track data removed]';

// Normalised (lower case, separators removed) key fragments. CVV-like keys: any key containing these.
const CVV_FRAGMENTS = ['cvv', 'cvc', 'securitycode', 'verificationvalue', 'verificationcode'];
// Short CVV names that would match too much as fragments: exact normalised keys only.
const CVV_EXACT = new Set(['cid', 'csc', 'cvn', 'pin', 'pinblock']);
const CREDENTIAL_FRAGMENTS = [
  'token', 'secret', 'password', 'passwd', 'authorization', 'apikey', 'privatemerchantid', 'publicmerchantid', 'cookie', 'credential',
];
// Keys that hold a card number: a 12–19-digit value is masked even when it fails the Luhn check.
const PAN_KEYS = new Set(['pan', 'number', 'cardno', 'cardpan', 'tarjeta']);
const PAN_KEY_FRAGMENTS = ['cardnumber', 'cardnum', 'ccnum', 'accountnumber', 'primaryaccount', 'numerotarjeta', 'numerodetarjeta'];
// Keys whose value is a gateway reference, from the Kushki and PayCertify bodies and our own records:
// ticketNumber, preauthTicketNumber, ticket_number, transactionReference, preauthTransactionReference,
// transactionId, processor_transaction_id, merchant_transaction_id, subscriptionId,
// externalSubscriptionID, idempotencyKey, gatewayRef, captureRef, event and effect ids.
const REFERENCE_SUFFIXES = [
  'ticketnumber', 'transactionreference', 'transactionid', 'subscriptionid', 'idempotencykey', 'gatewayref', 'captureref', 'eventid', 'effectid',
];
const REFERENCE_EXACT = new Set(['id', 'ticket', 'reference']);

// Headers worth keeping in an exchange record; everything else (Authorization, Private-Merchant-Id,
// cookies, vendor headers we have not vetted) is dropped.
const HEADER_ALLOW = new Set([
  'accept', 'content-type', 'content-length', 'idempotency-key', 'idempotent-replayed', 'user-agent', 'date', 'retry-after',
  'x-request-id', 'x-correlation-id', 'location',
]);

// Track 1: %B<PAN>^<NAME>^<YYMM><service code><discretionary>? — sentinels optional, as gateways
// echo it. Track 2: ;<PAN>=<YYMM>…? (`D` is the separator in EMV tag 57 dumps).
const TRACK_1 = /%?[Bb]\d{12,19}\^[^^\r\n]{0,40}\^[^?\r\n]*\??/g;
const TRACK_2 = /;?\d{12,19}[=Dd]\d{4}\d*\??/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/g;
// Between the digit groups of one card number: up to three spaces, no-break spaces, dashes or dots.
const SEPARATOR = /^[ \t\u00a0.-]{1,3}$/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

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

// One redaction's options, prepared once: secret variants longest first, known card numbers as
// digits, and the digit runs of references that the card-number scan must leave alone.
interface Context {
  secrets: string[];
  pans: Set<string>;
  panList: string[];
  references: Set<string>;
}

const EMPTY: Context = { secrets: [], pans: new Set(), panList: [], references: new Set() };

function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}

// Maximal digit runs long enough to be mistaken for a card number.
function longRuns(value: string): string[] {
  return [...value.matchAll(/\d{13,}/g)].map((m) => m[0]);
}

function compile(options: RedactOptions): Context {
  if (!options.secrets?.length && !options.pans?.length && !options.references?.length) return EMPTY;
  const variants = new Set<string>();
  for (const secret of options.secrets ?? []) {
    if (secret.length < 4) continue;
    const encoded = encodeURIComponent(secret);
    for (const v of [secret, encoded, encoded.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())]) variants.add(v);
  }
  const pans = new Set((options.pans ?? []).map(digitsOf).filter((d) => d.length >= 8));
  const references = new Set((options.references ?? []).flatMap(longRuns).filter((d) => !pans.has(d)));
  return {
    secrets: [...variants].sort((a, b) => b.length - a.length),
    pans,
    panList: [...pans].sort((a, b) => b.length - a.length),
    references,
  };
}

function withReferences(ctx: Context, runs: readonly string[]): Context {
  const extra = runs.filter((d) => !ctx.pans.has(d) && !ctx.references.has(d));
  return extra.length === 0 ? ctx : { ...ctx, references: new Set([...ctx.references, ...extra]) };
}

interface DigitRun {
  start: number;
  end: number;
  digits: string;
}

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

interface Span {
  first: number;
  last: number;
}

// Runs joined by separators form a chain ("5451 9515 7492 5480", "4111.1111.1111.1111"); a card
// number is a run-aligned slice of a chain. From each run the longest slice that is a card number
// is taken, and overlapping slices merge, so that digits chaining on from the text around (an amount
// before it, a year after it) can never leave part of the number outside the mask. A chain through
// a dot needs three groups at least: "1651242220.123456" is a decimal, not a card. A reference's
// digit run never belongs to a card number.
function panSpans(text: string, runs: DigitRun[], ctx: Context): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < runs.length; i++) {
    let best = -1;
    let digits = '';
    let dotted = false;
    for (let j = i; j < runs.length; j++) {
      const run = runs[j]!;
      if (ctx.references.has(run.digits)) break;
      if (j > i) {
        const gap = text.slice(runs[j - 1]!.end, run.start);
        if (!SEPARATOR.test(gap)) break;
        if (gap.includes('.')) dotted = true;
      }
      digits += run.digits;
      if (digits.length > 19) break;
      if ((looksLikePan(digits) || ctx.pans.has(digits)) && (!dotted || j - i >= 2)) best = j;
    }
    if (best < 0) continue;
    const previous = spans.at(-1);
    if (previous && i <= previous.last) previous.last = Math.max(previous.last, best);
    else spans.push({ first: i, last: best });
  }
  return spans;
}

function spanDigits(runs: DigitRun[], span: Span): string {
  return runs.slice(span.first, span.last + 1).map((r) => r.digits).join('');
}

function maskPans(text: string, ctx: Context): string {
  const runs = digitRuns(text);
  const spans = panSpans(text, runs, ctx);
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, runs[span.first]!.start) + maskPan(spanDigits(runs, span));
    at = runs[span.last]!.end;
  }
  return out + text.slice(at);
}

function removeTracks(text: string): string {
  return text.replace(TRACK_1, TRACK_DATA_REMOVED).replace(TRACK_2, TRACK_DATA_REMOVED);
}

/**
 * Replaces every card number in free text by its mask: Luhn-valid 13–19-digit numbers, plain or
 * grouped by spaces, dashes or dots. Track 1 and track 2 data is removed whole.
 */
export function maskPansInText(text: string): string {
  return maskPans(removeTracks(text), EMPTY);
}

/** The unmasked Luhn-valid card numbers in `text`: empty when it is safe to store or log. */
export function findPans(text: string): string[] {
  const runs = digitRuns(text);
  return panSpans(text, runs, EMPTY).map((span) => spanDigits(runs, span));
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

/** True when a key names a card number (cardNumber, card_no, ccNumber, pan, numeroTarjeta, …). */
export function isPanKey(key: string): boolean {
  const k = normaliseKey(key);
  return PAN_KEYS.has(k) || PAN_KEY_FRAGMENTS.some((f) => k.includes(f));
}

/** True when a key names a gateway reference (ticketNumber, preauthTicketNumber, transactionId, idempotencyKey, …). */
export function isReferenceKey(key: string): boolean {
  const k = normaliseKey(key);
  return REFERENCE_EXACT.has(k) || REFERENCE_SUFFIXES.some((s) => k.endsWith(s));
}

// The sweeper redacts every string of every exchange: the scans run only where what they look for
// can be (a card number or track data needs 12 digits at least, a URL or a key=value secret `://`
// or `=`, a credential header `Bearer`/`Basic`).
function redactString(text: string, ctx: Context): string {
  const digits = digitCount(text);
  let out = digits >= 12 ? removeTracks(text) : text;
  for (const pan of ctx.panList) if (out.includes(pan)) out = out.split(pan).join(maskPan(pan));
  for (const secret of ctx.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  if (out.includes('Bearer') || out.includes('Basic')) out = out.replace(BEARER, `$1 ${REDACTED}`);
  if (out.includes('=') || out.includes('://')) out = redactUrlsInText(out);
  return digits >= 12 ? maskPans(out, ctx) : out;
}

function digitCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) count++;
  }
  return count;
}

/** Free text (an error message, a log string) with card numbers masked and secrets removed. */
export function redactText(text: string, options: RedactOptions = {}): string {
  return redactString(text, compile(options));
}

// A value under a reference key: its own long digit runs are references (a ticket, `sim-<ticket>`),
// unless it is a card this exchange carries. Everything else about it is scanned as usual.
function redactReference(value: unknown, ctx: Context): unknown {
  if (typeof value === 'string') return redactString(value, withReferences(ctx, longRuns(value)));
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = digitsOf(String(value));
    return ctx.pans.has(digits) ? maskPan(digits) : value;
  }
  return undefined;
}

// A value under a card-number key: masked when it is 12–19 digits in any grouping, Luhn or not.
function redactPanField(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return REDACTED;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') return undefined;
  const digits = String(value).replace(/[\s.\-\u00a0]/g, '');
  return /^\d{12,19}$/.test(digits) ? maskPan(digits) : undefined;
}

function redactNumber(value: number, ctx: Context): unknown {
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    // Beyond 2^53 the digits are rounded: no mask can be computed, and the leading digits are the card's.
    const length = Math.abs(value) < 1e21 ? String(Math.abs(value)).length : Infinity;
    return length >= 13 && length <= 19 ? REDACTED : value;
  }
  const text = String(value);
  const masked = redactString(text, ctx);
  return masked === text ? value : masked;
}

function redactInner(value: unknown, ctx: Context, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value, ctx);
  if (typeof value === 'number') return redactNumber(value, ctx);
  if (typeof value === 'bigint') {
    const text = value.toString();
    const masked = redactString(text, ctx);
    return masked === text ? value : masked;
  }
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactInner(v, ctx, seen));
  // An Error's message and stack are not own enumerable properties: keep them, redacted.
  const entries: [string, unknown][] =
    value instanceof Error
      ? [['type', value.name], ['message', value.message], ...Object.entries(value)]
      : Object.entries(value as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of entries) {
    if (isSecretKey(key)) continue;
    const safeKey = redactString(key, ctx);
    const byRole = isPanKey(key) ? redactPanField(inner) : isReferenceKey(key) ? redactReference(inner, ctx) : undefined;
    out[safeKey] = byRole !== undefined ? byRole : redactInner(inner, ctx, seen);
  }
  return out;
}

/** A deep copy of `value` with secrets dropped and card numbers masked (keys, strings and numbers alike). */
export function redact(value: unknown, options: RedactOptions = {}): unknown {
  return redactInner(value, compile(options), new WeakSet());
}

/** Keeps only allow-listed headers (never Authorization, Private-Merchant-Id or any credential), redacted. */
export function redactHeaders(
  headers: Readonly<Record<string, string | string[] | number | undefined>>,
  options: RedactOptions = {},
): Record<string, string> {
  const ctx = compile(options);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!HEADER_ALLOW.has(lower) || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    out[lower] = isReferenceKey(lower) ? String(redactReference(text, ctx)) : redactString(text, ctx);
  }
  return out;
}

// The references a record may keep: never a card it carries, never a value holding a secret.
function safeReferences(references: readonly string[], ctx: Context): string[] {
  return [...new Set(references)].filter((r) => !ctx.pans.has(digitsOf(r)) && !ctx.secrets.some((s) => r.includes(s)));
}

/**
 * An exchange record made safe to store and log. Its idempotency key and the references it carries
 * (set by the adapter that made it) count as references, so redacting it again keeps them.
 */
export function redactExchange(record: ExchangeRecord, options: RedactOptions = {}): ExchangeRecord {
  const references = [...(options.references ?? []), ...(record.references ?? []), record.idempotencyKey];
  const ctx = compile({ ...options, references });
  const seen = new WeakSet<object>();
  return {
    ...record,
    request: redactInner(record.request, ctx, seen),
    response: redactInner(record.response, ctx, seen),
    message: record.message === null ? null : redactString(record.message, ctx),
    gatewayCode: record.gatewayCode === null ? null : redactString(record.gatewayCode, ctx),
    ...(record.references === undefined ? {} : { references: safeReferences(record.references, ctx) }),
  };
}

/** A pino `formatters.log` hook that redacts every log object and removes `secrets` from it. */
export function logRedactor(secrets: readonly string[]): (object: Record<string, unknown>) => Record<string, unknown> {
  const ctx = compile({ secrets });
  return (object) => redactInner(object, ctx, new WeakSet()) as Record<string, unknown>;
}

/** A pino `formatters.log` hook: every log object is redacted before it is serialised (no configured secrets). */
export function redactLogRecord(object: Record<string, unknown>): Record<string, unknown> {
  return redactInner(object, EMPTY, new WeakSet()) as Record<string, unknown>;
}
