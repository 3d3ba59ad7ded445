// Kysely table types. Columns are snake_case and typed with the domain's unions; db/stored-hold.ts
// turns a row into a StoredHold (its snapshot parsed once) and back.
import type { Generated } from 'kysely';
import type { HoldState, OnExpiry } from '../machines/hold.machine.js';
import type { Actor, CardType } from '../machines/hold-types.js';

export interface HoldsTable {
  id: string;
  order_id: string | null;
  gateway: string;
  gateway_ref: string | null;
  subscription_id: string | null;
  state: HoldState;
  currency: string;
  amount: number;
  captured_amount: number;
  card_type: CardType;
  masked_card: string | null;
  authorized_at: number | null;
  expires_at: number | null;
  /** An actBy the hold was given of its own; null: expiresAt − the configured lead time. */
  act_by: number | null;
  on_expiry: OnExpiry;
  on_expiry_amount: number | null;
  idempotency_key: string | null;
  request_hash: string | null;
  /** When the sweeper must next look at the hold whatever the lead time (an own actBy, a retry, the expiry), or null. */
  next_action_at: number | null;
  /** expiresAt while an open hold follows the policy: due once policy_due_at ≤ now + lead time. */
  policy_due_at: number | null;
  version: number;
  snapshot: string;
  machine_version: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  lease_epoch: Generated<number>;
  created_at: number;
  updated_at: number;
  /** 1 when the order system chose onExpiry (authorize/track/setOnExpiry), 0 for the default. */
  on_expiry_explicit: Generated<number>;
  /** When hold.expiring_soon was written for this hold. */
  expiry_warned_at: number | null;
  /** JSON: what re-sending the authorization needs (subscription, order, metadata; never card data). */
  authorize_request: string | null;
}

export interface WebhookOutboxTable {
  id: string;
  hold_id: string;
  event_type: string;
  payload: string;
  created_at: number;
  attempts: Generated<number>;
  next_attempt_at: number;
  delivered_at: number | null;
  last_error: string | null;
}

export interface HoldTransitionsTable {
  hold_id: string;
  seq: number;
  from_state: HoldState | null;
  to_state: HoldState;
  event: string;
  actor: Actor;
  detail: string | null;
  at: number;
}

export interface GatewayExchangesTable {
  id: string;
  hold_id: string;
  operation: string;
  idempotency_key: string;
  http_status: number | null;
  outcome: string;
  gateway_code: string | null;
  message: string | null;
  request: string | null;
  response: string | null;
  latency_ms: number;
  at: number;
}

export interface Database {
  holds: HoldsTable;
  hold_transitions: HoldTransitionsTable;
  gateway_exchanges: GatewayExchangesTable;
  webhook_outbox: WebhookOutboxTable;
}
