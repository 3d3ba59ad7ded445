// Benchmark 3: the sweeper's claim statement (claimDueHolds, db/sweeper.repository.ts) on databases
// of 10k / 100k / 1M open holds of which none is due: median time of one claim that finds nothing.
import { openStore } from '../db/connection.js';
import { claimDueHolds } from '../db/sweeper.repository.js';
import type { BenchContext } from './bench-context.js';
import { type BenchResult, result } from './bench-result.js';
import { median, percentile, round, timed } from './stats.js';

/** Runs the idle-tick benchmark over every size of the scale. */
export async function idleTickBench(ctx: BenchContext): Promise<BenchResult> {
  const rows: string[][] = [['holds', 'due', 'claims', 'median ms', 'p95 ms', 'max ms']];
  const figures: Record<string, number> = {};
  let largest = 0;
  for (const size of ctx.scale.idleSizes) {
    const store = await openStore(await ctx.idleDatabase(size), { migrate: false });
    const samples: number[] = [];
    for (let i = 0; i < ctx.scale.idleSamples; i++) {
      const { value, ms } = await timed(() => claimDueHolds(store.db, { owner: 'bench', now: ctx.idleNow, leadTimeMs: 24 * 3_600_000, leaseMs: 300_000, limit: 100 }));
      if (value.length !== 0) throw new Error(`idle database of ${size} holds had ${value.length} due`);
      samples.push(ms);
    }
    await store.close();
    const med = round(median(samples), 3);
    figures[`medianMs_${size}`] = med;
    figures[`p95Ms_${size}`] = round(percentile(samples, 95), 3);
    rows.push([String(size), '0', String(samples.length), String(med), String(figures[`p95Ms_${size}`]), String(round(Math.max(...samples), 3))]);
    largest = Math.max(largest, size);
  }
  figures.medianMs = figures[`medianMs_${largest}`] as number;
  return result({
    id: 'idle-tick',
    title: '3. Idle tick (claim, nothing due)',
    setup: `claimDueHolds on ${ctx.scale.idleSizes.map((s) => s.toLocaleString('en-US')).join(' / ')} open holds, none due; goal on the largest`,
    figures,
    goal: { metric: 'medianMs', op: '<=', target: 20, unit: 'ms' },
    table: rows,
  });
}
