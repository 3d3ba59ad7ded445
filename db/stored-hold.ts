// A hold as the database keeps it: the row's columns in camelCase with the machine snapshot already
// restored (parsed once, upgraded when it is older). The one mapper between the domain and the
// holds table, in both directions: every write of a hold goes through `holdColumns`.
import type { Insertable, Selectable } from 'kysely';
import type { HoldsTable } from './schema.js';
import { type AuthorizationLink, HOLD_MACHINE_VERSION, type HoldContext, type HoldState, type PendingOperation } from '../machines/hold.machine.js';
import type { CardType, Hold } from '../machines/hold-types.js';
import { StorageError } from '../machines/errors.js';

export type HoldRow = Selectable<HoldsTable>;

/** One hold with its snapshot restored. */
export interface StoredHold {
  id: string;
  orderId: string | null;
  gateway: string;
  gatewayRef: string | null;
  subscriptionId: string | null;
  currency: string;
  cardType: CardType;
  maskedCard: string | null;
  authorizedAt: number | null;
  expiresAt: number | null;
  /** An actBy the hold was given of its own; null: it follows the lead-time policy. */
  ownActBy: number | null;
  /** The order system chose the plan (false: the default applies and hold.expiring_soon warns). */
  onExpiryExplicit: boolean;
  expiryWarnedAt: number | null;
  /** The authorize idempotency key and the fingerprint of its request (null for tracked holds). */
  idempotencyKey: string | null;
  requestHash: string | null;
  /** JSON of what re-sending the authorization needs (never card data). */
  authorizeRequest: string | null;
  state: HoldState;
  context: HoldContext;
  /** When the sweeper must next look at the hold whatever the lead time (null: never). */
  nextActionAt: number | null;
  /** expiresAt while an open hold follows the lead-time policy: due once it is ≤ now + lead time. */
  policyDueAt: number | null;
  version: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  leaseEpoch: number;
  createdAt: number;
  updatedAt: number;
}

// Version 1 snapshots predate the intent's commit time and deadline on the pending call; versions 1
// and 2 predate the extend plan (holdUntil, fallback) and the chain of reauthorizations; versions
// up to 3 predate replacement holds (extendBy, replaces, replacedBy).
const UPGRADABLE_VERSIONS = new Set([1, 2, 3, HOLD_MACHINE_VERSION]);
const SHORTEST_DOCUMENTED_WINDOW_MS = 7 * 24 * 3_600_000;

/** The snapshot of a row, parsed, version-checked and upgraded; refuses unknown versions and damaged JSON. */
export function readSnapshot(row: Pick<HoldRow, 'id' | 'snapshot' | 'machine_version' | 'updated_at' | 'created_at'>): { value: HoldState; context: HoldContext } {
  const version = Number(row.machine_version);
  if (!UPGRADABLE_VERSIONS.has(version)) {
    throw new StorageError(
      'UNKNOWN_MACHINE_VERSION',
      `hold ${row.id} was stored by machine version ${row.machine_version}; this holdfast understands versions up to ${HOLD_MACHINE_VERSION}. Upgrade holdfast before touching this database.`,
      { holdId: row.id },
    );
  }
  let parsed: { value?: unknown; context?: unknown };
  try {
    parsed = JSON.parse(row.snapshot) as { value?: unknown; context?: unknown };
    if (typeof parsed.value !== 'string' || typeof parsed.context !== 'object' || parsed.context === null) {
      throw new Error('missing value or context');
    }
  } catch (error) {
    throw new StorageError('CORRUPT_SNAPSHOT', `hold ${row.id} has an unreadable snapshot (${(error as Error).message})`, { holdId: row.id });
  }
  const snapshot = withRequestedAmount(parsed as { value: HoldState; context: HoldContext });
  const upgraded = version === 1 ? upgradeFromV1(snapshot, row) : snapshot;
  // Fields added by versions 3 and 4 are filled wherever missing (older versions, hand-built snapshots).
  const v3 = upgraded.context.reauthorizations === undefined ? upgradeFromV2(upgraded) : upgraded;
  return v3.context.replacedBy === undefined ? upgradeFromV3(v3) : v3;
}

