// The embedded API's reads: one hold, a page of holds, a hold's history, and the figures `stats`
// and the daemon's /metrics share.
import { createHash } from 'node:crypto';
import { type ExtensionMethod, HOLD_STATES } from '../../machines/hold.machine.js';
import { REPLACEMENT_KEY_MARK } from '../../machines/idempotency-keys.js';
import type { HoldHistory } from '../../machines/hold-types.js';
import {
  countExtensionsByOutcome, countHoldsByStateAndCurrency,
  type CurrencyTotals,
  listExchanges,
  type HoldGroup,
  listHolds,
  listTransitions,
  sortPosition,
  type StateCurrencyTotals,
  sumOpenHoldsDueBy,
} from '../../db/holds.repository.js';
import type { HoldEngine } from '../engine/hold-engine.js';
import type { StoredHold } from '../../db/stored-hold.js';
import { ValidationError } from '../errors.js';
import { requireHold } from './hold-writes.js';
import type { HoldPage, ListOptions } from './api-types.js';

const MAX_LIST_LIMIT = 1000;

/** The horizons the figures report amounts reaching actBy within. */
export const STATS_HORIZONS: readonly { label: string; ms: number }[] = [
  { label: '24h', ms: 24 * 3_600_000 },
  { label: '72h', ms: 72 * 3_600_000 },
  { label: '7d', ms: 7 * 24 * 3_600_000 },
];

/** What is held, what is about to need action, and what was lost. */
export interface HoldStats {
  /** When the figures were taken (epoch ms). */
  at: number;
  /** Every hold by state and currency, in lifecycle order. */
  byState: StateCurrencyTotals[];
  /** Open holds whose actBy falls within each horizon from `at` (overdue ones included), with the amount still held. */
  reachingActBy: (CurrencyTotals & { within: string })[];
  /** Holds whose window closed with nothing captured, per currency. */
  expiredUncaptured: CurrencyTotals[];
  /** Extension attempts (extensions and adjustments), reauthorizations and replacement authorizations, by how the gateway answered. */
  extensions: { method: ExtensionMethod; outcome: string; count: number }[];
}

/** The reads of one API instance. */
export class HoldQueries {
  constructor(private readonly engine: HoldEngine) {}

  async get(id: string) {
    return this.engine.view(await requireHold(this.engine, id));
  }

