// Benchmark 5: peak RSS of a sweeper process while it sweeps N due holds (1 000 000 at full scale),
// measured in a child process (bench/sweep-memory-child.ts) with a stateless approving gateway
// (bench/approving-gateway.ts explains why not FakeGateway). The holds are seeded like benchmark 2's.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { BenchContext } from './bench-context.js';
import { type BenchResult, result } from './bench-result.js';
import { mb, round, timed } from './stats.js';
import { seedHolds } from './seed-holds.js';
import { bundleForNode } from '../src/build/bundle-for-node.js';
import { SWEEP_AT } from './sweep-throughput.js';

const CONCURRENCY = 64;
const BATCH = 500;

/** Runs the memory benchmark. */
export async function sweepMemoryBench(ctx: BenchContext): Promise<BenchResult> {
  const count = ctx.scale.memoryHolds;
  const path = join(ctx.scratch, `due-${count}.db`);
  const seeded = await timed(() => seedHolds(path, ctx.scratch, { count, gateway: 'kushki', actByFrom: SWEEP_AT - 3_600_000, actBySpreadMs: 3_600_000 }));
  // Bundled inside node_modules, so that the external packages (better-sqlite3, pino) resolve.
  const outdir = resolve(import.meta.dirname, '../node_modules/.cache/holdfast-bench');
  await bundleForNode([{ in: 'bench/sweep-memory-child.ts', out: 'sweep-memory-child' }], outdir);
  const child = join(outdir, 'sweep-memory-child.js');
  const { stdout } = await promisify(execFile)(process.execPath, [child, path, String(SWEEP_AT), String(CONCURRENCY), String(BATCH)], {
    cwd: resolve(import.meta.dirname, '..'),
    maxBuffer: 1 << 20,
    timeout: 3 * 3_600_000,
  });
  const out = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, number>;
  if (out.approved !== count) throw new Error(`the memory sweep acted on ${out.approved} of ${count} holds`);
  const peak = Math.max(out.kernelPeakRss ?? 0, out.sampledPeakRss ?? 0);
  const figures = {
    holds: count,
    peakRssMb: mb(peak),
    sampledPeakRssMb: mb(out.sampledPeakRss ?? 0),
    // The kernel's high-water mark when the sweep returned, before close() (the WAL checkpoint).
    peakRssBeforeCloseMb: mb(out.kernelPeakRssBeforeClose ?? 0),
    // getrusage's maxRSS, which Linux carries over from the parent through fork and exec: not this process's.
    inheritedMaxRssMb: mb(out.inheritedMaxRss ?? 0),
    rssBeforeSweepMb: mb(out.rssBeforeSweep ?? 0),
    rssAfterSweepMb: mb(out.rssAfterSweep ?? 0),
    heapPeakMb: mb(out.heapPeak ?? 0),
    reportItems: out.items ?? 0,
    sweepSeconds: round(out.seconds ?? 0, 1),
    holdsPerSec: round(count / (out.seconds ?? 1)),
    seedSeconds: round(seeded.ms / 1000, 1),
  };
  return result({
    id: 'memory',
    title: '5. Memory (peak RSS of a sweep)',
    setup: `${count.toLocaleString('en-US')} due holds swept in a child process (esbuild bundle, as the bin ships), concurrency ${CONCURRENCY}, batch ${BATCH}, stateless approving gateway`,
    figures,
    goal: { metric: 'peakRssMb', op: '<=', target: 250, unit: 'MB' },
    table: [
      ['holds', 'RSS before sweep MB', 'peak RSS MB', 'peak heap MB', 'RSS after MB', 'report items', 'sweep s', 'holds/s'],
      [String(count), String(figures.rssBeforeSweepMb), String(figures.peakRssMb), String(figures.heapPeakMb), String(figures.rssAfterSweepMb), String(figures.reportItems), String(figures.sweepSeconds), String(figures.holdsPerSec)],
    ],
  });
}
