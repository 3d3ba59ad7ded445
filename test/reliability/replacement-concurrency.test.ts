// Replacement authorizations under several real sweeper processes on one database (a SQLite file;
// PostgreSQL when HOLDFAST_TEST_PG_URL is set): every hold of a population is due for its
// replacement at once, the processes race to replace, settle and release them, and a last process
// applies each replacement's fallback at holdUntil. Each order's chain is judged against what it was
// meant to end as (the old hold replaced, the new one captured or voided by its fallback) by the
// simulator's permissive ledger, where a second capture or void would take effect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';
import type { Holdfast } from '../../src/holds/holdfast.js';
import type { HoldState } from '../../machines/hold.machine.js';
import { DIALECTS } from '../helpers/dialects.js';
import { runTs } from '../helpers/processes.js';
import { openOnSimulator } from './kushki-holdfast.js';
import { chainFrom, judgeChain } from './chain-judge.js';
import { sized, timeoutMs } from './scale.js';

const MINUTE = 60_000;
const PROCESSES = 4;
/** The simulator and holdfast share one clock: the system clock plus this offset (the children run at 0). */
let offset = 0;
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 1, clock: { now: () => Date.now() + offset }, ledgerMode: 'permissive' });
});
afterAll(async () => {
  await sim.close();
});

function openAt(database: string, at: number): Promise<Holdfast> {
  offset = at;
  return openOnSimulator(database, sim, { now: () => Date.now() + offset }, 5_000);
}

/** Sweeps until a pass finds nothing due (at most 8 passes). */
async function sweepDry(hf: Holdfast): Promise<void> {
  for (let pass = 0; pass < 8; pass++) if ((await hf.sweep({ concurrency: 8 })).items.length === 0) return;
}

interface Order {
  id: string;
  orderId: string;
  subscriptionId: string;
  amount: number;
  /** What the chain was meant to end as: the old hold replaced, the new one by its fallback. */
  intended: HoldState[];
}

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skipReason !== null)(`replacements by ${PROCESSES} sweeper processes on one ${dialect.name} database`, () => {
    it('every hold due for replacement at once: each replaced once, released once, its replacement captured or voided once', async () => {
      const count = sized(40, 400);
      const created = await dialect.create();
      try {
        const { database } = created;
        const tag = `rc-${dialect.name}-${Date.now()}`;
        // Authorized 6 days and a minute ago on debit cards (7-day window): due for replacement now.
        const setup = await openAt(database, -(6 * DAY_MS + MINUTE));
        const orders: Order[] = [];
        let holdUntil = 0;
        for (let i = 0; i < count; i++) {
          const subscriptionId = `${tag}-${i}`;
          sim.cards.registerSubscription(subscriptionId, { cardType: 'debit' });
          const amount = 1_000 + ((i * 7_919) % 40_000);
          const hold = await setup.authorize({ gateway: 'kushki', subscriptionId, orderId: `${tag}-order-${i}`, amount, currency: 'USD' });
          holdUntil = hold.expiresAt! + 3 * DAY_MS;
          const fallback = i % 2 === 0 ? 'capture' : 'void';
          await setup.setOnExpiry(hold.id, 'extend', { holdUntil, fallback, by: 'replacement' });
          orders.push({ id: hold.id, orderId: hold.orderId!, subscriptionId, amount, intended: ['replaced', fallback === 'capture' ? 'captured' : 'voided'] });
        }
        await setup.close();
        offset = 0;
        const children = await Promise.all(
          Array.from({ length: PROCESSES }, () => runTs('test/fixtures/sweep-child.ts', { HOLDFAST_DB: database, SIM_URL: sim.url, CONCURRENCY: '8', BATCH_SIZE: '5', SWEEPS: '3', RESPONSE_TIMEOUT_MS: '10000' })),
        );
        const totals = children.map((c) => {
          expect(c.code, c.stderr).toBe(0);
          expect(c.stderr + c.stdout).not.toMatch(/SQLITE_BUSY|database is locked/);
          return JSON.parse(c.stdout.trim()) as Record<string, number>;
        });
        const sum = (k: string) => totals.reduce((s, t) => s + (t[k] ?? 0), 0);
        expect(sum('error')).toBe(0);
        // The work was shared: more than one process replaced holds.
        expect(totals.filter((t) => (t.approved ?? 0) > 0).length).toBeGreaterThan(1);

        // A last process finishes what the children left in flight, then applies the fallbacks at holdUntil.
        const check = await openAt(database, 3 * MINUTE);
        try {
          // The children replaced every hold (that each was replaced once is the ledger's to say, below;
          // a process whose replacement another one settled first reports its authorization approved too).
          const byChildren = (await Promise.all(orders.map((o) => check.get(o.id)))).filter((h) => h.state === 'replaced').length;
          expect(byChildren).toBe(count);
          expect(sum('approved')).toBeGreaterThanOrEqual(count);
          await sweepDry(check);
          offset = holdUntil + 5 * MINUTE - Date.now();
          await sweepDry(check);
          const now = Date.now() + offset;
          const violations: string[] = [];
          const ended = new Map<string, number>();
          for (const order of orders) {
            const chain = await chainFrom(check, order.id);
            const { holds } = await check.list({ orderId: order.orderId });
            const verdict = judgeChain({ sim, subscriptionId: order.subscriptionId, amount: order.amount, chain, orderHolds: holds, intended: order.intended, now });
            violations.push(...verdict.violations.map((v) => `${order.id}: ${v}`));
            const key = verdict.chainStates.join(' → ');
            ended.set(key, (ended.get(key) ?? 0) + 1);
            expect(verdict.figures.authorizations, order.id).toBe(order.intended.length);
          }
          expect(violations).toEqual([]);
          expect(Object.fromEntries(ended)).toEqual({ 'replaced → captured': Math.ceil(count / 2), 'replaced → voided': Math.floor(count / 2) });
        } finally {
          await check.close();
        }
      } finally {
        await created.drop();
      }
    }, timeoutMs(120_000));
  });
}
