// The child process of the memory benchmark: sweeps every due hold of the database given on the
// command line and prints one JSON line with its peak RSS, so that only the sweeper's memory counts
// (not the parent's seeding). RSS is sampled every 25 ms; process.resourceUsage().maxRSS is the
// kernel's own high-water mark and catches peaks between samples. holdfast itself is loaded from the
// built dist/ (what the daemon runs), so only this small file goes through tsx; tsx's own share of
// the RSS (about 34 MB on Node 20) is still counted, which makes the figure conservative.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { approvingGateway } from './approving-gateway.js';
import { silentLogger } from './silent-logger.js';

const [path, at, concurrency, batchSize] = process.argv.slice(2);
if (path === undefined || at === undefined) throw new Error('usage: sweep-memory-child <db> <epoch ms> [concurrency] [batch]');
let sampledPeak = process.memoryUsage().rss;
let heapPeak = process.memoryUsage().heapUsed;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  sampledPeak = Math.max(sampledPeak, usage.rss);
  heapPeak = Math.max(heapPeak, usage.heapUsed);
}, 25);
const { openHoldfast, ManualClock } = (await import(pathToFileURL(resolve(import.meta.dirname, '../dist/src/index.js')).href)) as typeof import('../src/index.js');
const gateway = approvingGateway('kushki');
const hf = await openHoldfast({ database: path, gateways: [gateway], clock: new ManualClock(Number(at)), logger: silentLogger() });
const rssBeforeSweep = process.memoryUsage().rss;
const started = performance.now();
const report = await hf.sweep({ concurrency: Number(concurrency ?? 8), batchSize: Number(batchSize ?? 100) });
const seconds = (performance.now() - started) / 1000;
const rssAfterSweep = process.memoryUsage().rss;
clearInterval(sampler);
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
    maxRss: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
