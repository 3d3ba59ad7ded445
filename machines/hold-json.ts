// The public JSON shapes of a hold (CLI --json and webhook payloads): money as integer minor units,
// times as ISO-8601 UTC. A contract for scripts, so fields are listed explicitly, not spread.
import type { CardType, GatewayExchange, Hold, HoldHistory, HoldTransition } from './hold-types.js';

function toIsoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** One hold as printed by --json. */
export interface HoldJson {
  id: string;
  orderId: string | null;
  gateway: string;
  gatewayRef: string | null;
  subscriptionId: string | null;
  state: string;
  amount: number;
  capturedAmount: number;
  currency: string;
  cardType: CardType;
  authorizedAt: string | null;
  expiresAt: string | null;
  actBy: string | null;
  onExpiry: string;
  /** The planned capture at actBy in minor units; null: everything still capturable (or a void plan). */
  onExpiryAmount: number | null;
  /** The last refusal or failure: its code, message, the operation it was about and when (ISO-8601). */
  lastError: { code: string; message: string; operation?: string | null; at?: string } | null;
  version: number;
}

/** A hold with its journal and gateway exchanges, as printed by `show --json`. */
export interface HoldDetailJson extends HoldJson {
  /** Extend plan: keep the funds until then, then `fallback` (null for other plans). */
  holdUntil: string | null;
  fallback: string | null;
  /** How extensions are made (reauthorization or replacement); null: the gateway's best. */
  extendBy: string | null;
  /** The chain of authorizations: the original, then each reauthorization. */
  authorizations: { kind: string; ref: string | null; amount: number; at: string; expiresAt: string }[];
  /** The hold this one replaced, and the hold that replaced it (replacement authorizations). */
  replaces: string | null;
  replacedBy: string | null;
  /** Every hold of the order's replacement chain, oldest first (this one included; one entry when never replaced). */
  replacementChain: { id: string; state: string; amount: number; gatewayRef: string | null; authorizedAt: string | null; expiresAt: string | null }[];
  transitions: { from: string | null; to: string; event: string; actor: string; at: string; detail: Record<string, unknown> | null }[];
  exchanges: {
    operation: string;
    idempotencyKey: string;
    httpStatus: number | null;
    outcome: string;
    gatewayCode: string | null;
    message: string | null;
    request: unknown;
    response: unknown;
    at: string;
  }[];
}

/** The --json shape of a hold. */
export function holdToJson(hold: Hold): HoldJson {
  return {
    id: hold.id,
    orderId: hold.orderId,
    gateway: hold.gateway,
    gatewayRef: hold.gatewayRef,
    subscriptionId: hold.subscriptionId,
    state: hold.state,
    amount: hold.amount,
    capturedAmount: hold.capturedAmount,
    currency: hold.currency,
    cardType: hold.cardType,
    authorizedAt: toIsoTime(hold.authorizedAt),
    expiresAt: toIsoTime(hold.expiresAt),
    actBy: toIsoTime(hold.actBy),
    onExpiry: hold.onExpiry,
    onExpiryAmount: hold.onExpiryAmount,
    lastError: hold.lastError && {
      code: hold.lastError.code,
      message: hold.lastError.message,
      operation: hold.lastError.operation ?? null,
      at: new Date(hold.lastError.at).toISOString(),
    },
    version: hold.version,
  };
}

/** The `show --json` shape: the hold's fields plus its transitions and exchanges, oldest first. */
export function holdDetailToJson(hold: Hold, history: HoldHistory, chain: readonly Hold[] = [hold]): HoldDetailJson {
  return {
    ...holdToJson(hold),
    holdUntil: toIsoTime(hold.holdUntil),
    fallback: hold.fallback,
    extendBy: hold.extendBy,
    authorizations: hold.authorizations.map((a) => ({ kind: a.kind, ref: a.ref, amount: a.amount, at: new Date(a.at).toISOString(), expiresAt: new Date(a.expiresAt).toISOString() })),
    replaces: hold.replaces,
    replacedBy: hold.replacedBy,
    replacementChain: chain.map((h) => ({ id: h.id, state: h.state, amount: h.amount, gatewayRef: h.gatewayRef, authorizedAt: toIsoTime(h.authorizedAt), expiresAt: toIsoTime(h.expiresAt) })),
    transitions: history.transitions.map(transitionToJson),
    exchanges: history.exchanges.map(exchangeToJson),
  };
}

function transitionToJson(t: HoldTransition): HoldDetailJson['transitions'][number] {
  return { from: t.from, to: t.to, event: t.event, actor: t.actor, at: new Date(t.at).toISOString(), detail: t.detail };
}

function exchangeToJson(e: GatewayExchange): HoldDetailJson['exchanges'][number] {
  return {
    operation: e.operation,
    idempotencyKey: e.idempotencyKey,
    httpStatus: e.httpStatus,
    outcome: e.outcome,
    gatewayCode: e.gatewayCode,
    message: e.message,
    request: e.request,
    response: e.response,
    at: new Date(e.at).toISOString(),
  };
}
