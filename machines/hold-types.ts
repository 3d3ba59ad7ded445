// The domain types the embedded API returns. Money in integer minor units, times in UTC epoch ms.
// Plain data, below every layer: the database maps rows to them, the API returns them.
import type { AuthorizationLink, ExtensionMethod, FinalPlan, HoldState, LastError, OnExpiry, PendingOperation } from './hold.machine.js';

/** What the issuer says the card is; it decides the hold's window (unknown: the gateway's shortest). */
export type CardType = 'credit' | 'debit' | 'unknown';

/** Who made a transition: the embedded API, the CLI, the sweeper, or an operator resolving or retrying a hold. */
export type Actor = 'api' | 'cli' | 'sweeper' | 'operator';

/** One authorization hold as stored. */
export interface Hold {
  id: string;
  orderId: string | null;
  gateway: string;
  gatewayRef: string | null;
  subscriptionId: string | null;
  state: HoldState;
  currency: string;
  /** Minor units: authorized (less than asked on a partial approval); before approval, and for a declined authorization, the amount asked for. */
  amount: number;
  capturedAmount: number;
  captureCount: number;
  cardType: CardType;
  /** BIN + last four, when known. */
  maskedCard: string | null;
  authorizedAt: number | null;
  expiresAt: number | null;
  /** When holdfast acts: the hold's own actBy, or expiresAt − the configured lead time. */
  actBy: number | null;
  /** True when actBy was set for this hold; false when it follows the lead-time policy. */
  ownActBy: boolean;
  onExpiry: OnExpiry;
  /** Planned capture amount at actBy; null: everything still capturable. */
  onExpiryAmount: number | null;
  /** Extend plan: the funds are kept until this time, then `fallback` applies (null otherwise). */
  holdUntil: number | null;
  /** Extend plan: its final plan. */
  fallback: FinalPlan | null;
  /** Extend plan: how it extends (null: reauthorization where the gateway has it, else replacement). */
  extendBy: ExtensionMethod | null;
  /** The hold whose authorization this one replaced (the order's earlier hold), or null. */
  replaces: string | null;
  /** The hold whose authorization replaced this one: the order's funds are there, and commands on this id go there. */
  replacedBy: string | null;
  /** The chain of authorizations: the original, then each reauthorization that took effect. */
  authorizations: AuthorizationLink[];
  /** True once nothing more can be captured or voided (a closed partial capture, a terminal state). */
  closed: boolean;
  /** The gateway call in flight, if any (its idempotency key and unknown attempts). */
  pending: PendingOperation | null;
  lastError: LastError | null;
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** One line of a hold's append-only journal. */
export interface HoldTransition {
  holdId: string;
  seq: number;
  from: HoldState | null;
  to: HoldState;
  event: string;
  actor: Actor;
  detail: Record<string, unknown> | null;
  at: number;
}

/** One redacted gateway exchange. */
export interface GatewayExchange {
  id: string;
  holdId: string;
  operation: string;
  idempotencyKey: string;
  httpStatus: number | null;
  outcome: string;
  gatewayCode: string | null;
  message: string | null;
  request: unknown;
  response: unknown;
  latencyMs: number;
  at: number;
}

/** A hold's journal and its redacted gateway exchanges, oldest first. */
export interface HoldHistory {
  transitions: HoldTransition[];
  exchanges: GatewayExchange[];
}
