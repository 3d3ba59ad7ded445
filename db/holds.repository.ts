// Every query holdfast runs on holds, their journal and their exchanges: one query per function,
// `db` or `trx` first. Portable SQL only (SQLite and PostgreSQL). Holds come back as StoredHold,
// their snapshot parsed once; the writes a transition makes are prepared once (db/prepared.ts).
import { type ExpressionBuilder, type Insertable, type Kysely, sql } from 'kysely';
import type { Database, GatewayExchangesTable, HoldTransitionsTable } from './schema.js';
import { toExchange, toTransition } from './hold-mapper.js';
import { holdColumns, type HoldRow, type StoredHold, storedHold } from './stored-hold.js';
import { prepare } from './prepared.js';
import { openListPredicate } from './migrations/0007-open-holds-list-index.js';
import type { GatewayExchange, HoldTransition } from '../machines/hold-types.js';
import type { HoldState } from '../machines/hold.machine.js';

type Db = Kysely<Database>;

/** The statement inserting a new hold. */
export function insertHold(db: Db, hold: StoredHold) {
  return db.insertInto('holds').values(holdColumns(hold));
}

const selectHold = prepare<'id'>((db, slot) => db.selectFrom('holds').selectAll().where('id', '=', slot('id')));

/** The hold with this id, or undefined. */
export async function findHold(db: Db, id: string): Promise<StoredHold | undefined> {
  const { rows } = await db.executeQuery<HoldRow>(selectHold(db).bind({ id }));
  return rows[0] && storedHold(rows[0]);
}

/** The hold created with this authorize idempotency key, or undefined. */
export async function findHoldByIdempotencyKey(db: Db, key: string): Promise<StoredHold | undefined> {
  const row = await db.selectFrom('holds').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
  return row && storedHold(row);
}

/** The id of the hold with this gateway reference, or undefined (no snapshot is read). */
export async function findHoldIdByGatewayRef(db: Db, gateway: string, ref: string): Promise<string | undefined> {
  const row = await db.selectFrom('holds').select('id').where('gateway', '=', gateway).where('gateway_ref', '=', ref).executeTakeFirst();
  return row?.id;
}

// The columns a transition may change. Never the lease (the claim owns it; a stale read must not
// move its fencing epoch back), nor expiry_warned_at (the warning owns it), nor what is fixed at creation.
const ALWAYS_SET = [
  'state', 'amount', 'captured_amount', 'card_type', 'masked_card', 'authorized_at', 'on_expiry', 'on_expiry_amount', 'on_expiry_explicit',
  'snapshot', 'machine_version', 'updated_at', 'version',
] as const;
// SQLite rewrites an index entry for every column in an UPDATE's SET list, changed or not, and these
// indexed columns rarely change: each is set only when it differs from the hold as read or last
// written (StoredHold carries them straight from the row). Each set of changed columns is one
// statement shape, compiled once; a handful occur.
const SET_WHEN_CHANGED = ['gateway_ref', 'expires_at', 'act_by', 'next_action_at', 'policy_due_at'] as const;
type WhenChanged = (typeof SET_WHEN_CHANGED)[number];
type TransitionSlot = (typeof ALWAYS_SET)[number] | WhenChanged | 'id' | 'expected_version' | 'epoch';
type Fencing = 'unfenced' | 'fenced' | 'release';

const shapes = new Map<string, ReturnType<typeof prepare<TransitionSlot>>>();

function transitionUpdate(changed: readonly WhenChanged[], fencing: Fencing) {
  const key = `${fencing}:${changed.join(',')}`;
  let shape = shapes.get(key);
  if (!shape) {
    shape = prepare<TransitionSlot>((db, slot) => {
      const set: Record<string, unknown> = {};
      for (const column of [...ALWAYS_SET, ...changed]) set[column] = slot(column);
      if (fencing === 'release') Object.assign(set, { lease_owner: null, lease_expires_at: null });
      const query = db.updateTable('holds').set(set).where('id', '=', slot('id')).where('version', '=', slot('expected_version'));
      return fencing === 'unfenced' ? query : query.where('lease_epoch', '=', slot('epoch'));
    });
    shapes.set(key, shape);
  }
  return shape;
}

/**
 * The statement writing `next` over `previous` (the hold as read or last written; `next` is version
 * `previous.version + 1`) only while the row is still at `previous.version` — and, for a sweeper,
 * while it still holds the lease at `fence.epoch` (`release` gives the lease back in the same
 * write). Changes no row when another writer got there first: run it as a guarded step.
 */
