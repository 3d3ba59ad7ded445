// Benchmark 2: one sweep pass over N due holds with the zero-latency in-process FakeGateway: holds
// acted on (captured or voided, end to end: claim, intent, gateway call, result) per second.
// The holds are seeded by bench/seed-holds.ts (clones of rows track() wrote, see there), half with
// onExpiry=capture and half void; the fake's ledger is given the same authorizations, as if they had
// been made through it, so every capture and void is approved.
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openHoldfast } from '../src/holds/holdfast.js';
import { FakeGateway } from '../src/gateways/fake/index.js';
import { ManualClock } from '../src/clock.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_SWEEP_CONCURRENCY } from '../src/sweeper/sweep.js';
import type { BenchContext } from './bench-context.js';
import { type BenchResult, result } from './bench-result.js';
import { round, timed } from './stats.js';
import { scratchDir } from './scratch-dir.js';
import { seedHolds } from './seed-holds.js';
import { silentLogger } from '../src/silent-logger.js';

/** The instant the sweep benchmarks run at: every seeded hold's actBy is in the hour before it. */
export const SWEEP_AT = Date.UTC(2026, 2, 1, 12);

/** Runs the sweep-throughput benchmark. */
export async function sweepThroughputBench(ctx: BenchContext): Promise<BenchResult> {
  const scale = ctx.scale;
  const dir = scratchDir('sweep');
  try {
    const path = join(dir.path, 'due.db');
    const seeded = await timed(() => seedHolds(path, dir.path, { count: scale.sweepHolds, gateway: 'fake', actByFrom: SWEEP_AT - 3_600_000, actBySpreadMs: 3_600_000 }));
    const clock = new ManualClock(SWEEP_AT);
    const fake = new FakeGateway({ now: () => clock.now() });
    adoptAuthorizations(fake, path);
    const hf = await openHoldfast({ database: path, gateways: [fake], clock, logger: silentLogger() });
    const concurrency = Number(process.env.BENCH_SWEEP_CONCURRENCY ?? DEFAULT_SWEEP_CONCURRENCY);
    const batchSize = Number(process.env.BENCH_SWEEP_BATCH ?? DEFAULT_BATCH_SIZE);
    const { value: report, ms } = await timed(() => hf.sweep({ concurrency, batchSize }));
    await hf.close();
    const approved = report.totals.approved;
    const effects = fake.effects();
    if (approved !== scale.sweepHolds || effects.captures + effects.voids !== scale.sweepHolds) {
      throw new Error(`sweep acted on ${approved} of ${scale.sweepHolds} holds (${JSON.stringify(report.totals)})`);
    }
    const figures = {
      holds: scale.sweepHolds,
      seconds: round(ms / 1000, 2),
      holdsPerSec: round((approved / ms) * 1000),
      captures: effects.captures,
      voids: effects.voids,
      seedSeconds: round(seeded.ms / 1000, 1),
    };
    return result({
      id: 'sweep-throughput',
      title: '2. Sweep throughput',
      setup: `${scale.sweepHolds} due holds, zero-latency fake gateway, concurrency ${concurrency}, batch ${batchSize}`,
      figures,
      goal: { metric: 'holdsPerSec', op: '>=', target: 5_000, unit: 'holds/s' },
      table: [
        ['due holds', 'captured', 'voided', 'sweep s', 'holds/s'],
        [String(figures.holds), String(figures.captures), String(figures.voids), String(figures.seconds), String(figures.holdsPerSec)],
      ],
    });
  } finally {
    dir.remove();
  }
}

// The fake approves captures and voids only of authorizations in its ledger: enter the seeded ones.
function adoptAuthorizations(fake: FakeGateway, path: string): void {
  const db = new BetterSqlite3(path, { readonly: true });
  for (const row of db.prepare('select gateway_ref, amount, currency from holds').iterate() as Iterable<{ gateway_ref: string; amount: number; currency: string }>) {
    fake.ledger.set(row.gateway_ref, { ref: row.gateway_ref, amount: row.amount, currency: row.currency, status: 'authorized', captures: [], voids: [] });
  }
  db.close();
}
