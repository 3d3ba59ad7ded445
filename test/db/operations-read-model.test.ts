// The operations page's read model on SQLite and PostgreSQL, against a population made through the
// real API (test/helpers/ops-population.ts): who needs a person, amounts per UTC day, the search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, type CompiledQuery, SqliteDialect } from 'kysely';
import { DIALECTS } from '../helpers/dialects.js';
import { openHarness, type Harness } from '../helpers/harness.js';
import { ATTENTION, OPS_NOW, type OpsPopulation, seedOpsPopulation } from '../helpers/ops-population.js';
import { engineOf } from '../../src/holds/internals.js';
import {
  type DayTotals,
  findHoldsNeedingAPerson,
  sumExpiredByDay,
  sumStillHeldByActByDay,
  UTC_DAY_MS,
} from '../../db/operations.repository.js';
import type { Database } from '../../db/schema.js';
import { type HoldFilter, listHolds, sortPosition } from '../../db/holds.repository.js';

const TODAY = Date.UTC(2026, 0, 15);

/** Per-day totals as currency → ISO day → amount, the shape the population states its figures in. */
function byIsoDay(rows: DayTotals[], from: number): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) (out[r.currency] ??= {})[new Date(from + r.day * UTC_DAY_MS).toISOString().slice(0, 10)] = r.amount;
  return out;
}

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skipReason !== null)(`operations read model on ${dialect.name}`, () => {
    let h: Harness;
    let population: OpsPopulation;
    const db = () => engineOf(h.hf).store.db;
    const lead = () => engineOf(h.hf).policy.leadTimeMs;
    // The page's search: every hold, open or closed, with the page's filters.
    const search = (filter: Omit<HoldFilter, 'leadTimeMs'>) => listHolds(db(), { ...filter, leadTimeMs: lead() });
    const id = (name: keyof OpsPopulation['holds']) => population.holds[name].id;

    beforeAll(async () => {
      h = await openHarness(dialect, { capabilities: { maxCaptures: 2 } });
      population = await seedOpsPopulation(h);
      expect(h.clock.now()).toBe(OPS_NOW);
    });
    afterAll(async () => h?.close());

    it('finds the holds that need a person, by kind, and leaves the others out', async () => {
      const { holds, more } = await findHoldsNeedingAPerson(db(), 50, lead());
      expect(more).toEqual([]);
      const found = holds.map((a) => `${a.kind}:${a.hold.id}`).sort();
      const expected = Object.entries(ATTENTION).flatMap(([kind, names]) => names.map((n) => `${kind}:${id(n)}`)).sort();
      expect(found).toEqual(expected);
      // A decline followed by a capture that was never sent, or by a void, is not a declined capture any more.
      for (const other of ['declinedThenNotSent', 'declinedThenVoided', 'partOpen', 'overdue', 'captured', 'declinedAuthorization'] as const) {
        expect(holds.map((a) => a.hold.id)).not.toContain(id(other));
      }
      const open = holds.find((a) => a.hold.id === id('openCapture'))!.hold;
      expect(open.context.pending).toMatchObject({ operation: 'capture', unknownAttempts: 1 });
    });

    it('caps each kind at the limit and says which kinds had more', async () => {
      const { holds, more } = await findHoldsNeedingAPerson(db(), 1, lead());
      expect(holds.filter((a) => a.kind === 'outcome_open')).toHaveLength(1);
      expect(holds).toHaveLength(3);
      expect(more).toEqual(['outcome_open']);
    });

    it('sums what open holds still hold per UTC day of actBy over the next 7 days, overdue ones on the first', async () => {
      const rows = await sumStillHeldByActByDay(db(), { from: TODAY, days: 7, leadTimeMs: lead() });
      expect(byIsoDay(rows, TODAY)).toEqual(population.stillHeld);
      expect(rows.find((r) => r.currency === 'PEN' && r.day === 0)?.count).toBe(2);
      // Two days only: the USD hold of day 6 and the CLP hold of day 3 fall outside.
      expect(byIsoDay(await sumStillHeldByActByDay(db(), { from: TODAY, days: 2, leadTimeMs: lead() }), TODAY)).toEqual({
        PEN: { '2026-01-15': 8500, '2026-01-16': 7000 },
      });
    });

    it('sums what expired uncaptured per UTC day over the last 30 days, and nothing older', async () => {
      const from = TODAY - 29 * UTC_DAY_MS;
      const rows = await sumExpiredByDay(db(), { from, days: 30 });
      expect(byIsoDay(rows, from)).toEqual(population.expired);
      expect(rows.every((r) => r.count === 1)).toBe(true);
    });

    it('searches by part of an id, order or gateway reference (any case), state, gateway and order, soonest actBy first', async () => {
      const tracked = await search({ text: 'TRK-300', limit: 50 });
      expect(tracked.map((s) => s.id)).toEqual(['overdue', 'dueToday', 'dueDay2', 'clpDay3', 'usdDay6', 'usdDay7'].map((n) => id(n as 'overdue')));
      expect((await search({ text: 'ORDER-100', states: ['expired'], limit: 50 })).map((s) => s.id).sort()).toEqual(
        [id('expiredPen'), id('expiredUsd'), id('expiredPenLater')].sort(),
      );
      expect((await search({ text: id('flagged').slice(5, 15), limit: 50 })).map((s) => s.id)).toEqual([id('flagged')]);
      expect((await search({ orderId: 'order-2001', gateway: 'fake', limit: 50 })).map((s) => s.id)).toEqual([id('declinedCapture')]);
      expect(await search({ gateway: 'kushki', limit: 50 })).toEqual([]);
    });

    it('treats % and _ in the search text as themselves', async () => {
      expect(await search({ text: '%', limit: 50 })).toEqual([]);
      expect(await search({ text: 'hold%', limit: 50 })).toEqual([]);
      expect(await search({ text: 'order_', limit: 50 })).toEqual([]);
      expect(await search({ text: 'hold_', limit: 50 })).toHaveLength(Object.keys(population.holds).length);
    });

    it('pages with a keyset position and holds still authorizing last', async () => {
      const all = await search({ limit: 100 });
      expect(all).toHaveLength(Object.keys(population.holds).length);
      // Without an actBy (an authorization still open, or declined), by id.
      expect(all.slice(-2).map((s) => s.id)).toEqual([id('openAuthorize'), id('declinedAuthorization')].sort());
      const seen: string[] = [];
      let after: { actBy: number; id: string } | undefined;
      for (;;) {
        const page = await search({ limit: 4, ...(after ? { after } : {}) });
        seen.push(...page.map((s) => s.id));
        const last = page.at(-1);
        if (page.length < 4 || !last) break;
        after = sortPosition(last, lead());
      }
      expect(seen).toEqual(all.map((s) => s.id));
    });

    it.runIf(dialect.name === 'sqlite')('reads expired holds and declined captures through their partial indexes', async () => {
      const store = engineOf(h.hf).store;
      if (store.dialect !== 'sqlite') return;
      const queries: CompiledQuery[] = [];
      const logged = new Kysely<Database>({ dialect: new SqliteDialect({ database: store.native }), log: (e) => void queries.push(e.query) });
      await sumExpiredByDay(logged, { from: TODAY - 29 * UTC_DAY_MS, days: 30 });
      await findHoldsNeedingAPerson(logged, 10, lead());
      const plans = queries.map((q) =>
        store.native.prepare(`explain query plan ${q.sql}`).all(...(q.parameters as unknown[])).map((r) => (r as { detail: string }).detail).join(' | '),
      );
      expect(plans[0]).toMatch(/USING INDEX holds_expired_updated_at/);
      expect(plans.join('\n')).toMatch(/gateway_exchanges USING (COVERING )?INDEX gateway_exchanges_declined_capture/);
      expect(plans.join('\n')).toMatch(/holds USING INDEX holds_state_act_by \(state=\?\)/);
    });
  });
}
