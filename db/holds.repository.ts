// Every query holdfast runs on holds, their journal and their exchanges: one query per function,
// `db` or `trx` first. Portable SQL only (SQLite and PostgreSQL).
import { type Insertable, type Kysely, type Updateable, sql } from 'kysely';
import type { Database, GatewayExchangesTable, HoldsTable, HoldTransitionsTable } from './schema.js';
import { type HoldRow, toExchange, toTransition } from './hold-mapper.js';
import type { GatewayExchange, HoldTransition } from '../src/holds/types.js';

type Db = Kysely<Database>;

/** The statement inserting a new hold row. */
export function insertHold(db: Db, row: Insertable<HoldsTable>) {
  return db.insertInto('holds').values(row);
}

/** The hold row with this id, or undefined. */
export async function findHoldRow(db: Db, id: string): Promise<HoldRow | undefined> {
  return db.selectFrom('holds').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The hold row created with this authorize idempotency key, or undefined. */
export async function findHoldRowByIdempotencyKey(db: Db, key: string): Promise<HoldRow | undefined> {
  return db.selectFrom('holds').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
}

/** The hold row for a gateway reference, or undefined. */
export async function findHoldRowByGatewayRef(db: Db, gateway: string, ref: string): Promise<HoldRow | undefined> {
  return db.selectFrom('holds').selectAll().where('gateway', '=', gateway).where('gateway_ref', '=', ref).executeTakeFirst();
}

/**
 * The statement writing `patch` only while the row is still at `expectedVersion`, bumping the
 * version; it changes no row when another writer got there first (run it as a guarded step).
 */
export function updateHoldIfVersion(
  db: Db,
  id: string,
  expectedVersion: number,
  patch: Updateable<HoldsTable>,
  leaseEpoch?: number,
) {
  const query = db
    .updateTable('holds')
    .set({ ...patch, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion);
  // A sweeper also proves it still holds its lease: a taken-over lease has a higher epoch.
  return leaseEpoch === undefined ? query : query.where('lease_epoch', '=', leaseEpoch);
}

/** The statement appending one line to a hold's journal. */
export function insertTransition(db: Db, row: Insertable<HoldTransitionsTable>) {
  return db.insertInto('hold_transitions').values(row);
}

/** The statement appending one redacted gateway exchange. */
export function insertExchange(db: Db, row: Insertable<GatewayExchangesTable>) {
  return db.insertInto('gateway_exchanges').values(row);
}

/** A hold's journal, oldest first. */
export async function listTransitions(db: Db, holdId: string): Promise<HoldTransition[]> {
  const rows = await db.selectFrom('hold_transitions').selectAll().where('hold_id', '=', holdId).orderBy('seq').execute();
  return rows.map(toTransition);
}

/** A hold's gateway exchanges, oldest first. */
export async function listExchanges(db: Db, holdId: string): Promise<GatewayExchange[]> {
  const rows = await db
    .selectFrom('gateway_exchanges')
    .selectAll()
    .where('hold_id', '=', holdId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map(toExchange);
}

/** True when an approved exchange of this operation and key exists for the hold. */
export async function hasApprovedExchange(db: Db, holdId: string, operation: string, key: string): Promise<boolean> {
  const row = await db
    .selectFrom('gateway_exchanges')
    .select('id')
    .where('hold_id', '=', holdId)
    .where('operation', '=', operation)
    .where('idempotency_key', '=', key)
    .where('outcome', '=', 'approved')
    .executeTakeFirst();
  return row !== undefined;
}

/** Filters for listing holds; all optional. */
export interface HoldFilter {
  states?: readonly string[];
  gateway?: string;
  orderId?: string;
  /** Only holds whose actBy is at or before this instant. */
  actByAtOrBefore?: number;
  limit: number;
  /** Keyset position: list holds after this (actBy, id). */
  after?: { actBy: number; id: string };
}

// Holds without an actBy (still authorizing) sort last.
const NO_ACT_BY = Number.MAX_SAFE_INTEGER;

/** Holds matching the filter, soonest actBy first, then by id. */
export async function listHoldRows(db: Db, filter: HoldFilter): Promise<HoldRow[]> {
  const sortKey = sql<number>`coalesce(act_by, ${NO_ACT_BY})`;
  let query = db.selectFrom('holds').selectAll();
  if (filter.states && filter.states.length > 0) query = query.where('state', 'in', filter.states);
  if (filter.gateway !== undefined) query = query.where('gateway', '=', filter.gateway);
  if (filter.orderId !== undefined) query = query.where('order_id', '=', filter.orderId);
  if (filter.actByAtOrBefore !== undefined) query = query.where('act_by', '<=', filter.actByAtOrBefore);
  if (filter.after) {
    const { actBy, id } = filter.after;
    query = query.where((eb) => eb.or([eb(sortKey, '>', actBy), eb.and([eb(sortKey, '=', actBy), eb('id', '>', id)])]));
  }
  return query.orderBy(sortKey).orderBy('id').limit(filter.limit).execute();
}

/** The sort position of a row, for building a cursor. */
export function sortPosition(row: Pick<HoldRow, 'act_by' | 'id'>): { actBy: number; id: string } {
  return { actBy: row.act_by === null ? NO_ACT_BY : Number(row.act_by), id: row.id };
}

/** Count and amounts of the holds in one state and currency. */
export interface StateCurrencyTotals {
  state: string;
  currency: string;
  count: number;
  amount: number;
  capturedAmount: number;
}

/** Count, authorized and captured amount of all holds per state and currency. */
export async function countHoldsByStateAndCurrency(db: Db): Promise<StateCurrencyTotals[]> {
  const rows = await db
    .selectFrom('holds')
    .select((eb) => [
      'state',
      'currency',
      eb.fn.countAll<number | string>().as('count'),
      eb.fn.sum<number | string | null>('amount').as('amount'),
      eb.fn.sum<number | string | null>('captured_amount').as('captured_amount'),
    ])
    .groupBy(['state', 'currency'])
    .orderBy('state')
    .orderBy('currency')
    .execute();
  // PostgreSQL returns count and sum as strings (bigint/numeric): normalise here, not in callers.
  return rows.map((r) => ({
    state: r.state,
    currency: r.currency,
    count: Number(r.count),
    amount: Number(r.amount ?? 0),
    capturedAmount: Number(r.captured_amount ?? 0),
  }));
}

/** Count and amount of one currency. */
export interface CurrencyTotals {
  currency: string;
  count: number;
  amount: number;
}

/**
 * Per currency, the open holds (authorized, or partially captured with the remainder still held)
 * whose actBy is at or before `actByAtOrBefore`, and the amount they still hold.
 */
export async function sumOpenHoldsDueBy(db: Db, actByAtOrBefore: number): Promise<CurrencyTotals[]> {
  const rows = await db
    .selectFrom('holds')
    .select((eb) => [
      'currency',
      eb.fn.countAll<number | string>().as('count'),
      eb.fn.sum<number | string | null>(sql`amount - captured_amount`).as('amount'),
    ])
    .where('state', 'in', ['authorized', 'partially_captured'])
    // A partial capture whose remainder was released has no next action: nothing is held any more.
    .where('next_action_at', 'is not', null)
    .where('act_by', '<=', actByAtOrBefore)
    .groupBy('currency')
    .orderBy('currency')
    .execute();
  return rows.map((r) => ({ currency: r.currency, count: Number(r.count), amount: Number(r.amount ?? 0) }));
}
