// A hold that does not exist yet: `authorizing`, with the machine's initial snapshot, ready to insert.
import { initialTransition } from 'xstate';
import { holdMachine, type OnExpiry } from '../../machines/hold.machine.js';
import { nextActionAt } from '../../machines/next-action.js';
import type { CardType } from '../../machines/hold-types.js';
import type { Capabilities } from '../../machines/hold-rules.js';
import type { StoredHold } from '../../db/stored-hold.js';

export interface NewHoldInput {
  id: string;
  gateway: string;
  capabilities: Capabilities;
  currency: string;
  amount: number;
  onExpiry: OnExpiry;
  /** Whether the caller chose onExpiry (false: the default applies and hold.expiring_soon warns). */
  onExpiryExplicit: boolean;
  /** The authorization's idempotency key, in the machine's pending operation. */
  idempotencyKey: string;
  /** Stored for authorize replays: the caller's key and the request's fingerprint (null for tracked holds). */
  requestKey: { key: string; hash: string } | null;
  /** JSON of what re-sending the authorization needs (null for tracked holds). */
  authorizeRequest: string | null;
  /** The earliest the authorization could expire (now + the gateway's shortest window). */
  deadline: number;
  orderId: string | null;
  subscriptionId: string | null;
  cardType: CardType;
  /** The hold whose authorization this one replaces (a replacement authorization). */
  replaces?: string;
}

/** The hold a new authorization starts from, at `now`. */
export function newHold(input: NewHoldInput, now: number): StoredHold {
  const [snapshot] = initialTransition(holdMachine, {
    currency: input.currency,
    requestedAmount: input.amount,
    capabilities: { maxCaptures: input.capabilities.maxCaptures, overcaptureBps: input.capabilities.overcaptureBps },
    idempotencyKey: input.idempotencyKey,
    onExpiry: input.onExpiry,
    at: now,
    deadline: input.deadline,
    replaces: input.replaces ?? null,
  });
  return {
    id: input.id,
    orderId: input.orderId,
    gateway: input.gateway,
    gatewayRef: null,
    subscriptionId: input.subscriptionId,
    currency: input.currency,
    cardType: input.cardType,
    maskedCard: null,
    authorizedAt: null,
    expiresAt: null,
    ownActBy: null,
    onExpiryExplicit: input.onExpiryExplicit,
    expiryWarnedAt: null,
    idempotencyKey: input.requestKey?.key ?? null,
    requestHash: input.requestKey?.hash ?? null,
    authorizeRequest: input.authorizeRequest,
    state: 'authorizing',
    context: snapshot.context,
    ...nextActionAt('authorizing', snapshot.context, null, now),
    version: 1,
    leaseOwner: null,
    leaseExpiresAt: null,
    leaseEpoch: 0,
    createdAt: now,
    updatedAt: now,
  };
}