  /**
   * A page of holds: open ones first (soonest actBy first), then closed ones, or only one group
   * with `status`. The cursor carries the group and the position within it.
   */
  async list(options: ListOptions = {}): Promise<HoldPage> {
    if (options.state !== undefined && !HOLD_STATES.includes(options.state)) {
      throw new ValidationError('INVALID_STATE', `unknown state ${JSON.stringify(options.state)} (states: ${HOLD_STATES.join(', ')})`);
    }
    if (options.status !== undefined && options.status !== 'open' && options.status !== 'closed') {
      throw new ValidationError('INVALID_STATUS', `status must be open or closed, got ${JSON.stringify(options.status)}`);
    }
    const limit = options.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new ValidationError('INVALID_LIMIT', `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}`);
    }
    let actByAtOrBefore: number | undefined;
    if (options.expiringWithinMs !== undefined) {
      if (!Number.isSafeInteger(options.expiringWithinMs) || options.expiringWithinMs < 0) {
        throw new ValidationError('INVALID_DURATION', 'expiringWithinMs must be a non-negative whole number of milliseconds');
      }
      actByAtOrBefore = this.engine.clock.now() + options.expiringWithinMs;
    }
    // Expiring soon only means something for a hold that is still open.
    const groups: HoldGroup[] = actByAtOrBefore !== undefined ? ['open'] : options.status ? [options.status] : ['open', 'closed'];
    const filters = filterTag(options);
    const cursor = options.cursor === undefined ? undefined : decodeCursor(options.cursor, filters);
    const lead = this.engine.policy.leadTimeMs;
    const holds: StoredHold[] = [];
    let nextCursor: string | null = null;
    for (const group of groups.slice(cursor ? Math.max(0, groups.indexOf(cursor.group)) : 0)) {
      if (holds.length === limit) {
        // The page is full at the end of a group: the next page starts this one.
        nextCursor = encodeCursor({ group, actBy: -1, id: GROUP_START_ID }, filters);
        break;
      }
      const rows = await listHolds(this.engine.store.db, {
        group,
        leadTimeMs: lead,
        ...(options.state ? { states: [options.state] } : {}),
        ...(options.gateway !== undefined ? { gateway: options.gateway } : {}),
        ...(options.orderId !== undefined ? { orderId: options.orderId } : {}),
        ...(actByAtOrBefore !== undefined ? { actByAtOrBefore } : {}),
        ...(cursor && cursor.group === group ? { after: cursor } : {}),
        limit: limit - holds.length + 1,
      });
      const room = limit - holds.length;
      holds.push(...rows.slice(0, room));
      if (rows.length > room) {
        const last = holds[holds.length - 1]!;
        nextCursor = encodeCursor({ group, ...sortPosition(last, lead) }, filters);
        break;
      }
    }
    return { holds: holds.map((h) => this.engine.view(h)), nextCursor };
  }

  async history(id: string): Promise<HoldHistory> {
    await requireHold(this.engine, id);
    const db = this.engine.store.db;
    const [transitions, exchanges] = await Promise.all([listTransitions(db, id), listExchanges(db, id)]);
    return { transitions, exchanges };
  }

  /** Counts and amounts per state and currency, amounts reaching actBy within 24 h / 72 h / 7 d, and expired holds. */
  async stats(): Promise<HoldStats> {
    const db = this.engine.store.db;
    const at = this.engine.clock.now();
    const rank = (state: string) => (HOLD_STATES as readonly string[]).indexOf(state);
    const byState = (await countHoldsByStateAndCurrency(db)).sort((a, b) => rank(a.state) - rank(b.state) || a.currency.localeCompare(b.currency));
    const reachingActBy: HoldStats['reachingActBy'] = [];
    for (const horizon of STATS_HORIZONS) {
      for (const totals of await sumOpenHoldsDueBy(db, at + horizon.ms, this.engine.policy.leadTimeMs)) reachingActBy.push({ within: horizon.label, ...totals });
    }
    const expiredUncaptured = byState.filter((row) => row.state === 'expired').map(({ currency, count, amount }) => ({ currency, count, amount }));
    const extensions = await countExtensionsByOutcome(db, REPLACEMENT_KEY_MARK);
    return { at, byState, reachingActBy, expiredUncaptured, extensions };
  }
}

// A position before every hold of a group (no hold id sorts before it).
const GROUP_START_ID = 'hold_00000000000000000000';

// A cursor is a position in one list: it carries a tag of the filters it was made with, so that a
// cursor passed back with other filters is refused instead of silently paging another list.
function filterTag(options: ListOptions): string {
  const filters = [options.state ?? null, options.status ?? null, options.gateway ?? null, options.orderId ?? null, options.expiringWithinMs ?? null];
  return createHash('sha256').update(JSON.stringify(filters)).digest('hex').slice(0, 8);
}

function encodeCursor(position: { group: HoldGroup; actBy: number; id: string }, filters: string): string {
  return Buffer.from(`${position.group}:${position.actBy}:${position.id}:${filters}`).toString('base64url');
}

function decodeCursor(cursor: string, filters: string): { group: HoldGroup; actBy: number; id: string } {
  const text = Buffer.from(String(cursor), 'base64url').toString('utf8');
  const match = /^(open|closed):(-?\d+):(hold_[0-9a-f]{20}):([0-9a-f]{8})$/.exec(text);
  if (!match) throw new ValidationError('INVALID_CURSOR', 'the cursor is not one that list() returned');
  if (match[4] !== filters) throw new ValidationError('INVALID_CURSOR', 'the cursor belongs to a list with other filters: pass the same filters as the page that printed it');
  return { group: match[1] as HoldGroup, actBy: Number(match[2]), id: match[3] as string };
}
