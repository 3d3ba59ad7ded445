// The row of a hold that does not exist yet: `authorizing`, with the machine's initial snapshot.
import { initialTransition } from 'xstate';
import { holdMachine, HOLD_MACHINE_VERSION, type OnExpiry } from '../../machines/hold.machine.js';
import type { HoldRow } from '../../db/hold-mapper.js';
import type { CardType, GatewayCapabilities } from '../gateways/types.js';
import { nextActionAt } from './next-action.js';

export interface NewHoldInput {
  id: string;
  gateway: string;
  capabilities: GatewayCapabilities;
  currency: string;
  amount: number;
  onExpiry: OnExpiry;
  /** Whether the caller chose onExpiry (false: the default applies and hold.expiring_soon warns). */
  onExpiryExplicit: boolean;
  /** The authorization's idempotency key, in the machine's pending operation. */
  idempotencyKey: string;
  /** Stored in the row's idempotency_key column for authorize replays (null for tracked holds). */
  requestKey: { key: string; hash: string } | null;
  /** JSON of what re-sending the authorization needs (null for tracked holds). */
  authorizeRequest: string | null;
  /** The earliest the authorization could expire (now + the gateway's shortest window). */
  deadline: number;
  orderId: string | null;
  subscriptionId: string | null;
  cardType: CardType;
}

/** Builds the row a new hold starts from, at `now`. */
export function newHoldRow(input: NewHoldInput, now: number): HoldRow {
  const [snapshot] = initialTransition(holdMachine, {
    currency: input.currency,
    requestedAmount: input.amount,
    capabilities: { maxCaptures: input.capabilities.maxCaptures, overcaptureBps: input.capabilities.overcaptureBps },
    idempotencyKey: input.idempotencyKey,
    onExpiry: input.onExpiry,
    at: now,
    deadline: input.deadline,
  });
  return {
    id: input.id,
    order_id: input.orderId,
    gateway: input.gateway,
    gateway_ref: null,
    subscription_id: input.subscriptionId,
    state: 'authorizing',
    currency: input.currency,
    amount: 0,
    captured_amount: 0,
    card_type: input.cardType,
    masked_card: null,
    authorized_at: null,
    expires_at: null,
    act_by: null,
    on_expiry: input.onExpiry,
    on_expiry_amount: null,
    on_expiry_explicit: input.onExpiryExplicit ? 1 : 0,
    expiry_warned_at: null,
    idempotency_key: input.requestKey?.key ?? null,
    request_hash: input.requestKey?.hash ?? null,
    authorize_request: input.authorizeRequest,
    next_action_at: nextActionAt('authorizing', snapshot.context, null, now),
    version: 1,
    snapshot: JSON.stringify({ value: snapshot.value, context: snapshot.context }),
    machine_version: HOLD_MACHINE_VERSION,
    lease_owner: null,
    lease_expires_at: null,
    lease_epoch: 0,
    created_at: now,
    updated_at: now,
  };
}
