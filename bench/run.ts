// `npm run bench`: runs the six benchmarks of issue 7 in one process (the memory sweep and the CLI
// in child processes), prints each one's table and a summary, merges the figures into
// bench/results.json (bench/results-file.ts) and renders the README's Performance table from it.
//   BENCH_SCALE=small   a quick smoke run on small populations (default: full size)
//   BENCH_ONLY=idle-tick,cli   run only these benchmarks (ids as in results.json)
//   BENCH_TMPDIR=/path  where the scratch databases go (default: the OS temp dir)
//   BENCH_SWEEP_CONCURRENCY / BENCH_SWEEP_BATCH   benchmark 2 settings (default: the sweeper's, 8 / 100)
import { loadavg } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchScale } from './bench-scale.js';
import { benchContext, type BenchContext } from './bench-context.js';
import type { BenchResult } from './bench-result.js';
import { mergeResults, type RecordedResult, resultsPath, withReadmeTable } from './results-file.js';
import { machineInfo } from './machine-info.js';
import { printTable, summaryRow } from './print-table.js';
import { scratchDir } from './scratch-dir.js';
import { round } from './stats.js';
import { lifecycleBench } from './lifecycle.js';
import { sweepThroughputBench } from './sweep-throughput.js';
import { idleTickBench } from './idle-tick.js';
import { gatewayBoundSweepBench } from './gateway-bound-sweep.js';
import { sweepMemoryBench } from './sweep-memory.js';
import { cliListBench } from './cli-list.js';

const BENCHMARKS: [string, (ctx: BenchContext) => Promise<BenchResult>][] = [
  ['lifecycle', lifecycleBench],
  ['sweep-throughput', sweepThroughputBench],
  ['idle-tick', idleTickBench],
  ['gateway-bound', gatewayBoundSweepBench],
  ['cli', cliListBench],
  ['memory', sweepMemoryBench],
];

const scale = benchScale();
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const machine = machineInfo();
const date = new Date().toISOString();
console.log(`holdfast benchmarks — scale ${scale.name}, ${machine.cpuCount} × ${machine.cpuModel}, ${round(machine.memoryBytes / 2 ** 30, 1)} GiB, Node ${machine.node}, ${date}`);
console.log(`load average at start (1/5/15 min): ${machine.loadAtStart.join(' / ')}`);
const dir = scratchDir('run');
const results: RecordedResult[] = [];
const load1 = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;
const command = `${only ? `BENCH_ONLY=${only.join(',')} ` : ''}${scale.name === 'full' ? '' : `BENCH_SCALE=${scale.name} `}npm run bench`;
const started = Date.now();
try {
  const ctx = benchContext(scale, dir.path);
  for (const [id, bench] of BENCHMARKS) {
    if (only && !only.includes(id)) continue;
    const t = Date.now();
    const loadStart = load1();
    const measuredAt = new Date().toISOString();
    const r = { ...(await bench(ctx)), measuredAt, load: { start: loadStart, end: load1() }, command };
    printTable(`${r.title} — ${r.setup} (${round((Date.now() - t) / 1000, 1)} s)`, r.table);
    console.log(`goal ${summaryRow(r)[1]}: ${r.measured} ${r.goal.unit} → ${r.pass ? 'met' : 'MISSED'}`);
    results.push(r);
  }
} finally {
  dir.remove();
}
const loadAtEnd = machineInfo().loadAtStart;
printTable('Summary', [['benchmark', 'goal', 'measured', ''], ...results.map(summaryRow)]);
console.log(`load average at end: ${loadAtEnd.join(' / ')}; total ${round((Date.now() - started) / 1000, 1)} s`);
const out = resultsPath(scale.name);
const file = mergeResults(out, scale.name, machine, results);
console.log(`wrote ${out}`);
if (scale.name === 'full') {
  const readme = resolve(import.meta.dirname, '../README.md');
  writeFileSync(readme, withReadmeTable(readFileSync(readme, 'utf8'), file));
  console.log(`updated the Performance table in ${readme}`);
}
