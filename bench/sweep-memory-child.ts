// The child process of the memory benchmark: sweeps every due hold of the database given on the
// command line and prints one JSON line with its peak RSS, so that only the sweeper's memory counts
// (not the parent's seeding). RSS is sampled every 25 ms; the kernel's own high-water mark (VmHWM in
// /proc/self/status) catches peaks between samples. Not process.resourceUsage().maxRSS: Linux keeps
// getrusage's maximum across fork and exec, so a child of the benchmark runner reported the runner's
// RSS after seeding a million rows (336 MB at 1 M holds, while this process never passed 210 MB).
// It runs as an esbuild bundle with holdfast inlined (sweep-memory.ts builds it), as the daemon runs
// from the bundled bin: no tsx, no hundred separate modules in memory. No logger: the library logs nothing unless given one.
import { openHoldfast } from '../src/holds/holdfast.js';
import { ManualClock } from '../src/clock.js';
import { approvingGateway } from './approving-gateway.js';
import { readFileSync } from 'node:fs';

// This process's peak RSS in bytes, as the kernel counts it (VmHWM is per address space, fresh at exec).
function kernelPeakRss(): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null; // not Linux: the sampled peak only
  }
}

const [path, at, concurrency, batchSize] = process.argv.slice(2);
if (path === undefined || at === undefined) throw new Error('usage: sweep-memory-child <db> <epoch ms> [concurrency] [batch]');
let sampledPeak = process.memoryUsage().rss;
let heapPeak = process.memoryUsage().heapUsed;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  sampledPeak = Math.max(sampledPeak, usage.rss);
  heapPeak = Math.max(heapPeak, usage.heapUsed);
}, 25);
const gateway = approvingGateway('kushki');
const hf = await openHoldfast({ database: path, gateways: [gateway], clock: new ManualClock(Number(at)) });
const rssBeforeSweep = process.memoryUsage().rss;
const started = performance.now();
const report = await hf.sweep({ concurrency: Number(concurrency ?? 8), batchSize: Number(batchSize ?? 100) });
const seconds = (performance.now() - started) / 1000;
const rssAfterSweep = process.memoryUsage().rss;
clearInterval(sampler);
const peakBeforeClose = kernelPeakRss();
await hf.close();
process.stdout.write(
  `${JSON.stringify({
    approved: report.totals.approved,
    items: report.items.length,
    gatewayCalls: gateway.calls,
    seconds,
    rssBeforeSweep,
    rssAfterSweep,
    sampledPeakRss: sampledPeak,
    heapPeak,
    kernelPeakRssBeforeClose: peakBeforeClose,
    kernelPeakRss: kernelPeakRss(),
    inheritedMaxRss: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
