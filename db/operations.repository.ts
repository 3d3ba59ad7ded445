// The operations page's read model: holds that need a person, amounts per UTC day, and a searchable
// list (listHolds of db/holds.repository.ts). Read-only: nothing here writes. Portable SQL (SQLite
// and PostgreSQL); states that drive an index are literals, so the planner can use the partial
// indexes of migration 0005. A hold's actBy is its own or expiresAt − the lead time, so every query
// that orders or buckets by actBy takes the lead time.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from './schema.js';
import { isClosed, type StoredHold, storedHold } from './stored-hold.js';
import { actByAtOrBeforeCondition, effectiveActBy } from './holds.repository.js';
import type { HoldState, LastError, PendingOperation } from '../machines/hold.machine.js';

type Db = Kysely<Database>;

/** One UTC day in milliseconds: the width of every per-day bucket. */
export const UTC_DAY_MS = 86_400_000;

/** Why a hold needs a person. */
export type AttentionKind = 'needs_attention' | 'capture_declined' | 'outcome_open';

/** A hold that needs a person, and why. */
export interface AttentionHold {
  kind: AttentionKind;
  hold: StoredHold;
}

/** The holds that need a person, per kind at most `limit`; `more` names the kinds that had more. */
export interface AttentionList {
  holds: AttentionHold[];
  more: AttentionKind[];
}

/**
 * Why a hold needs a person, or null: flagged `needs_attention`; an open hold whose last error is a
 * declined capture (the plan became a void: someone should decide); a call in flight whose outcome
 * is open (it may have happened; retried under the same key until its deadline).
 */
export function attentionKindOf(hold: { state: HoldState; pending: PendingOperation | null; lastError: LastError | null; closed: boolean }): AttentionKind | null {
  switch (hold.state) {
    case 'needs_attention':
      return 'needs_attention';
    case 'authorizing':
    case 'capturing':
    case 'voiding':
    case 'extending':
      return (hold.pending?.unknownAttempts ?? 0) > 0 ? 'outcome_open' : null;
    case 'authorized':
    case 'partially_captured':
      return !hold.closed && hold.lastError?.operation === 'capture' && hold.lastError.code !== 'NOT_SENT' ? 'capture_declined' : null;
    default:
      return null;
  }
}

function kindOf(stored: StoredHold): AttentionKind | null {
  const { context } = stored;
  return attentionKindOf({ state: stored.state, pending: context.pending, lastError: context.lastError, closed: isClosed(stored.state, context) });
}

// In-flight holds are few (calls under way plus open outcomes); this bounds the snapshots read.
const IN_FLIGHT_SCAN = 1000;

/**
 * Holds that need a person: flagged `needs_attention`; open holds whose last error is a declined
 * capture (the plan became a void); in-flight calls whose outcome is open (unknown attempts > 0).
 */
export async function findHoldsNeedingAPerson(db: Db, limit: number, leadTimeMs: number): Promise<AttentionList> {
  const [flagged, declined, inFlight] = await Promise.all([
    listHoldsInState(db, 'needs_attention', limit + 1, leadTimeMs),
    listOpenHoldsWithDeclinedCapture(db, IN_FLIGHT_SCAN, leadTimeMs),
    listInFlightHolds(db, IN_FLIGHT_SCAN),
  ]);
  const declinedNow = declined.filter((h) => kindOf(h) === 'capture_declined');
  const open = inFlight.filter((h) => kindOf(h) === 'outcome_open');
  const more: AttentionKind[] = [];
  const take = (kind: AttentionKind, holds: StoredHold[], scanned: number, scanLimit: number): AttentionHold[] => {
    if (holds.length > limit || scanned >= scanLimit) more.push(kind);
    return holds.slice(0, limit).map((hold) => ({ kind, hold }));
  };
  return {
    holds: [
      ...take('needs_attention', flagged, flagged.length, limit + 1),
      ...take('capture_declined', declinedNow, declined.length, IN_FLIGHT_SCAN),
      ...take('outcome_open', open, inFlight.length, IN_FLIGHT_SCAN),
    ],
    more,
  };
}

/** Holds in one state (found on holds_state_act_by), soonest actBy first. */
export async function listHoldsInState(db: Db, state: HoldState, limit: number, leadTimeMs: number): Promise<StoredHold[]> {
  const rows = await db.selectFrom('holds').selectAll().where('state', '=', state).orderBy(effectiveActBy(leadTimeMs)).orderBy('id').limit(limit).execute();
  return rows.map(storedHold);
}

