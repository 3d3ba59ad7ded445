// Kushki OneClick wire format: pure request builders and response parsers. No I/O here;
// createHttpGateway sends what these build and hands back what came in. Sources: seeds 000/001/002
// and the fixtures in ../shared/fixtures (error codes, example responses, OneClick rules).
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { formatAmount, parseAmount, assertPositiveMinorUnits, requireCurrency } from '../../money/money.js';
import type { WireCall } from '../gateway-definition.js';
import { plausibleAuthorizationTime } from '../gateway-time.js';
import { refusalFromText } from '../refusal-evidence.js';
import type {
  AuthorizeOutcome,
  AuthorizeRequest,
  CaptureOutcome,
  CaptureRequest,
  CardType,
  Declined,
  ExchangeRecord,
  ReauthorizeOutcome,
  ReauthorizeRequest,
  VoidOutcome,
  VoidRequest,
} from '../types.js';
import {
  assertNever,
  classifyStatus,
  type ErrorFormat,
  type Failure,
  failureOutcome,
  type ParseContext,
  parseJsonBody,
  readSuccessBody,
  unknownOutcome,
  type WireResponse,
} from '../wire.js';

/** Kushki's amount object, in major units as JSON numbers. */
export interface KushkiAmount {
  subtotalIva: number;
  subtotalIva0: number;
  iva: number;
  ice: number;
  currency: string;
}

const minor = z.int().nonnegative();
const TaxBreakdown = z.strictObject({ subtotalIva: minor, subtotalIva0: minor, iva: minor, ice: minor });
// What AuthorizeRequest.metadata may carry for Kushki; anything else is ignored.
const KushkiMetadata = z.looseObject({
  taxes: TaxBreakdown.optional(),
  externalSubscriptionID: z.string().regex(/^[A-Za-z0-9]{1,20}$/, 'at most 20 letters and digits').optional(),
  name: z.string().min(1).optional(),
  lastName: z.string().min(1).optional(),
  email: z.string().min(1).optional(),
  kushkiMetadata: z.record(z.string(), z.unknown()).optional(),
});

// A JSON number in major units, exact for our purposes: the minor-unit integer is formatted as a
// decimal string first, and that string is what Number() reads.
function major(minorUnits: number, currency: string): number {
  return Number(formatAmount(minorUnits, currency));
}

/** The amount object for `amount` minor units: all of it in subtotalIva0 unless a tax breakdown is given. */
export function kushkiAmount(amount: number, currency: string, taxes?: z.infer<typeof TaxBreakdown>): KushkiAmount {
  requireCurrency(currency);
  assertPositiveMinorUnits(amount);
  if (taxes === undefined) return { subtotalIva: 0, subtotalIva0: major(amount, currency), iva: 0, ice: 0, currency };
  const sum = taxes.subtotalIva + taxes.subtotalIva0 + taxes.iva + taxes.ice;
  if (sum !== amount) {
    throw new ValidationError('INVALID_TAX_BREAKDOWN', `Kushki tax breakdown adds up to ${formatAmount(sum, currency)} ${currency}, not the amount ${formatAmount(amount, currency)} ${currency} (its parts are minor units); make the parts add up exactly`);
  }
  return {
    subtotalIva: major(taxes.subtotalIva, currency),
    subtotalIva0: major(taxes.subtotalIva0, currency),
    iva: major(taxes.iva, currency),
    ice: major(taxes.ice, currency),
    currency,
  };
}

function pathSegment(value: string, what: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) {
    throw new ValidationError('INVALID_GATEWAY_REF', `Kushki ${what} must be 1–64 letters, digits, '-' or '_'`);
  }
  return value;
}

// The subscription, the ticket and the order id are the exchange's references: an 18-digit ticket
// passes the Luhn check, and must never be masked as a card number.

