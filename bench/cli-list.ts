// Benchmark 6: `holdfast list --expiring-within 24h` (the bin as installed, dist/bin/holdfast.js) on a
// database of N open holds (the idle population: ~3.7 % of them have actBy within 24 h), timed from
// spawn until the first page is printed and the process has exited, process start included.
// `holdfast --help` is timed the same way, to tell start-up from the query.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchContext } from './bench-context.js';
import { type BenchResult, result } from './bench-result.js';
import { median, round } from './stats.js';

const MAIN = resolve(import.meta.dirname, '../dist/bin/holdfast.js');

/** Runs the CLI benchmark. */
export async function cliListBench(ctx: BenchContext): Promise<BenchResult> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  const db = await ctx.idleDatabase(ctx.scale.cliHolds);
  const list = ['--db', db, 'list', '--expiring-within', '24h'];
  await runCli(list); // warm the page cache, as a second invocation would find it
  const firstPage: number[] = [];
  const exit: number[] = [];
  const startup: number[] = [];
  let lines = 0;
  for (let i = 0; i < ctx.scale.cliRuns; i++) {
    const run = await runCli(list);
    firstPage.push(run.firstOutputMs);
    exit.push(run.exitMs);
    lines = run.stdout.trimEnd().split('\n').length;
    startup.push((await runCli(['--help'])).exitMs);
  }
  const figures = {
    holds: ctx.scale.cliHolds,
    medianMs: round(median(exit), 1),
    medianFirstOutputMs: round(median(firstPage), 1),
    medianStartupMs: round(median(startup), 1),
    linesPrinted: lines,
  };
  return result({
    id: 'cli',
    title: '6. CLI list --expiring-within 24h',
    setup: `${ctx.scale.cliHolds.toLocaleString('en-US')} open holds, node dist/bin/holdfast.js, median of ${ctx.scale.cliRuns} runs (spawn → exit)`,
    figures,
    goal: { metric: 'medianMs', op: '<=', target: 300, unit: 'ms' },
    table: [
      ['command', 'median ms (spawn → exit)', 'median ms to first output', 'lines'],
      ['holdfast list --expiring-within 24h', String(figures.medianMs), String(figures.medianFirstOutputMs), String(lines)],
      ['holdfast --help (start-up only)', String(figures.medianStartupMs), '', '1'],
    ],
  });
}

// The bin with a clean environment: nothing from the developer's shell configures it.
function runCli(args: string[]): Promise<{ exitMs: number; firstOutputMs: number; stdout: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(HOLDFAST_|KUSHKI_|PAYCERTIFY_)/.test(key)));
  return new Promise((ok, fail) => {
    const started = performance.now();
    let firstOutputMs = Number.NaN;
    let stdout = '';
    let stderr = '';
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      if (Number.isNaN(firstOutputMs)) firstOutputMs = performance.now() - started;
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', fail);
    child.once('close', (code) => {
      if (code !== 0) return fail(new Error(`holdfast ${args.join(' ')} exited ${code}: ${stderr}`));
      ok({ exitMs: performance.now() - started, firstOutputMs, stdout });
    });
  });
}
