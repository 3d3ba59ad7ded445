// The contract every gateway adapter implements. The service only ever sees these types; wire
// formats stay inside src/gateways/<name>/.
import type { Capabilities } from '../../machines/hold-rules.js';
import type { RefusalKind } from '../../machines/gateway-answer.js';

export type { RefusalKind };

import type { CardType } from '../../machines/hold-types.js';

export type { CardType };

/** What a gateway allows, beside the capture rules the machine enforces. */
export interface GatewayCapabilities extends Capabilities {
  partialCapture: boolean;
  reauthorization: boolean;
  /**
   * A hold on a stored card (a subscription) can be replaced: a new authorization on the same card,
   * then a void of the old one. Extends where reauthorization is missing, and lowers amounts.
   */
  replacement: boolean;
  /** A capture names the stored card (Kushki OneClick): a hold without a subscription id can only be voided. */
  captureNeedsSubscription: boolean;
}

/** How long a gateway's issuers hold an authorization, per card type, in milliseconds. */
export interface GatewayWindows {
  credit: number;
  debit: number;
}

/** One HTTP (or in-process) exchange, already redacted: safe to store and log. */
export interface ExchangeRecord {
  operation: 'authorize' | 'capture' | 'void' | 'reauthorize';
  idempotencyKey: string;
  httpStatus: number | null;
  request: unknown;
  response: unknown;
  latencyMs: number;
  gatewayCode: string | null;
  message: string | null;
  /**
   * Gateway references this exchange involves (ticket numbers, subscription id, order id): kept
   * unmasked by every later redactExchange, even where they look like card numbers. Not stored.
   */
  references?: readonly string[];
}

/** Card data for gateways that take it raw (PayCertify). In memory only: never persisted or logged. */
export interface CardInput {
  number: string;
  expMonth: string;
  expYear: string;
  cvv: string;
  holderName?: string;
}

export interface AuthorizeRequest {
  idempotencyKey: string;
  amount: number;
  currency: string;
  subscriptionId?: string | undefined;
  card?: CardInput | undefined;
  orderId?: string | undefined;
  /** Free-form, gateway-specific extras (e.g. Kushki tax breakdown, customer e-mail). */
  metadata?: Record<string, unknown> | undefined;
}

export interface CaptureRequest {
  idempotencyKey: string;
  gatewayRef: string;
  subscriptionId?: string | null | undefined;
  amount: number;
  currency: string;
}

/** Reauthorize an existing authorization: add `amount` (0 only extends its validity). */
export interface ReauthorizeRequest {
  idempotencyKey: string;
  /** The original authorization's reference (Kushki: its ticketNumber, never a reauthorization's). */
  gatewayRef: string;
  subscriptionId?: string | null | undefined;
  /** Minor units added to the authorization; 0 keeps the amount and only extends the validity. */
  amount: number;
  currency: string;
}

export interface VoidRequest {
  idempotencyKey: string;
  gatewayRef: string;
  subscriptionId?: string | null | undefined;
  /** What remains authorized, for gateways whose void takes an amount. */
  amount: number;
  currency: string;
}

interface OutcomeBase {
  exchange: ExchangeRecord;
}

export interface AuthorizeApproved extends OutcomeBase {
  kind: 'approved';
  gatewayRef: string;
  /** The amount actually held; can be less than requested (partial approval). */
  amount: number;
  cardType: CardType;
  /** When the gateway says it authorized (epoch ms), or null when it did not say plausibly. */
  authorizedAt: number | null;
  /** BIN + last four, when the gateway or the input revealed them. */
  maskedCard?: string | undefined;
}

export interface CaptureApproved extends OutcomeBase {
  kind: 'approved';
  amount: number;
  /** A reference the gateway gave to the capture itself (Kushki issues a new ticket number). */
  captureRef: string | null;
  /** The authorization the gateway says it captured, when its answer names it (checked against the hold). */
  authorizationRef?: string | null;
}

export interface ReauthorizeApproved extends OutcomeBase {
  kind: 'approved';
  /** Minor units the reauthorization added (0 for a validity-only reauthorization). */
  amount: number;
  /** The reauthorization's own reference, when the gateway gave one. */
  reauthorizationRef: string | null;
  /** The authorization the gateway says it reauthorized, when its answer names it (checked against the hold). */
  authorizationRef?: string | null;
  /** When the gateway says it reauthorized (epoch ms), or null when it did not say plausibly. */
  authorizedAt: number | null;
}

export interface VoidApproved extends OutcomeBase {
  kind: 'approved';
}

/** A refusal by the gateway; `refusal` says what it tells about the operation (see RefusalKind). */
export interface Declined extends OutcomeBase {
  kind: 'declined';
  code: string;
  message: string;
  refusal: RefusalKind;
}

/** The request may have taken effect (timeout, 5xx, reset, unreadable body): retry under the same key. */
export interface Unknown extends OutcomeBase {
  kind: 'unknown';
  reason: string;
}

/** Nothing reached the gateway (connection refused, DNS, TLS): safe to retry. */
export interface Unavailable extends OutcomeBase {
  kind: 'unavailable';
  reason: string;
}

/** The gateway rejected our credentials or configuration: retrying cannot help. */
export interface Misconfigured extends OutcomeBase {
  kind: 'misconfigured';
  code: string;
  message: string;
}

type Failure = Declined | Unknown | Unavailable | Misconfigured;
export type AuthorizeOutcome = AuthorizeApproved | Failure;
export type CaptureOutcome = CaptureApproved | Failure;
export type VoidOutcome = VoidApproved | Failure;
export type ReauthorizeOutcome = ReauthorizeApproved | Failure;

/** One payment gateway as holdfast sees it. */
export interface Gateway {
  readonly name: string;
  readonly capabilities: GatewayCapabilities;
  /** Configured credentials (tokens, merchant ids): removed from anything holdfast stores or logs. */
  readonly secrets?: readonly string[];
  /** Throws a ValidationError when the gateway could not even build this request (nothing is sent). */
  checkAuthorize?(req: AuthorizeRequest): void;
  authorize(req: AuthorizeRequest): Promise<AuthorizeOutcome>;
  capture(req: CaptureRequest): Promise<CaptureOutcome>;
  void(req: VoidRequest): Promise<VoidOutcome>;
  /** Reauthorizes an authorization (present only when capabilities.reauthorization is true). */
  reauthorize?(req: ReauthorizeRequest): Promise<ReauthorizeOutcome>;
  /** Releases sockets or timers; optional. */
  close?(): Promise<void>;
}