function upgradeFromV3(snapshot: { value: HoldState; context: HoldContext }) {
  const { context } = snapshot;
  return { value: snapshot.value, context: { ...context, extendBy: context.extendBy ?? null, replaces: context.replaces ?? null, replacedBy: context.replacedBy ?? null } };
}

function upgradeFromV2(snapshot: { value: HoldState; context: HoldContext }) {
  const { context } = snapshot;
  return { value: snapshot.value, context: { ...context, holdUntil: context.holdUntil ?? null, fallback: context.fallback ?? 'void', reauthorizations: context.reauthorizations ?? [], reauthorizeAttempts: context.reauthorizeAttempts ?? 0 } };
}

// Snapshots written before the machine kept the amount asked for have amount 0 until approval (a
// declined authorization showed 0.00); the pending authorization still says what was asked.
function withRequestedAmount(snapshot: { value: HoldState; context: HoldContext }) {
  const { context } = snapshot;
  if (context.amount !== 0 || context.authorizedAt !== null || context.pending?.operation !== 'authorize') return snapshot;
  return { value: snapshot.value, context: { ...context, amount: context.pending.amount } };
}

function upgradeFromV1(snapshot: { value: HoldState; context: HoldContext }, row: Pick<HoldRow, 'updated_at' | 'created_at'>) {
  const pending = snapshot.context.pending as (Omit<PendingOperation, 'committedAt' | 'deadline'> & Partial<PendingOperation>) | null;
  if (pending === null) return snapshot;
  const committedAt = pending.operation === 'authorize' ? Number(row.created_at) : Number(row.updated_at);
  const deadline = pending.operation === 'authorize' ? Number(row.created_at) + SHORTEST_DOCUMENTED_WINDOW_MS : snapshot.context.expiresAt;
  return { value: snapshot.value, context: { ...snapshot.context, pending: { ...pending, committedAt, deadline } } };
}