export function updateHold(db: Db, next: StoredHold, previous: StoredHold, fence?: { epoch: number; release: boolean }) {
  const c = holdColumns(next);
  const before: Record<WhenChanged, unknown> = {
    gateway_ref: previous.gatewayRef, expires_at: previous.expiresAt, act_by: previous.ownActBy,
    next_action_at: previous.nextActionAt, policy_due_at: previous.policyDueAt,
  };
  const changed = SET_WHEN_CHANGED.filter((column) => c[column] !== before[column]);
  const values: Record<string, unknown> = { id: c.id, expected_version: previous.version, epoch: fence?.epoch ?? null };
  for (const column of [...ALWAYS_SET, ...changed]) values[column] = c[column];
  const statement = transitionUpdate(changed, fence === undefined ? 'unfenced' : fence.release ? 'release' : 'fenced');
  return statement(db).bind(values as Record<TransitionSlot, unknown>);
}

type TransitionRowSlot = keyof Insertable<HoldTransitionsTable> & string;
const insertTransitionStatement = prepare<TransitionRowSlot>((db, slot) =>
  db.insertInto('hold_transitions').values({
    hold_id: slot('hold_id'), seq: slot('seq'), from_state: slot('from_state'), to_state: slot('to_state'), event: slot('event'),
    actor: slot('actor'), detail: slot('detail'), at: slot('at'),
  }));

/** The statement appending one line to a hold's journal. */
export function insertTransition(db: Db, row: Insertable<HoldTransitionsTable>) {
  return insertTransitionStatement(db).bind({ detail: null, ...row } as Record<TransitionRowSlot, unknown>);
}

type ExchangeSlot = keyof Insertable<GatewayExchangesTable> & string;
const insertExchangeStatement = prepare<ExchangeSlot>((db, slot) =>
  db.insertInto('gateway_exchanges').values({
    id: slot('id'), hold_id: slot('hold_id'), operation: slot('operation'), idempotency_key: slot('idempotency_key'),
    http_status: slot('http_status'), outcome: slot('outcome'), gateway_code: slot('gateway_code'), message: slot('message'),
    request: slot('request'), response: slot('response'), latency_ms: slot('latency_ms'), at: slot('at'),
  }));