/** POST /subscriptions/v1/card/{subscriptionId}/authorize with the amount and optional card-on-file data. */
export function buildAuthorizeCall(req: AuthorizeRequest): WireCall {
  if (req.subscriptionId === undefined) {
    throw new ValidationError('SUBSCRIPTION_REQUIRED', 'Kushki OneClick authorizes a subscription: pass subscriptionId');
  }
  const parsed = KushkiMetadata.safeParse(req.metadata ?? {});
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || 'metadata'}: ${i.message}`).join('; ');
    throw new ValidationError('INVALID_METADATA', `invalid Kushki metadata (${where})`);
  }
  const meta = parsed.data;
  const body: Record<string, unknown> = {
    amount: kushkiAmount(req.amount, req.currency, meta.taxes),
    fullResponse: 'v2',
  };
  if (meta.name !== undefined) body.name = meta.name;
  if (meta.lastName !== undefined) body.lastName = meta.lastName;
  if (meta.email !== undefined) body.email = meta.email;
  if (meta.externalSubscriptionID !== undefined) body.externalSubscriptionID = meta.externalSubscriptionID;
  const kushkiMetadata = { ...(meta.kushkiMetadata ?? {}), ...(req.orderId === undefined ? {} : { orderId: req.orderId }) };
  if (Object.keys(kushkiMetadata).length > 0) body.metadata = kushkiMetadata;
  const path = `/subscriptions/v1/card/${pathSegment(req.subscriptionId, 'subscriptionId')}/authorize`;
  return { method: 'POST', path, body, references: [req.subscriptionId, req.orderId] };
}

/** POST /subscriptions/v1/card/{subscriptionId}/capture with the authorization's ticketNumber. */
export function buildCaptureCall(req: CaptureRequest): WireCall {
  if (req.subscriptionId === undefined || req.subscriptionId === null) {
    throw new ValidationError('SUBSCRIPTION_REQUIRED', 'a Kushki OneClick capture needs the subscriptionId of the authorization');
  }
  return {
    method: 'POST',
    path: `/subscriptions/v1/card/${pathSegment(req.subscriptionId, 'subscriptionId')}/capture`,
    body: { ticketNumber: ticketOrThrow(req.gatewayRef), amount: kushkiAmount(req.amount, req.currency), fullResponse: 'v2' },
    references: [req.gatewayRef, req.subscriptionId],
  };
}

/** DELETE /v1/charges/{ticketNumber}, with the amount still authorized (Kushki's own example sends it). */
export function buildVoidCall(req: VoidRequest): WireCall {
  return {
    method: 'DELETE',
    path: `/v1/charges/${ticketOrThrow(req.gatewayRef)}`,
    body: { fullResponse: 'v2', amount: kushkiAmount(req.amount, req.currency) },
    references: [req.gatewayRef, req.subscriptionId],
  };
}

/**
 * POST /card/v1/reauthorization with the ORIGINAL authorization's ticketNumber and the amount to add
 * (all zero: keep the amount, extend the validity). UNVERIFIED: Kushki's Card API lists a "Reauthorize
 * payments" operation whose body we could not retrieve; the path and body follow the capture call's
 * shape and the card-present reauthorization (transaction_reference + amount, $0 only extends). See
 * REAUTHORIZATION.md beside this file.
 */
export function buildReauthorizeCall(req: ReauthorizeRequest): WireCall {
  requireCurrency(req.currency);
  if (!Number.isSafeInteger(req.amount) || req.amount < 0) {
    throw new ValidationError('INVALID_AMOUNT', 'a Kushki reauthorization adds a non-negative integer of minor units');
  }
  const amount = req.amount === 0 ? { subtotalIva: 0, subtotalIva0: 0, iva: 0, ice: 0, currency: req.currency } : kushkiAmount(req.amount, req.currency);
  return {
    method: 'POST',
    path: '/card/v1/reauthorization',
    body: { ticketNumber: ticketOrThrow(req.gatewayRef), amount, fullResponse: 'v2' },
    references: [req.gatewayRef, req.subscriptionId],
  };
}

function ticketOrThrow(ref: string): string {
  if (!/^\d{1,40}$/.test(ref)) throw new ValidationError('INVALID_GATEWAY_REF', 'a Kushki ticketNumber is a string of digits');
  return ref;
}

// ---------------------------------------------------------------------------------------------
// Responses

// Ticket numbers exceed 2^53: parseJsonExact turns such literals into strings, and a safe integer
// literal is converted exactly by String(). Either way the result is the digits that were sent.
const Ticket = z.union([z.string().regex(/^\d{1,40}$/), z.int().nonnegative()]).transform(String);
const MajorAmount = z.union([z.number(), z.string()]);

const Details = z.looseObject({
  transactionStatus: z.string().optional(),
  transactionType: z.string().optional(),
  approvedTransactionAmount: MajorAmount.optional(),
  requestAmount: MajorAmount.optional(),
  responseCode: z.string().optional(),
  responseText: z.string().optional(),
  ticketNumber: Ticket.optional(),
  /** The authorization a capture applied to (the simulator names it; Kushki's documented example does not). */
  preauthTicketNumber: Ticket.optional(),
  created: z.union([z.number(), z.string()]).optional(),
  currencyCode: z.string().optional(),
  binCard: z.string().optional(),
  lastFourDigits: z.string().optional(),
  maskedCreditCard: z.string().optional(),
  amount: z.looseObject({ currency: z.string().optional() }).optional(),
  binInfo: z
    .looseObject({ type: z.string().optional(), binCard: z.string().optional(), lastFourDigits: z.string().optional() })
    .optional(),
});
const SuccessBody = z.looseObject({ ticketNumber: Ticket.optional(), details: Details.optional() });
const ErrorBody = z.looseObject({
  code: z.union([z.string(), z.number()]).transform(String).optional(),
  message: z.string().optional(),
  processorError: z.union([z.string(), z.number()]).transform(String).optional(),
});

/**
 * How a Kushki error code is handled: `declined` is the issuer's or processor's final refusal,
 * `invalid` a request Kushki would not process as sent (definitive for a first call only).
 */
export type CodeDisposition = 'declined' | 'invalid' | 'misconfigured' | 'unknown';

/**
 * Every Kushki code the fixtures list, with what it means for us. `unknown` marks codes that say
 * Kushki or its processor failed mid-way (retry under the same key); `misconfigured` marks merchant
 * credentials or merchant set-up, which no retry fixes.
 */
export const KUSHKI_CODES = {
  K001: 'invalid', // invalid request body (also: already captured / voided, key reuse)
  K002: 'unknown', // unexpected error; Kushki says retry
  K003: 'unknown', // error in gateway response (recurring table); retry
  K004: 'misconfigured', // invalid merchant id / credentials
  K005: 'misconfigured', // listed after K004 on the one-time page (truncated): merchant set-up
  K006: 'invalid', // rejected by collection validation
  K007: 'declined', // card blocked by the issuer
  K008: 'invalid', // incorrect token
  K010: 'misconfigured', // merchant not eligible for subscriptions
  K011: 'invalid', // invalid start date
  K012: 'invalid', // invalid subscription id
  K013: 'invalid', // invalid end date
  K014: 'invalid', // invalid capture amount
  K015: 'misconfigured', // transaction not allowed without CVV (seed 002: service not activated)
  K026: 'misconfigured', // merchant disabled
  '006': 'declined', // abandoned transaction
  '017': 'declined', // invalid card
  '019': 'declined', // unsupported card (test cards)
  '021': 'declined', // insufficient funds (test cards)
  '022': 'declined', // unable to verify CVV (test cards)
  '023': 'declined', // card blocked by bank (test cards)
  '201': 'misconfigured', // invalid merchant id (legacy)
  '228': 'unknown', // processor unreachable: Kushki cannot tell us what the processor did
  '577': 'invalid', // invalid transaction token
  '621': 'declined', // cancelled by user
  '622': 'unknown', // session timeout at Kushki; retry
  '703': 'invalid', // amount required
  '1019': 'invalid', // subscription token not found (legacy)
  '1022': 'invalid', // invalid subscription id (legacy)
} as const satisfies Record<string, CodeDisposition>;

/** The disposition of a listed code, or `unlisted` for codes the fixtures do not mention. */
export function kushkiCodeDisposition(code: string): CodeDisposition | 'unlisted' {
  return Object.hasOwn(KUSHKI_CODES, code) ? KUSHKI_CODES[code as keyof typeof KUSHKI_CODES] : 'unlisted';
}

/** What a 4xx with a Kushki error code means; every disposition is handled explicitly. */
function refusal(code: string, message: string, exchange: ExchangeRecord): Failure {
  const disposition = kushkiCodeDisposition(code);
  switch (disposition) {
    case 'declined':
      return { kind: 'declined', code, message, refusal: refusalFromText(message, 'issuer'), exchange };
    case 'invalid':
      return { kind: 'declined', code, message, refusal: refusalFromText(message, 'invalid-request'), exchange };
    case 'misconfigured':
      return { kind: 'misconfigured', code, message, exchange };
    case 'unknown':
      return { kind: 'unknown', reason: `${code}: ${message}`, exchange };
    case 'unlisted':
      // Not a guess: a 4xx with a Kushki error body is Kushki refusing the request before acting.
      // Which refusal it is we cannot tell, so it counts as a request refusal: final for a first
      // call, and no proof about an earlier attempt on a resumed one.
      return { kind: 'declined', code, message, refusal: refusalFromText(message, 'invalid-request'), exchange };
    default:
      return assertNever(disposition, 'Kushki code disposition');
  }
}

/** Kushki's error answers: `{ code, message }` (or `processorError`); a 4xx without a code did not come from Kushki. */
export const KUSHKI_ERRORS: ErrorFormat = {
  gateway: 'Kushki',
  baseUrlVariable: 'KUSHKI_BASE_URL',
  read(body) {
    const parsed = ErrorBody.safeParse(body);
    if (!parsed.success) return { code: null, message: undefined };
    return { code: parsed.data.code ?? parsed.data.processorError ?? null, message: parsed.data.message };
  },
  codeInReason: true,
  refusal,
};

/** Maps a non-2xx response to its outcome (see failureOutcome and KUSHKI_ERRORS). */
export function parseFailure(res: WireResponse, base: ExchangeRecord): Failure {
  return failureOutcome(res, base, KUSHKI_ERRORS);
}

/** The transaction statuses Kushki reports; anything else is unexpected. */
export type KushkiStatus = 'APPROVAL' | 'DECLINED' | 'INITIALIZED' | 'unrecognised';

function kushkiStatus(value: string | undefined): KushkiStatus {
  return value === 'APPROVAL' || value === 'DECLINED' || value === 'INITIALIZED' ? value : 'unrecognised';
}

/** Converts a major-unit amount from the wire into minor units, or null when it is not exact. */
export function majorToMinor(value: number | string, currency: string): number | null {
  try {
    return parseAmount(String(value), currency, { allowZero: true });
  } catch {
    return null;
  }
}

/** Kushki's `details.created` as epoch ms, or null when missing or implausible (the service then uses its clock). */
export function kushkiCreatedAt(created: unknown, now: number): number | null {
  // Seconds in one published example (1651242220), milliseconds in another (1658359597000). 1e11
  // separates them for any date between 1973 and 5138.
  const value = typeof created === 'string' && /^\d+$/.test(created) ? Number(created) : created;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  return plausibleAuthorizationTime(value < 1e11 ? value * 1000 : value, now);
}

/** `credit` / `debit` from binInfo.type; anything else (or nothing) is unknown. */
export function kushkiCardType(type: string | undefined): CardType {
  const t = (type ?? '').trim().toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  if (t === 'credit' || t === 'credito') return 'credit';
  if (t === 'debit' || t === 'debito') return 'debit';
  return 'unknown';
}

function maskedCard(details: z.infer<typeof Details>): string | undefined {
  const bin = details.binInfo?.binCard ?? details.binCard;
  const last4 = details.binInfo?.lastFourDigits ?? details.lastFourDigits;
  if (bin !== undefined && last4 !== undefined && /^\d{6,8}$/.test(bin) && /^\d{4}$/.test(last4)) return `${bin.slice(0, 6)}…${last4}`;
  return undefined;
}

type Parsed = { ok: true; ticket: string | undefined; details: z.infer<typeof Details> } | { ok: false; reason: string };

function parseSuccessBody(text: string): Parsed {
  const body = readSuccessBody(text, SuccessBody);
  if (!body.ok) return body;
  if (body.value.details === undefined) return { ok: false, reason: '2xx response without details' };
  return { ok: true, ticket: body.value.ticketNumber ?? body.value.details.ticketNumber, details: body.value.details };
}

function declinedFromDetails(details: z.infer<typeof Details>, base: ExchangeRecord): Declined {
  const code = details.responseCode ?? 'DECLINED';
  const message = details.responseText ?? 'declined';
  return { kind: 'declined', code, message, refusal: 'issuer', exchange: { ...base, gatewayCode: code, message } };
}

function currencyMismatch(details: z.infer<typeof Details>, currency: string): string | null {
  const echoed = details.amount?.currency ?? details.currencyCode;
  return echoed !== undefined && echoed !== currency ? `response currency ${echoed} differs from ${currency}` : null;
}

/** Maps an authorize response: approved needs a ticketNumber, APPROVAL and an exact approved amount. */
export function parseAuthorizeResponse(res: WireResponse, ctx: ParseContext): AuthorizeOutcome {
  if (classifyStatus(res.status) !== 'success') return parseFailure(res, ctx.base);
  const parsed = parseSuccessBody(res.bodyText);
  if (!parsed.ok) return unknownOutcome(ctx.base, parsed.reason);
  const { details, ticket } = parsed;
  const status = kushkiStatus(details.transactionStatus);
  switch (status) {
    case 'DECLINED':
      return declinedFromDetails(details, ctx.base);
    case 'INITIALIZED':
    case 'unrecognised':
      return unknownOutcome(ctx.base, `authorization status ${JSON.stringify(details.transactionStatus ?? null)}`);
    case 'APPROVAL': {
      if (details.transactionType !== undefined && details.transactionType !== 'PREAUTHORIZATION') {
        return unknownOutcome(ctx.base, `approved ${details.transactionType}, not a PREAUTHORIZATION`);
      }
      if (ticket === undefined) return unknownOutcome(ctx.base, 'approval without a ticketNumber');
      const mismatch = currencyMismatch(details, ctx.currency);
      if (mismatch) return unknownOutcome(ctx.base, mismatch);
      if (details.approvedTransactionAmount === undefined) return unknownOutcome(ctx.base, 'approval without approvedTransactionAmount');
      const amount = majorToMinor(details.approvedTransactionAmount, ctx.currency);
      if (amount === null || amount <= 0 || amount > ctx.requestedAmount) {
        return unknownOutcome(ctx.base, `approved amount ${String(details.approvedTransactionAmount)} is not usable for a request of ${formatAmount(ctx.requestedAmount, ctx.currency)} ${ctx.currency}`);
      }
      return {
        kind: 'approved',
        gatewayRef: ticket,
        amount,
        cardType: kushkiCardType(details.binInfo?.type),
        authorizedAt: kushkiCreatedAt(details.created, ctx.now),
        maskedCard: maskedCard(details),
        exchange: { ...ctx.base, gatewayCode: details.responseCode ?? null, message: details.responseText ?? null },
      };
    }
    default:
      return assertNever(status, 'Kushki transaction status');
  }
}

/** Maps a capture response; the new ticketNumber Kushki issues for the capture becomes captureRef. */
export function parseCaptureResponse(res: WireResponse, ctx: ParseContext): CaptureOutcome {
  // The docs' own example approves 1 of 59 requested: only approvedTransactionAmount is the truth.
  const approval = parseApproval(res, ctx, { operation: 'capture', transactionType: 'CAPTURE', minAmount: 1 });
  if (!('details' in approval)) return approval;
  const { details, ticket, amount } = approval;
  return {
    kind: 'approved',
    amount,
    captureRef: ticket ?? null,
    authorizationRef: details.preauthTicketNumber ?? null,
    exchange: { ...ctx.base, gatewayCode: details.responseCode ?? null, message: details.responseText ?? null },
  };
}

/** Maps a reauthorization response: approved needs APPROVAL and an exact approved amount (0 allowed). */
export function parseReauthorizeResponse(res: WireResponse, ctx: ParseContext): ReauthorizeOutcome {
  const approval = parseApproval(res, ctx, { operation: 'reauthorization', transactionType: 'REAUTHORIZATION', minAmount: 0 });
  if (!('details' in approval)) return approval;
  const { details, ticket, amount } = approval;
  return {
    kind: 'approved',
    amount,
    reauthorizationRef: ticket ?? null,
    authorizationRef: details.preauthTicketNumber ?? null,
    authorizedAt: kushkiCreatedAt(details.created, ctx.now),
    exchange: { ...ctx.base, gatewayCode: details.responseCode ?? null, message: details.responseText ?? null },
  };
}

/**
 * What a capture and a reauthorization answer share: a failure, a decline or an unknown outcome, or
 * an APPROVAL of the expected transaction type, in the hold's currency, with an approved amount from
 * `minAmount` up to the amount requested.
 */
function parseApproval(
  res: WireResponse,
  ctx: ParseContext,
  expected: { operation: 'capture' | 'reauthorization'; transactionType: 'CAPTURE' | 'REAUTHORIZATION'; minAmount: 0 | 1 },
): Failure | { details: z.infer<typeof Details>; ticket: string | undefined; amount: number } {
  if (classifyStatus(res.status) !== 'success') return parseFailure(res, ctx.base);
  const parsed = parseSuccessBody(res.bodyText);
  if (!parsed.ok) return unknownOutcome(ctx.base, parsed.reason);
  const { details, ticket } = parsed;
  const status = kushkiStatus(details.transactionStatus);
  switch (status) {
    case 'DECLINED':
      return declinedFromDetails(details, ctx.base);
    case 'INITIALIZED':
    case 'unrecognised':
      return unknownOutcome(ctx.base, `${expected.operation} status ${JSON.stringify(details.transactionStatus ?? null)}`);
    case 'APPROVAL': {
      if (details.transactionType !== undefined && details.transactionType !== expected.transactionType) {
        return unknownOutcome(ctx.base, `approved ${details.transactionType}, not a ${expected.transactionType}`);
      }
      const mismatch = currencyMismatch(details, ctx.currency);
      if (mismatch) return unknownOutcome(ctx.base, mismatch);
      if (details.approvedTransactionAmount === undefined) return unknownOutcome(ctx.base, `${expected.operation} approval without approvedTransactionAmount`);
      const amount = majorToMinor(details.approvedTransactionAmount, ctx.currency);
      if (amount === null || amount < expected.minAmount || amount > ctx.requestedAmount) {
        const what = expected.operation === 'capture' ? 'captured amount' : 'reauthorized amount';
        const forWhat = expected.operation === 'capture' ? 'a capture' : 'a request';
        return unknownOutcome(ctx.base, `${what} ${String(details.approvedTransactionAmount)} is not usable for ${forWhat} of ${formatAmount(ctx.requestedAmount, ctx.currency)}`);
      }
      return { details, ticket, amount };
    }
    default:
      return assertNever(status, 'Kushki transaction status');
  }
}

/** Maps a void response: 200/201/204, with or without a body, is success (Kushki's PHP SDK rule). */
export function parseVoidResponse(res: WireResponse, ctx: ParseContext): VoidOutcome {
  if (classifyStatus(res.status) !== 'success') return parseFailure(res, ctx.base);
  if (res.status !== 200 && res.status !== 201 && res.status !== 204) return unknownOutcome(ctx.base, `void answered HTTP ${res.status}`);
  const parsed = parseJsonBody(res.bodyText);
  if (!parsed.ok) return unknownOutcome(ctx.base, 'malformed JSON in a 2xx void response');
  const body = SuccessBody.safeParse(parsed.value ?? {});
  const status = body.success ? body.data.details?.transactionStatus : undefined;
  if (status === 'DECLINED' && body.success && body.data.details) return declinedFromDetails(body.data.details, ctx.base);
  const code = body.success ? (body.data.details?.responseCode ?? null) : null;
  return { kind: 'approved', exchange: { ...ctx.base, gatewayCode: code, message: null } };
}
