// Queries on the webhook outbox and on holds due an expiring-soon warning.
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type { Database, WebhookOutboxTable } from './schema.js';
import { type StoredHold, storedHold } from './stored-hold.js';
import { prepare } from './prepared.js';
import { actByAtOrBeforeCondition } from './holds.repository.js';

type Db = Kysely<Database>;
export type OutboxRow = Selectable<WebhookOutboxTable>;

type OutboxSlot = 'id' | 'hold_id' | 'event_type' | 'payload' | 'created_at' | 'next_attempt_at';
const insertOutboxStatement = prepare<OutboxSlot>((db, slot) =>
  db.insertInto('webhook_outbox').values({
    id: slot('id'), hold_id: slot('hold_id'), event_type: slot('event_type'), payload: slot('payload'),
    created_at: slot('created_at'), next_attempt_at: slot('next_attempt_at'),
  }));

/** The statement adding one event to the outbox (run in the transition's own transaction). */
export function insertOutboxEvent(db: Db, row: Pick<Insertable<WebhookOutboxTable>, OutboxSlot>) {
  return insertOutboxStatement(db).bind(row);
}

/**
 * Claims up to `limit` undelivered events whose attempt time has come, pushing their next attempt
 * `leaseMs` ahead in the same statement so that two deliverers never send one event at once.
 */
export async function claimDueEvents(db: Db, now: number, leaseMs: number, limit: number, skipLocked = false): Promise<OutboxRow[]> {
  const candidates = db
    .selectFrom('webhook_outbox')
    .select('id')
    .where('delivered_at', 'is', null)
    .where('next_attempt_at', '<=', now)
    .orderBy('created_at')
    .limit(limit);
  // PostgreSQL: concurrent deliverers take disjoint events (see claimDueHolds).
  const due = skipLocked ? candidates.forUpdate().skipLocked() : candidates;
  return db
    .updateTable('webhook_outbox')
    .set({ next_attempt_at: now + leaseMs })
    .where('id', 'in', due)
    .where('next_attempt_at', '<=', now)
    .returningAll()
    .execute();
}

/** Makes claimed events that were not sent due at `at` again, unless someone else claimed them since. */
export async function releaseEvents(db: Db, ids: readonly string[], claimedUntil: number, at: number): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('webhook_outbox').set({ next_attempt_at: at }).where('id', 'in', ids).where('delivered_at', 'is', null).where('next_attempt_at', '=', claimedUntil).execute();
}

/** Marks an event delivered. */
export async function markDelivered(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable('webhook_outbox').set({ delivered_at: at, attempts: sql<number>`attempts + 1`, last_error: null }).where('id', '=', id).execute();
}

/** Records a failed attempt and when to try again. */
export async function markFailed(db: Db, id: string, error: string, nextAttemptAt: number): Promise<void> {
  await db
    .updateTable('webhook_outbox')
    .set({ attempts: sql<number>`attempts + 1`, last_error: error.slice(0, 500), next_attempt_at: nextAttemptAt })
    .where('id', '=', id)
    .execute();
}

/** Undelivered events: how many, and when the oldest was written (null when none). */
export async function outboxBacklog(db: Db): Promise<{ undelivered: number; oldestCreatedAt: number | null }> {
  const row = await db
    .selectFrom('webhook_outbox')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min('created_at').as('oldest')])
    .where('delivered_at', 'is', null)
    .executeTakeFirst();
  return { undelivered: Number(row?.n ?? 0), oldestCreatedAt: row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest) };
}

/** The statement deleting up to `limit` events delivered before `before` (a range on webhook_outbox_due). */
export function pruneDeliveredStatement(db: Db, before: number, limit: number) {
  const old = db.selectFrom('webhook_outbox').select('id').where('delivered_at', 'is not', null).where('delivered_at', '<', before).limit(limit);
  return db.deleteFrom('webhook_outbox').where('id', 'in', old);
}

/** Deletes up to `limit` events delivered before `before`; undelivered events are never deleted. Returns how many. */
export async function pruneDelivered(db: Db, before: number, limit: number): Promise<number> {
  const result = await pruneDeliveredStatement(db, before, limit).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Filters for listing outbox events. */
export interface OutboxFilter {
  undelivered?: boolean;
  holdId?: string;
  limit: number;
}

/** Outbox events, newest first, filtered. */
export async function findOutboxEvents(db: Db, filter: OutboxFilter): Promise<OutboxRow[]> {
  let query = db.selectFrom('webhook_outbox').selectAll();
  if (filter.undelivered) query = query.where('delivered_at', 'is', null);
  if (filter.holdId !== undefined) query = query.where('hold_id', '=', filter.holdId);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

/** Makes an event due now and undelivered again (a resend); returns the row as it is after, or undefined. */
export async function requeueEvent(db: Db, id: string, at: number): Promise<OutboxRow | undefined> {
  return db.updateTable('webhook_outbox').set({ next_attempt_at: at, delivered_at: null }).where('id', '=', id).returningAll().executeTakeFirst();
}

/** Every outbox event of a hold, oldest first. */
export async function listOutboxEvents(db: Db, holdId?: string): Promise<OutboxRow[]> {
  let query = db.selectFrom('webhook_outbox').selectAll();
  if (holdId !== undefined) query = query.where('hold_id', '=', holdId);
  return query.orderBy('created_at').orderBy('id').execute();
}

/** Open holds whose actBy is within reach, whose plan nobody chose, and that were not warned yet. */
export async function findHoldsToWarn(db: Db, actByAtOrBefore: number, leadTimeMs: number, limit: number): Promise<StoredHold[]> {
  const rows = await db
    .selectFrom('holds')
    .selectAll()
    .where('state', 'in', ['authorized', 'partially_captured'])
    .where('next_action_at', 'is not', null)
    .where((eb) => actByAtOrBeforeCondition(eb, actByAtOrBefore, leadTimeMs))
    .where('on_expiry_explicit', '=', 0)
    .where('expiry_warned_at', 'is', null)
    .orderBy('expires_at')
    .limit(limit)
    .execute();
  return rows.map(storedHold);
}

/** The statement recording that a hold was warned, if nobody else did it first. */
export function markWarned(db: Db, id: string, at: number) {
  return db.updateTable('holds').set({ expiry_warned_at: at }).where('id', '=', id).where('expiry_warned_at', 'is', null);
}
