// PayCertify gateway wire format (seed 003, fixture paycertify-api.json): pure request builders and
// response parsers. The auth request carries the raw card number and CVV; these functions build it in
// memory and nothing here stores, logs or echoes it (index.ts redacts the exchange record).
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { assertPositiveMinorUnits, formatAmount, parseAmount, requireCurrency } from '../../money/money.js';
import { parseJsonExact } from '../exact-json.js';
import { plausibleAuthorizationTime } from '../gateway-time.js';
import { assertNever, classifyStatus } from '../http.js';
import { refusalFromText } from '../refusal-evidence.js';
import { maskPan } from '../redact.js';
import type {
  AuthorizeOutcome,
  AuthorizeRequest,
  CaptureOutcome,
  CaptureRequest,
  Declined,
  ExchangeRecord,
  GatewayCapabilities,
  Misconfigured,
  Unavailable,
  Unknown,
  VoidOutcome,
  VoidRequest,
} from '../types.js';

/**
 * Seed 003 shows one capture of part of an authorization (0.50 of 1.00) and says nothing about a
 * second capture or capturing more than authorized: one capture, no overcapture.
 */
export const PAYCERTIFY_CAPABILITIES: Readonly<GatewayCapabilities> = Object.freeze({
  maxCaptures: 1,
  overcaptureBps: 0,
  partialCapture: true,
  reauthorization: false,
  captureNeedsSubscription: false,
});

/** A request ready for the wire. */
export interface PayCertifyCall {
  method: 'POST';
  path: string;
  body: Record<string, unknown>;
}

/** Adapter-level defaults for fields the Gateway interface does not carry. */
export interface PayCertifyDefaults {
  processorId?: string | undefined;
  /** Seed 003 lists ip_address as required; used when metadata.ipAddress is absent. */
  ipAddress?: string | undefined;
}

const PayCertifyMetadata = z.looseObject({
  ipAddress: z.string().min(1).max(64).optional(),
  firstName: z.string().min(1).max(255).optional(),
  lastName: z.string().min(1).max(255).optional(),
  email: z.string().min(1).max(255).optional(),
  processorId: z.string().min(1).max(64).optional(),
  dynamicDescriptor: z.string().min(1).max(64).optional(),
});

// Validation messages name the field and never echo its value: these are card data.
function validCard(card: NonNullable<AuthorizeRequest['card']>): { number: string; month: string; year: string; cvv: string } {
  const number = card.number.replace(/[\s-]/g, '');
  if (!/^\d{8,19}$/.test(number)) throw new ValidationError('INVALID_CARD', 'card number must be 8–19 digits');
  const m = Number(card.expMonth);
  if (!/^\d{1,2}$/.test(card.expMonth) || m < 1 || m > 12) throw new ValidationError('INVALID_CARD', 'card expiry month must be 01–12');
  if (!/^(\d{2}|\d{4})$/.test(card.expYear)) throw new ValidationError('INVALID_CARD', 'card expiry year must have 2 or 4 digits');
  if (!/^\d{3,4}$/.test(card.cvv)) throw new ValidationError('INVALID_CARD', 'card CVV must be 3 or 4 digits');
  return { number, month: String(m).padStart(2, '0'), year: card.expYear.length === 2 ? `20${card.expYear}` : card.expYear, cvv: card.cvv };
}

function amountText(amount: number, currency: string): string {
  requireCurrency(currency);
  assertPositiveMinorUnits(amount);
  return formatAmount(amount, currency);
}

function transactionPath(ref: string, action: 'capture' | 'void'): string {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(ref)) throw new ValidationError('INVALID_GATEWAY_REF', 'a PayCertify transaction id is 1–64 letters, digits or dashes');
  return `/api/transactions/${ref}/${action}`;
}

