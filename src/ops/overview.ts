// What the overview shows, read from the engine's store: the holds that need a person, the amount
// still held by open holds reaching actBy per UTC day over the next days, and the amount that
// expired uncaptured per UTC day over the last days — per currency.
import { type AttentionKind, type DayTotals, findHoldsNeedingAPerson, sumExpiredByDay, sumStillHeldByActByDay, UTC_DAY_MS } from '../../db/operations.repository.js';
import { toHold } from '../../db/stored-hold.js';
import type { Hold } from '../../machines/hold-types.js';
import type { HoldEngine } from '../engine/hold-engine.js';
import { formatDay } from './page-format.js';

/** Days of the still-held chart, today (UTC) first. */
export const STILL_HELD_DAYS = 7;
/** Days of the expired chart, today (UTC) last. */
export const EXPIRED_DAYS = 30;
/** Holds of each kind the attention list shows at most. */
export const ATTENTION_LIMIT = 100;

/** A hold that needs a person, and why. */
export interface AttentionItem {
  kind: AttentionKind;
  hold: Hold;
}

/** Amounts per UTC day and currency; every currency has a value (maybe 0) for every day. */
export interface DaySeries {
  /** ISO days, oldest first. */
  days: string[];
  /** Currencies in alphabetical order. */
  currencies: { currency: string; amounts: number[]; counts: number[] }[];
}

/** Everything the overview page shows. */
export interface Overview {
  at: number;
  attention: AttentionItem[];
  /** Kinds with more holds than the list shows. */
  attentionMore: AttentionKind[];
  stillHeld: DaySeries;
  expired: DaySeries;
}

/** Reads the overview at the engine clock's now. */
export async function loadOverview(engine: HoldEngine): Promise<Overview> {
  const db = engine.store.db;
  const at = engine.clock.now();
  const lead = engine.policy.leadTimeMs;
  const today = at - (((at % UTC_DAY_MS) + UTC_DAY_MS) % UTC_DAY_MS);
  const expiredFrom = today - (EXPIRED_DAYS - 1) * UTC_DAY_MS;
  const [attention, held, expired] = await Promise.all([
    findHoldsNeedingAPerson(db, ATTENTION_LIMIT, lead),
    sumStillHeldByActByDay(db, { from: today, days: STILL_HELD_DAYS, leadTimeMs: lead }),
    sumExpiredByDay(db, { from: expiredFrom, days: EXPIRED_DAYS }),
  ]);
  return {
    at,
    attention: attention.holds.map(({ kind, hold }) => ({ kind, hold: toHold(hold, lead) })),
    attentionMore: attention.more,
    stillHeld: daySeries(held, today, STILL_HELD_DAYS),
    expired: daySeries(expired, expiredFrom, EXPIRED_DAYS),
  };
}

function daySeries(rows: DayTotals[], from: number, days: number): DaySeries {
  const byCurrency = new Map<string, { amounts: number[]; counts: number[] }>();
  for (const row of rows) {
    if (row.day < 0 || row.day >= days) continue;
    let series = byCurrency.get(row.currency);
    if (!series) byCurrency.set(row.currency, (series = { amounts: new Array<number>(days).fill(0), counts: new Array<number>(days).fill(0) }));
    series.amounts[row.day]! += row.amount;
    series.counts[row.day]! += row.count;
  }
  return {
    days: Array.from({ length: days }, (_, i) => formatDay(from + i * UTC_DAY_MS)),
    currencies: [...byCurrency].sort(([a], [b]) => a.localeCompare(b)).map(([currency, s]) => ({ currency, ...s })),
  };
}