/** Holds with a gateway call in flight (authorizing, capturing, voiding, extending), next action first. */
export async function listInFlightHolds(db: Db, limit: number): Promise<StoredHold[]> {
  const rows = await db
    .selectFrom('holds')
    .selectAll()
    .where('state', 'in', ['authorizing', 'capturing', 'voiding', 'extending'])
    .orderBy('next_action_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(storedHold);
}

/**
 * Open holds (authorized, or partially captured with the remainder held) that had a capture
 * declined, soonest actBy first: candidates found through the declined-capture exchange index; the
 * caller checks that the decline is still the hold's last error.
 */
export async function listOpenHoldsWithDeclinedCapture(db: Db, limit: number, leadTimeMs: number): Promise<StoredHold[]> {
  const declined = db
    .selectFrom('gateway_exchanges')
    .select('hold_id')
    .where(sql.ref('operation'), '=', sql.lit('capture'))
    .where(sql.ref('outcome'), '=', sql.lit('declined'));
  const rows = await db
    .selectFrom('holds')
    .selectAll()
    .where('id', 'in', declined)
    .where('state', 'in', ['authorized', 'partially_captured'])
    .where('next_action_at', 'is not', null)
    .orderBy(effectiveActBy(leadTimeMs))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(storedHold);
}

/** An amount of one currency on one day of a range (day 0 is the range's first UTC day). */
export interface DayTotals {
  currency: string;
  day: number;
  count: number;
  amount: number;
}

/**
 * Per currency and UTC day, the amount still held (amount − captured) by open holds whose actBy
 * falls on each of the `days` days from `from` (a UTC midnight); overdue ones count on day 0.
 */
export async function sumStillHeldByActByDay(db: Db, range: { from: number; days: number; leadTimeMs: number }): Promise<DayTotals[]> {
  const actBy = effectiveActBy(range.leadTimeMs);
  const day = sql<number>`case when ${actBy} < ${range.from} then 0 else ${dayOf(actBy, range.from)} end`;
  const rows = await daySums(db, day)
    .where('state', 'in', ['authorized', 'partially_captured'])
    // A partial capture whose remainder was released has no next action: nothing is held any more.
    .where('next_action_at', 'is not', null)
    // Before the range's end (times are whole milliseconds): on the own-actBy and expiresAt indexes.
    .where((eb) => actByAtOrBeforeCondition(eb, range.from + range.days * UTC_DAY_MS - 1, range.leadTimeMs))
    // By the output name: PostgreSQL would not match a repeated expression whose parameters differ.
    .groupBy(['currency', sql.ref('day')])
    .orderBy('currency')
    .orderBy(sql.ref('day'))
    .execute();
  return rows.map(dayTotals);
}

/**
 * Per currency and UTC day, the amount of holds that ended `expired` (by when they ended) on each of
 * the `days` days from `from` (a UTC midnight) — funds the issuer released with nothing captured.
 */
export async function sumExpiredByDay(db: Db, range: { from: number; days: number }): Promise<DayTotals[]> {
  const day = dayOf(sql.ref('updated_at'), range.from);
  const rows = await daySums(db, day)
    .where(sql.ref('state'), '=', sql.lit('expired'))
    .where('updated_at', '>=', range.from)
    .where('updated_at', '<', range.from + range.days * UTC_DAY_MS)
    .groupBy(['currency', sql.ref('day')])
    .orderBy('currency')
    .orderBy(sql.ref('day'))
    .execute();
  return rows.map(dayTotals);
}

// Count and amount still held (amount − captured) per currency and `day`, grouped by the caller.
function daySums(db: Db, day: RawBuilder<number>) {
  return db
    .selectFrom('holds')
    .select((eb) => [
      'currency',
      day.as('day'),
      eb.fn.countAll<number | string>().as('count'),
      eb.fn.sum<number | string | null>(sql`amount - captured_amount`).as('amount'),
    ]);
}

// The whole days from `from` to the column's time (never negative where it is used). The cast makes
// it an integer on SQLite, where better-sqlite3 binds a JavaScript number as a REAL.
function dayOf(time: RawBuilder<unknown>, from: number) {
  return sql<number>`cast((${time} - ${from}) / ${sql.lit(UTC_DAY_MS)} as bigint)`;
}

function dayTotals(r: { currency: string; day: number | string; count: number | string; amount: number | string | null }): DayTotals {
  // PostgreSQL returns bigint and numeric as strings parsed by db/postgres.ts; SQLite as numbers.
  return { currency: r.currency, day: Number(r.day), count: Number(r.count), amount: Number(r.amount ?? 0) };
}