/** POST /api/transactions/auth with the card, a decimal amount and the merchant's own transaction id. */
export function buildAuthorizeCall(req: AuthorizeRequest, defaults: PayCertifyDefaults = {}): PayCertifyCall {
  if (req.card === undefined) throw new ValidationError('CARD_REQUIRED', 'PayCertify authorizes a card: pass card number, expiry and CVV');
  const card = validCard(req.card);
  const parsed = PayCertifyMetadata.safeParse(req.metadata ?? {});
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || 'metadata'}: ${i.message}`).join('; ');
    throw new ValidationError('INVALID_METADATA', `invalid PayCertify metadata (${where})`);
  }
  const meta = parsed.data;
  const [first, ...rest] = (req.card.holderName ?? '').trim().split(/\s+/).filter(Boolean);
  const body: Record<string, unknown> = {
    amount: amountText(req.amount, req.currency),
    currency: req.currency,
    card_number: card.number,
    card_expiry_month: card.month,
    card_expiry_year: card.year,
    card_cvv: card.cvv,
    merchant_transaction_id: req.orderId ?? req.idempotencyKey,
  };
  const processorId = meta.processorId ?? defaults.processorId;
  if (processorId !== undefined) body.processor_id = processorId;
  const firstName = meta.firstName ?? first;
  const lastName = meta.lastName ?? (rest.length > 0 ? rest.join(' ') : undefined);
  if (firstName !== undefined) body.first_name = firstName;
  if (lastName !== undefined) body.last_name = lastName;
  if (meta.email !== undefined) body.email = meta.email;
  const ip = meta.ipAddress ?? defaults.ipAddress;
  if (ip !== undefined) body.ip_address = ip;
  if (meta.dynamicDescriptor !== undefined) body.dynamic_descriptor = meta.dynamicDescriptor;
  return { method: 'POST', path: '/api/transactions/auth', body };
}

/** POST /api/transactions/{id}/capture with the decimal amount. */
export function buildCaptureCall(req: CaptureRequest): PayCertifyCall {
  return { method: 'POST', path: transactionPath(req.gatewayRef, 'capture'), body: { amount: amountText(req.amount, req.currency) } };
}

/** POST /api/transactions/{id}/void (no body fields documented). */
export function buildVoidCall(req: VoidRequest): PayCertifyCall {
  return { method: 'POST', path: transactionPath(req.gatewayRef, 'void'), body: {} };
}

// ---------------------------------------------------------------------------------------------
// Responses

/** What a parser needs besides the response. */
export interface ParseContext {
  base: ExchangeRecord;
  requestedAmount: number;
  currency: string;
  now: number;
  /** BIN + last four of the card sent, for the authorize outcome; computed before the call. */
  maskedCard?: string | undefined;
}

/** An HTTP response as the parsers see it. */
export interface WireResponse {
  status: number;
  bodyText: string;
}

const Event = z.looseObject({
  id: z.string().optional(),
  event_type: z.string(),
  success: z.union([z.boolean(), z.literal('true').transform(() => true), z.literal('false').transform(() => false)]),
  amount: z.union([z.string(), z.number()]).nullish(),
  processor_code: z.union([z.string(), z.number()]).transform(String).nullish(),
  processor_message: z.string().nullish(),
  processor_transaction_id: z.string().nullish(),
  created_at: z.string().nullish(),
});
type PayCertifyEvent = z.infer<typeof Event>;
const TransactionBody = z.looseObject({
  transaction: z.looseObject({ id: z.string().min(1), events: z.array(Event) }),
});
const ErrorBody = z.looseObject({
  error: z.looseObject({
    status: z.union([z.string(), z.number()]).transform(String).optional(),
    message: z.union([z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))]).optional(),
  }),
});

/** The event types PayCertify reports; anything else is unexpected. */
export type EventType = 'auth' | 'capture' | 'void' | 'sale' | 'refund' | 'unrecognised';

function eventType(value: string): EventType {
  return value === 'auth' || value === 'capture' || value === 'void' || value === 'sale' || value === 'refund' ? value : 'unrecognised';
}

/** The latest event of a type: newest created_at, and among equals (or unparseable times) the later one in the array. */
export function latestEvent(events: readonly PayCertifyEvent[], type: Exclude<EventType, 'unrecognised'>): PayCertifyEvent | undefined {
  let best: { event: PayCertifyEvent; at: number } | undefined;
  for (const event of events) {
    if (eventType(event.event_type) !== type) continue;
    const at = event.created_at ? Date.parse(event.created_at) : Number.NaN;
    const key = Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at;
    if (best === undefined || key >= best.at) best = { event, at: key };
  }
  return best?.event;
}

type Failure = Declined | Unknown | Unavailable | Misconfigured;

function parseBody(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: text.trim() === '' ? null : parseJsonExact(text) };
  } catch {
    return { ok: false };
  }
}

function unknown(base: ExchangeRecord, reason: string): Unknown {
  return { kind: 'unknown', reason, exchange: { ...base, message: reason } };
}

function errorMessage(message: z.infer<typeof ErrorBody>['error']['message']): string | undefined {
  if (message === undefined || typeof message === 'string') return message;
  return Object.entries(message)
    .map(([field, msgs]) => `${field}: ${Array.isArray(msgs) ? msgs.join(', ') : msgs}`)
    .join('; ');
}

/** Maps a non-2xx response; every status class is handled explicitly. */
export function parseFailure(res: WireResponse, base: ExchangeRecord): Failure {
  const parsed = parseBody(res.bodyText);
  const body = parsed.ok ? ErrorBody.safeParse(parsed.value) : null;
  const hasBody = body?.success === true;
  const code = hasBody ? (body.data.error.status ?? String(res.status)) : `HTTP_${res.status}`;
  const message = (hasBody ? errorMessage(body.data.error.message) : undefined) ?? `HTTP ${res.status}`;
  const exchange = { ...base, gatewayCode: code, message };
  const statusClass = classifyStatus(res.status);
  switch (statusClass) {
    case 'success':
      return unknown(base, `HTTP ${res.status} handled as a failure`);
    case 'credentials':
      return { kind: 'misconfigured', code, message, exchange };
    case 'rate-limited':
      return { kind: 'unavailable', reason: `refused before processing (HTTP ${res.status}): ${message}`, exchange };
    case 'in-flight':
      return { kind: 'unknown', reason: 'a request with this Idempotency-Key is still in flight (HTTP 409)', exchange };
    case 'server-error':
      return { kind: 'unknown', reason: `HTTP ${res.status}: ${message}`, exchange };
    case 'unexpected':
      return { kind: 'unknown', reason: `unexpected HTTP ${res.status}`, exchange };
    case 'client-error':
      // Without PayCertify's { error } body the 4xx did not come from its API (wrong base URL, proxy).
      if (!hasBody) return { kind: 'misconfigured', code, message: `HTTP ${res.status} without a PayCertify error body; check PAYCERTIFY_BASE_URL`, exchange };
      // A 422 is PayCertify refusing the request as sent (validation, state): definitive for a first call only.
      return { kind: 'declined', code, message, refusal: refusalFromText(message, 'invalid-request'), exchange };
    default:
      return assertNever(statusClass, 'HTTP status class');
  }
}

type Located = { ok: true; transactionId: string; event: PayCertifyEvent; events: PayCertifyEvent[] } | { ok: false; reason: string };

function locate(res: WireResponse, type: 'auth' | 'capture' | 'void'): Located {
  const parsed = parseBody(res.bodyText);
  if (!parsed.ok) return { ok: false, reason: 'malformed JSON in a 2xx response' };
  const body = TransactionBody.safeParse(parsed.value);
  if (!body.success) return { ok: false, reason: `unexpected 2xx body (${body.error.issues[0]?.path.join('.') ?? '?'}: ${body.error.issues[0]?.message ?? ''})` };
  const { id, events } = body.data.transaction;
  const event = latestEvent(events, type);
  if (event === undefined) {
    // Seed 003's own auth example answers with a `sale` event: the funds would already be captured,
    // which is not a hold. Never guess that it is one.
    const others = [...new Set(events.map((e) => e.event_type))].join(', ') || 'none';
    return { ok: false, reason: `no ${type} event in the response (events: ${others})` };
  }
  return { ok: true, transactionId: id, event, events };
}

function declined(event: PayCertifyEvent, base: ExchangeRecord): Declined {
  const code = event.processor_code ?? 'DECLINED';
  const message = event.processor_message ?? 'declined by the processor';
  return { kind: 'declined', code, message, refusal: 'issuer', exchange: { ...base, gatewayCode: code, message } };
}

function eventAmount(event: PayCertifyEvent, currency: string): number | null {
  if (event.amount === undefined || event.amount === null) return null;
  try {
    return parseAmount(String(event.amount), currency);
  } catch {
    return null;
  }
}

function approvedExchange(event: PayCertifyEvent, base: ExchangeRecord): ExchangeRecord {
  return { ...base, gatewayCode: event.processor_code ?? null, message: event.processor_message ?? null };
}

/** Maps an auth response: approved when the latest auth event succeeded with a usable amount. */
export function parseAuthorizeResponse(res: WireResponse, ctx: ParseContext): AuthorizeOutcome {
  if (classifyStatus(res.status) !== 'success') return parseFailure(res, ctx.base);
  const found = locate(res, 'auth');
  if (!found.ok) return unknown(ctx.base, found.reason);
  if (!found.event.success) return declined(found.event, ctx.base);
  const amount = eventAmount(found.event, ctx.currency);
  if (amount === null || amount > ctx.requestedAmount) {
    return unknown(ctx.base, `approved amount ${JSON.stringify(found.event.amount ?? null)} is not usable for a request of ${formatAmount(ctx.requestedAmount, ctx.currency)}`);
  }
  const at = found.event.created_at ? Date.parse(found.event.created_at) : Number.NaN;
  return {
    kind: 'approved',
    gatewayRef: found.transactionId,
    amount,
    // PayCertify reports a brand, never credit/debit: the service applies the gateway's shortest window.
    cardType: 'unknown',
    authorizedAt: Number.isNaN(at) ? null : plausibleAuthorizationTime(at, ctx.now),
    maskedCard: ctx.maskedCard,
    exchange: approvedExchange(found.event, ctx.base),
  };
}

/** Maps a capture response: the latest capture event decides; its id is the capture's reference. */
export function parseCaptureResponse(res: WireResponse, ctx: ParseContext): CaptureOutcome {
  if (classifyStatus(res.status) !== 'success') return parseFailure(res, ctx.base);
  const found = locate(res, 'capture');
  if (!found.ok) return unknown(ctx.base, found.reason);
  if (!found.event.success) return declined(found.event, ctx.base);
  const amount = eventAmount(found.event, ctx.currency);
  if (amount === null || amount > ctx.requestedAmount) {
    return unknown(ctx.base, `captured amount ${JSON.stringify(found.event.amount ?? null)} is not usable for a capture of ${formatAmount(ctx.requestedAmount, ctx.currency)}`);
  }
  return { kind: 'approved', amount, captureRef: found.event.id ?? found.event.processor_transaction_id ?? null, authorizationRef: found.transactionId, exchange: approvedExchange(found.event, ctx.base) };
}

/** Maps a void response: the latest void event decides. */
export function parseVoidResponse(res: WireResponse, ctx: ParseContext): VoidOutcome {
  if (classifyStatus(res.status) !== 'success') return parseFailure(res, ctx.base);
  const found = locate(res, 'void');
  if (!found.ok) return unknown(ctx.base, found.reason);
  if (!found.event.success) return declined(found.event, ctx.base);
  return { kind: 'approved', exchange: approvedExchange(found.event, ctx.base) };
}

/** BIN + last four of the card about to be sent, for the outcome (the raw number is never returned). */
export function maskedCardOf(req: AuthorizeRequest): string | undefined {
  return req.card === undefined ? undefined : maskPan(req.card.number);
}