/** A holds row as a StoredHold (the snapshot parsed here, once). */
export function storedHold(row: HoldRow): StoredHold {
  const { value, context } = readSnapshot(row);
  return {
    id: row.id,
    orderId: row.order_id,
    gateway: row.gateway,
    gatewayRef: row.gateway_ref,
    subscriptionId: row.subscription_id,
    currency: row.currency,
    cardType: row.card_type,
    maskedCard: row.masked_card,
    authorizedAt: nullableNumber(row.authorized_at),
    expiresAt: nullableNumber(row.expires_at),
    ownActBy: nullableNumber(row.act_by),
    onExpiryExplicit: Number(row.on_expiry_explicit) === 1,
    expiryWarnedAt: nullableNumber(row.expiry_warned_at),
    idempotencyKey: row.idempotency_key,
    requestHash: row.request_hash,
    authorizeRequest: row.authorize_request,
    state: value,
    context,
    nextActionAt: nullableNumber(row.next_action_at),
    policyDueAt: nullableNumber(row.policy_due_at),
    version: Number(row.version),
    leaseOwner: row.lease_owner,
    leaseExpiresAt: nullableNumber(row.lease_expires_at),
    leaseEpoch: Number(row.lease_epoch),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Every column of a hold's row, from the StoredHold (the snapshot serialised here, once per write). */
export function holdColumns(hold: StoredHold): Insertable<HoldsTable> & Required<Pick<Insertable<HoldsTable>, 'lease_epoch' | 'on_expiry_explicit'>> {
  const { context } = hold;
  return {
    id: hold.id,
    order_id: hold.orderId,
    gateway: hold.gateway,
    gateway_ref: hold.gatewayRef,
    subscription_id: hold.subscriptionId,
    state: hold.state,
    currency: hold.currency,
    amount: context.amount,
    captured_amount: context.capturedAmount,
    card_type: hold.cardType,
    masked_card: hold.maskedCard,
    authorized_at: hold.authorizedAt,
    expires_at: hold.expiresAt,
    act_by: hold.ownActBy,
    on_expiry: context.onExpiry,
    on_expiry_amount: context.onExpiryAmount,
    on_expiry_explicit: hold.onExpiryExplicit ? 1 : 0,
    expiry_warned_at: hold.expiryWarnedAt,
    idempotency_key: hold.idempotencyKey,
    request_hash: hold.requestHash,
    authorize_request: hold.authorizeRequest,
    next_action_at: hold.nextActionAt,
    policy_due_at: hold.policyDueAt,
    version: hold.version,
    snapshot: JSON.stringify({ value: hold.state, context }),
    machine_version: HOLD_MACHINE_VERSION,
    lease_owner: hold.leaseOwner,
    lease_expires_at: hold.leaseExpiresAt,
    lease_epoch: hold.leaseEpoch,
    created_at: hold.createdAt,
    updated_at: hold.updatedAt,
  };
}

/** True when a hold in this state accepts no further capture or void. */
export function isClosed(state: HoldState, context: Pick<HoldContext, 'remainderReleased'>): boolean {
  if (state === 'partially_captured') return context.remainderReleased;
  return state === 'captured' || state === 'voided' || state === 'replaced' || state === 'expired' || state === 'declined';
}

/** The Hold the API returns, from a StoredHold (no parsing), with actBy under the current lead time. */
export function toHold(hold: StoredHold, leadTimeMs: number): Hold {
  const { context } = hold;
  return {
    id: hold.id,
    orderId: hold.orderId,
    gateway: hold.gateway,
    gatewayRef: hold.gatewayRef,
    subscriptionId: hold.subscriptionId,
    state: hold.state,
    currency: hold.currency,
    amount: context.amount,
    capturedAmount: context.capturedAmount,
    captureCount: context.captureCount,
    cardType: hold.cardType,
    maskedCard: hold.maskedCard,
    authorizedAt: hold.authorizedAt,
    expiresAt: hold.expiresAt,
    actBy: hold.ownActBy ?? (hold.expiresAt === null ? null : hold.expiresAt - leadTimeMs),
    ownActBy: hold.ownActBy !== null,
    onExpiry: context.onExpiry,
    onExpiryAmount: context.onExpiryAmount,
    holdUntil: context.onExpiry === 'extend' ? context.holdUntil : null,
    fallback: context.onExpiry === 'extend' ? context.fallback : null,
    extendBy: context.onExpiry === 'extend' ? context.extendBy : null,
    replaces: context.replaces,
    replacedBy: context.replacedBy,
    authorizations: authorizationChain(hold),
    closed: isClosed(hold.state, context),
    // A declined authorization keeps its request in the snapshot; nothing is in flight.
    pending: hold.state === 'declined' ? null : context.pending,
    lastError: context.lastError,
    version: hold.version,
    createdAt: hold.createdAt,
    updatedAt: hold.updatedAt,
  };
}

// The original authorization (its amount before any reauthorization, its own expiry) followed by the
// reauthorizations, each with the expiry it gave the hold.
function authorizationChain(hold: StoredHold): AuthorizationLink[] {
  const { context } = hold;
  if (hold.authorizedAt === null) return [];
  const added = context.reauthorizations.reduce((sum, r) => sum + r.amount, 0);
  const first = context.reauthorizations[0];
  const original: AuthorizationLink = {
    kind: 'authorization',
    ref: hold.gatewayRef,
    amount: context.amount - added,
    at: hold.authorizedAt,
    expiresAt: (first === undefined ? hold.expiresAt : first.previousExpiresAt) ?? hold.authorizedAt,
  };
  return [original, ...context.reauthorizations];
}

function nullableNumber(value: number | null): number | null {
  return value === null ? null : Number(value);
}