/** The statement appending one redacted gateway exchange. */
export function insertExchange(db: Db, row: Insertable<GatewayExchangesTable>) {
  return insertExchangeStatement(db).bind(row as Record<ExchangeSlot, unknown>);
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

/** Which holds a listing covers: those still open (anything may still happen to them) or the closed ones. */
export type HoldGroup = 'open' | 'closed';

/** Filters for listing holds; all optional but the lead time and the limit. */
export interface HoldFilter {
  /** Open or closed holds; both when undefined. */
  group?: HoldGroup;
  /** The lead time that turns a policy hold's expiresAt into its actBy. */
  leadTimeMs: number;
  states?: readonly HoldState[];
  gateway?: string;
  orderId?: string;
  /** Part of the hold id, the order id or the gateway reference (case-insensitive). */
  text?: string;
  /** Only holds whose actBy is at or before this instant. */
  actByAtOrBefore?: number;
  limit: number;
  /** Keyset position: list holds after this (actBy, id). */
  after?: { actBy: number; id: string };
}

/** The sort position of holds without an actBy yet (still authorizing, declined): last. */
export const NO_ACT_BY = Number.MAX_SAFE_INTEGER;

const OPEN_STATES: readonly HoldState[] = ['authorizing', 'authorized', 'capturing', 'voiding', 'extending', 'needs_attention'];
// OPEN_LIST_STATES (migration 0007) must stay OPEN_STATES plus partially_captured.

/**
 * Holds matching the filter, soonest actBy first, then by id. A hold's actBy is its own, or
 * expiresAt − the lead time: three index-ordered branches (own actBy, policy by expiresAt, no
 * deadline yet) are read up to the limit each and merged, so the order needs no computed column.
 */
export async function listHolds(db: Db, filter: HoldFilter): Promise<StoredHold[]> {
  const lead = filter.leadTimeMs;
  const after = filter.after;
  const base = () => {
    let query = db.selectFrom('holds').selectAll();
    // Open: anything may still happen (a partial capture whose remainder is held still has a next action).
    if (filter.group === 'open') {
      // The first term is holds_open_list's predicate (migration 0007), which lets SQLite use it.
      query = query
        .where(openListPredicate())
        .where((eb) => eb.or([eb('state', 'in', OPEN_STATES), eb.and([eb('state', '=', 'partially_captured'), eb('next_action_at', 'is not', null)])]));
    } else if (filter.group === 'closed') {
      query = query.where((eb) => eb.and([eb('state', 'not in', OPEN_STATES), eb.or([eb('state', '!=', 'partially_captured'), eb('next_action_at', 'is', null)])]));
    }
    if (filter.states && filter.states.length > 0) query = query.where('state', 'in', filter.states);
    if (filter.gateway !== undefined) query = query.where('gateway', '=', filter.gateway);
    if (filter.orderId !== undefined) query = query.where('order_id', '=', filter.orderId);
    if (filter.text !== undefined && filter.text !== '') {
      const pattern = `%${likeEscape(filter.text.toLowerCase())}%`;
      // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
      const matches = (column: 'id' | 'order_id' | 'gateway_ref') => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
      query = query.where((eb) => eb.or([matches('id'), matches('order_id'), matches('gateway_ref')]));
    }
    return query;
  };
  let own = base().where('act_by', 'is not', null);
  let policy = base().where('act_by', 'is', null).where('expires_at', 'is not', null);
  let none = base().where('act_by', 'is', null).where('expires_at', 'is', null);
  if (filter.actByAtOrBefore !== undefined) {
    own = own.where('act_by', '<=', filter.actByAtOrBefore);
    policy = policy.where('expires_at', '<=', filter.actByAtOrBefore + lead);
  }
  if (after) {
    own = own.where((eb) => eb.or([eb('act_by', '>', after.actBy), eb.and([eb('act_by', '=', after.actBy), eb('id', '>', after.id)])]));
    policy = policy.where((eb) => eb.or([eb('expires_at', '>', after.actBy + lead), eb.and([eb('expires_at', '=', after.actBy + lead), eb('id', '>', after.id)])]));
    none = after.actBy < NO_ACT_BY ? none : none.where('id', '>', after.id);
  }
  const branches = [
    own.orderBy('act_by').orderBy('id').limit(filter.limit).execute(),
    policy.orderBy('expires_at').orderBy('id').limit(filter.limit).execute(),
    filter.actByAtOrBefore === undefined ? none.orderBy('id').limit(filter.limit).execute() : Promise.resolve([]),
  ];
  const holds = (await Promise.all(branches)).flat().map(storedHold);
  const key = (h: StoredHold) => sortPosition(h, lead).actBy;
  return holds.sort((a, b) => key(a) - key(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, filter.limit);
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The sort position of a hold under a lead time, for building a cursor. */
export function sortPosition(hold: Pick<StoredHold, 'ownActBy' | 'expiresAt' | 'id'>, leadTimeMs: number): { actBy: number; id: string } {
  const actBy = hold.ownActBy ?? (hold.expiresAt === null ? NO_ACT_BY : hold.expiresAt - leadTimeMs);
  return { actBy, id: hold.id };
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

/**
 * Extension attempts by method and outcome: reauthorizations, and the authorizations of replacement
 * holds (their keys carry `replacementMark`), counted from the exchange log.
 */
export async function countExtensionsByOutcome(db: Db, replacementMark: string): Promise<{ method: 'reauthorization' | 'replacement'; outcome: string; count: number }[]> {
  const rows = await db
    .selectFrom('gateway_exchanges')
    .select((eb) => [
      eb.case().when('operation', '=', 'reauthorize').then('reauthorization').else('replacement').end().as('method'),
      'outcome',
      eb.fn.countAll<number | string>().as('count'),
    ])
    .where((eb) => eb.or([eb('operation', '=', 'reauthorize'), eb.and([eb('operation', '=', 'authorize'), eb('idempotency_key', 'like', `%${replacementMark}%`)])]))
    .groupBy(['method', 'outcome'])
    .orderBy('method')
    .orderBy('outcome')
    .execute();
  return rows.map((r) => ({ method: r.method as 'reauthorization' | 'replacement', outcome: r.outcome, count: Number(r.count) }));
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
export async function sumOpenHoldsDueBy(db: Db, actByAtOrBefore: number, leadTimeMs: number): Promise<CurrencyTotals[]> {
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
    .where((eb) => actByAtOrBeforeCondition(eb, actByAtOrBefore, leadTimeMs))
    .groupBy('currency')
    .orderBy('currency')
    .execute();
  return rows.map((r) => ({ currency: r.currency, count: Number(r.count), amount: Number(r.amount ?? 0) }));
}

/** A hold's actBy in SQL: its own, or expiresAt − the lead time (null while it has neither). */
export function effectiveActBy(leadTimeMs: number) {
  return sql<number | null>`coalesce(act_by, expires_at - ${leadTimeMs})`;
}

/** The condition "the hold's actBy (its own, or expiresAt − lead) is at or before `at`", on indexes. */
export function actByAtOrBeforeCondition(eb: ExpressionBuilder<Database, 'holds'>, at: number, leadTimeMs: number) {
  return eb.or([
    eb.and([eb('act_by', 'is not', null), eb('act_by', '<=', at)]),
    eb.and([eb('act_by', 'is', null), eb('expires_at', '<=', at + leadTimeMs)]),
  ]);
}

/**
 * Makes a hold waiting on its replacement due now (the replacement's authorization has an outcome):
 * written with that outcome, so a crash before the waiting hold is settled leaves it due, not idle.
 */
export function makeReplacedHoldDue(db: Db, id: string, at: number) {
  return db.updateTable('holds').set({ next_action_at: at }).where('id', '=', id).where('state', 'in', ['extending', 'needs_attention']);
}
