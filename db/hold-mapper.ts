// Turns rows into domain objects and checks what the database returned on the way.
import type { Selectable } from 'kysely';
import type { GatewayExchangesTable, HoldsTable, HoldTransitionsTable } from './schema.js';
import type { GatewayExchange, Hold, HoldTransition, Actor } from '../src/holds/types.js';
import { HOLD_MACHINE_VERSION, type HoldContext, type HoldState, type OnExpiry, type PendingOperation } from '../machines/hold.machine.js';
import type { CardType } from '../src/gateways/types.js';
import { StorageError } from '../src/errors.js';

export type HoldRow = Selectable<HoldsTable>;

/** The machine snapshot stored with a hold, after its version has been checked. */
export interface StoredSnapshot {
  value: HoldState;
  context: HoldContext;
}

// Version 1 snapshots predate the intent's commit time and deadline on the pending call.
const UPGRADABLE_VERSIONS = new Set([1, HOLD_MACHINE_VERSION]);
const SHORTEST_DOCUMENTED_WINDOW_MS = 7 * 24 * 3_600_000;

/** Parses a hold's snapshot column, upgrading older machine versions and refusing unknown ones and damaged JSON. */
export function readSnapshot(row: Pick<HoldRow, 'id' | 'snapshot' | 'machine_version' | 'updated_at' | 'created_at'>): StoredSnapshot {
  const version = Number(row.machine_version);
  if (!UPGRADABLE_VERSIONS.has(version)) {
    throw new StorageError(
      'UNKNOWN_MACHINE_VERSION',
      `hold ${row.id} was stored by machine version ${row.machine_version}; this holdfast understands versions up to ${HOLD_MACHINE_VERSION}. Upgrade holdfast before touching this database.`,
      { holdId: row.id },
    );
  }
  let parsed: Partial<StoredSnapshot>;
  try {
    parsed = JSON.parse(row.snapshot) as Partial<StoredSnapshot>;
    if (typeof parsed.value !== 'string' || typeof parsed.context !== 'object' || parsed.context === null) {
      throw new Error('missing value or context');
    }
  } catch (error) {
    throw new StorageError('CORRUPT_SNAPSHOT', `hold ${row.id} has an unreadable snapshot (${(error as Error).message})`, {
      holdId: row.id,
    });
  }
  const snapshot = parsed as StoredSnapshot;
  return version === 1 ? upgradeFromV1(snapshot, row) : snapshot;
}

function upgradeFromV1(snapshot: StoredSnapshot, row: Pick<HoldRow, 'updated_at' | 'created_at'>): StoredSnapshot {
  const pending = snapshot.context.pending as (Omit<PendingOperation, 'committedAt' | 'deadline'> & Partial<PendingOperation>) | null;
  if (pending === null) return snapshot;
  const committedAt = pending.operation === 'authorize' ? Number(row.created_at) : Number(row.updated_at);
  const deadline = pending.operation === 'authorize' ? Number(row.created_at) + SHORTEST_DOCUMENTED_WINDOW_MS : snapshot.context.expiresAt;
  return { value: snapshot.value, context: { ...snapshot.context, pending: { ...pending, committedAt, deadline } } };
}

/** Maps a holds row to the Hold domain object. */
export function toHold(row: HoldRow): Hold {
  const { value, context } = readSnapshot(row);
  return {
    id: row.id,
    orderId: row.order_id,
    gateway: row.gateway,
    gatewayRef: row.gateway_ref,
    subscriptionId: row.subscription_id,
    state: value,
    currency: row.currency,
    amount: Number(row.amount),
    capturedAmount: Number(row.captured_amount),
    captureCount: context.captureCount,
    cardType: row.card_type as CardType,
    maskedCard: row.masked_card,
    authorizedAt: nullableNumber(row.authorized_at),
    expiresAt: nullableNumber(row.expires_at),
    actBy: nullableNumber(row.act_by),
    onExpiry: row.on_expiry as OnExpiry,
    onExpiryAmount: nullableNumber(row.on_expiry_amount),
    closed: isClosed(value, context),
    pending: value === 'declined' ? null : context.pending,
    lastError: context.lastError,
    version: Number(row.version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** True when a hold in this state accepts no further capture or void. */
export function isClosed(state: HoldState, context: Pick<HoldContext, 'remainderReleased'>): boolean {
  if (state === 'partially_captured') return context.remainderReleased;
  return state === 'captured' || state === 'voided' || state === 'expired' || state === 'declined';
}

/** Maps a hold_transitions row. */
export function toTransition(row: Selectable<HoldTransitionsTable>): HoldTransition {
  return {
    holdId: row.hold_id,
    seq: Number(row.seq),
    from: row.from_state as HoldState | null,
    to: row.to_state as HoldState,
    event: row.event,
    actor: row.actor as Actor,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
    at: Number(row.at),
  };
}

/** Maps a gateway_exchanges row. */
export function toExchange(row: Selectable<GatewayExchangesTable>): GatewayExchange {
  return {
    id: row.id,
    holdId: row.hold_id,
    operation: row.operation,
    idempotencyKey: row.idempotency_key,
    httpStatus: row.http_status === null ? null : Number(row.http_status),
    outcome: row.outcome,
    gatewayCode: row.gateway_code,
    message: row.message,
    request: row.request === null ? null : JSON.parse(row.request),
    response: row.response === null ? null : JSON.parse(row.response),
    latencyMs: Number(row.latency_ms),
    at: Number(row.at),
  };
}

function nullableNumber(value: number | null): number | null {
  return value === null ? null : Number(value);
}
