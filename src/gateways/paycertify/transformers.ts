// PayCertify gateway wire format (seed 003, fixture paycertify-api.json): pure request builders and
// response parsers. The auth request carries the raw card number and CVV; these functions build it in
// memory and nothing here stores, logs or echoes it (createHttpGateway redacts the exchange record,
// masking the card numbers each call declares).
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { assertPositiveMinorUnits, formatAmount, parseAmount, requireCurrency } from '../../money/money.js';
import type { WireCall } from '../gateway-definition.js';
import { plausibleAuthorizationTime } from '../gateway-time.js';
import { refusalFromText } from '../refusal-evidence.js';
import type {
  AuthorizeOutcome,
  AuthorizeRequest,
  CaptureOutcome,
  CaptureRequest,
  Declined,
  ExchangeRecord,
  VoidOutcome,
  VoidRequest,
} from '../types.js';
import {
  type AuthorizeParseContext,
  classifyStatus,
  type ErrorFormat,
  type Failure,
  failureOutcome,
  type ParseContext,
  readSuccessBody,
  unknownOutcome,
  type WireResponse,
} from '../wire.js';

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

/**
 * POST /api/transactions/auth with the card, a decimal amount and the merchant's own transaction id.
 * The card number is declared so that redaction masks it even when it fails the Luhn check.
 */
export function buildAuthorizeCall(req: AuthorizeRequest, defaults: PayCertifyDefaults = {}): WireCall {
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
  return { method: 'POST', path: '/api/transactions/auth', body, references: [req.orderId], cardNumbers: [req.card.number] };
}

/** POST /api/transactions/{id}/capture with the decimal amount. */
export function buildCaptureCall(req: CaptureRequest): WireCall {
  const body = { amount: amountText(req.amount, req.currency) };
  return { method: 'POST', path: transactionPath(req.gatewayRef, 'capture'), body, references: [req.gatewayRef] };
}

/** POST /api/transactions/{id}/void (no body fields documented). */
export function buildVoidCall(req: VoidRequest): WireCall {
  return { method: 'POST', path: transactionPath(req.gatewayRef, 'void'), body: {}, references: [req.gatewayRef] };
}

// ---------------------------------------------------------------------------------------------
// Responses

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

function errorMessage(message: z.infer<typeof ErrorBody>['error']['message']): string | undefined {
  if (message === undefined || typeof message === 'string') return message;
  return Object.entries(message)
    .map(([field, msgs]) => `${field}: ${Array.isArray(msgs) ? msgs.join(', ') : msgs}`)
    .join('; ');
}

/**
 * PayCertify's error answers: `{ error: { status, message } }`, where `status` echoes the HTTP status
 * and `message` is text or per-field lists. A 4xx with that body (422: validation, state) is a refusal
 * of the request as sent: definitive for a first call only.
 */
export const PAYCERTIFY_ERRORS: ErrorFormat = {
  gateway: 'PayCertify',
  baseUrlVariable: 'PAYCERTIFY_BASE_URL',
  read(body, status) {
    const parsed = ErrorBody.safeParse(body);
    if (!parsed.success) return { code: null, message: undefined };
    return { code: parsed.data.error.status ?? String(status), message: errorMessage(parsed.data.error.message) };
  },
  codeInReason: false,
  refusal: (code, message, exchange) => ({ kind: 'declined', code, message, refusal: refusalFromText(message, 'invalid-request'), exchange }),
};

/** Maps a non-2xx response to its outcome (see failureOutcome and PAYCERTIFY_ERRORS). */
export function parseFailure(res: WireResponse, base: ExchangeRecord): Failure {
  return failureOutcome(res, base, PAYCERTIFY_ERRORS);
}

type Located = { ok: true; transactionId: string; event: PayCertifyEvent; events: PayCertifyEvent[] } | { ok: false; reason: string };

function locate(res: WireResponse, type: 'auth' | 'capture' | 'void'): Located {
  const body = readSuccessBody(res.bodyText, TransactionBody);
  if (!body.ok) return body;
  const { id, events } = body.value.transaction;
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
export function parseAuthorizeResponse(res: WireResponse, ctx: AuthorizeParseContext): AuthorizeOutcome {
  if (classifyStatus(res.status) !== 'success') return parseFailure(res, ctx.base);
  const found = locate(res, 'auth');
  if (!found.ok) return unknownOutcome(ctx.base, found.reason);
  if (!found.event.success) return declined(found.event, ctx.base);
  const amount = eventAmount(found.event, ctx.currency);
  if (amount === null || amount > ctx.requestedAmount) {
    return unknownOutcome(ctx.base, `approved amount ${JSON.stringify(found.event.amount ?? null)} is not usable for a request of ${formatAmount(ctx.requestedAmount, ctx.currency)}`);
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
  if (!found.ok) return unknownOutcome(ctx.base, found.reason);
  if (!found.event.success) return declined(found.event, ctx.base);
  const amount = eventAmount(found.event, ctx.currency);
  if (amount === null || amount > ctx.requestedAmount) {
    return unknownOutcome(ctx.base, `captured amount ${JSON.stringify(found.event.amount ?? null)} is not usable for a capture of ${formatAmount(ctx.requestedAmount, ctx.currency)}`);
  }
  return { kind: 'approved', amount, captureRef: found.event.id ?? found.event.processor_transaction_id ?? null, authorizationRef: found.transactionId, exchange: approvedExchange(found.event, ctx.base) };
}

/** Maps a void response: the latest void event decides. */
export function parseVoidResponse(res: WireResponse, ctx: ParseContext): VoidOutcome {
  if (classifyStatus(res.status) !== 'success') return parseFailure(res, ctx.base);
  const found = locate(res, 'void');
  if (!found.ok) return unknownOutcome(ctx.base, found.reason);
  if (!found.event.success) return declined(found.event, ctx.base);
  return { kind: 'approved', exchange: approvedExchange(found.event, ctx.base) };
}
