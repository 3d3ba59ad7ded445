// Benchmark 4: a sweep that waits on the gateway. N holds are authorized through the API against
// the loopback simulator (own process; 10, 25 and 100 ms latency) with the Kushki adapter, the injected clock
// is moved past their actBy, and one sweep pass at concurrency 16 captures half and voids half.
// Ideal throughput is concurrency ÷ latency (16 / 0.025 s = 640 holds/s at 25 ms); the figure is
// achieved ÷ ideal, judged at 25 ms.
import { join } from 'node:path';
import { openHoldfast } from '../src/holds/holdfast.js';
import { createKushkiGateway } from '../src/gateways/kushki/index.js';
import { ManualClock } from '../src/clock.js';
import { forEachLimited } from '../src/sweeper/pool.js';
import type { BenchContext } from './bench-context.js';
import { type BenchResult, result } from './bench-result.js';
import { round, timed } from './stats.js';
import { silentLogger } from '../src/silent-logger.js';
import { startSimulatorProcess } from './loopback-simulator.js';

/** The latencies measured; the goal is judged at 25 ms (issue 11). */
const LATENCIES_MS = [10, 25, 100] as const;
const GOAL_LATENCY_MS = 25;
const CONCURRENCY = 16;

interface LatencyRun {
  latencyMs: number;
  seconds: number;
  holdsPerSec: number;
  idealHoldsPerSec: number;
  ratio: number;
}

/** Runs the gateway-bound sweep benchmark at each latency. */
export async function gatewayBoundSweepBench(ctx: BenchContext): Promise<BenchResult> {
  const count = ctx.scale.gatewayHolds;
  const runs: LatencyRun[] = [];
  for (const latencyMs of LATENCIES_MS) runs.push(await sweepAtLatency(ctx, count, latencyMs));
  const figures: Record<string, number> = { holds: count };
  for (const run of runs) {
    figures[`ratio${run.latencyMs}ms`] = run.ratio;
    figures[`holdsPerSec${run.latencyMs}ms`] = run.holdsPerSec;
  }
  figures.ratio = figures[`ratio${GOAL_LATENCY_MS}ms`]!;
  return result({
    id: 'gateway-bound',
    title: '4. Gateway-bound sweep (achieved ÷ ideal)',
    setup: `${count} due holds, Kushki adapter → loopback simulator (own process) at ${LATENCIES_MS.join(' / ')} ms latency, concurrency ${CONCURRENCY}; goal judged at ${GOAL_LATENCY_MS} ms`,
    figures,
    goal: { metric: 'ratio', op: '>=', target: 0.85, unit: '×' },
    table: [
      ['latency ms', 'holds', 'sweep s', 'holds/s', 'ideal holds/s', 'achieved ÷ ideal'],
      ...runs.map((r) => [String(r.latencyMs), String(count), String(r.seconds), String(r.holdsPerSec), String(r.idealHoldsPerSec), String(r.ratio)]),
    ],
  });
}

async function sweepAtLatency(ctx: BenchContext, count: number, latencyMs: number): Promise<LatencyRun> {
  const sim = await startSimulatorProcess(latencyMs);
  try {
    const clock = new ManualClock(Date.now());
    const gateway = createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'bench-merchant', clock });
    const hf = await openHoldfast({ database: join(ctx.scratch, `gateway-bound-${latencyMs}ms.db`), gateways: [gateway], clock, logger: silentLogger() });
    const indexes = Array.from({ length: count }, (_, i) => i);
    const actBys: number[] = [];
    const expiries: number[] = [];
    await forEachLimited(indexes, CONCURRENCY, async (i) => {
      const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: `sub-bench-${i}`, amount: 1_000 + i, currency: 'USD', orderId: `order-${i}`, onExpiry: i % 2 === 0 ? 'capture' : 'void' });
      if (hold.state !== 'authorized' || hold.actBy === null || hold.expiresAt === null) throw new Error(`authorize ended in ${hold.state}`);
      actBys.push(hold.actBy);
      expiries.push(hold.expiresAt);
    });
    clock.set(Math.max(...actBys) + 1_000);
    if (clock.now() >= Math.min(...expiries)) throw new Error('the holds would expire before the sweep');
    const { value: report, ms } = await timed(() => hf.sweep({ concurrency: CONCURRENCY }));
    await hf.close();
    await gateway.close?.();
    if (report.totals.approved !== count) throw new Error(`gateway-bound sweep approved ${report.totals.approved} of ${count} (${JSON.stringify(report.totals)})`);
    const ideal = CONCURRENCY / (latencyMs / 1000);
    const throughput = (count / ms) * 1000;
    return { latencyMs, seconds: round(ms / 1000, 2), holdsPerSec: round(throughput), idealHoldsPerSec: ideal, ratio: round(throughput / ideal, 3) };
  } finally {
    await sim.stop();
  }
}
