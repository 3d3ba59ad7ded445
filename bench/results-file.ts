// bench/results.json, tracked: the latest full-scale figure of each benchmark, merged by id, so one
// benchmark can be re-run on a quiet machine without losing the others. Each result carries its own
// date and load. A small-scale run writes bench/results.small.json (ignored) instead. The README's
// Performance table is rendered from the tracked file (test/readme-bench.test.ts checks it).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BenchResult } from './bench-result.js';
import type { MachineInfo } from './machine-info.js';

/** One benchmark's latest result with when and where it was measured. */
export interface RecordedResult extends BenchResult {
  measuredAt: string;
  /** The 1-minute load average when the benchmark started and ended: > cpu count means a busy machine. */
  load: { start: number; end: number };
  command: string;
}

/** The whole file. */
export interface ResultsFile {
  scale: string;
  machine: Omit<MachineInfo, 'loadAtStart'>;
  results: RecordedResult[];
}

/** Where a scale's results go. */
export function resultsPath(scale: string): string {
  return resolve(import.meta.dirname, scale === 'full' ? 'results.json' : `results.${scale}.json`);
}

/** Reads a results file, or null when there is none. */
export function readResults(path: string): ResultsFile | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ResultsFile) : null;
}

const ORDER = ['lifecycle', 'sweep-throughput', 'idle-tick', 'gateway-bound', 'cli', 'memory'];

/** Merges `fresh` into the file at `path` (replacing results with the same id) and writes it. */
export function mergeResults(path: string, scale: string, machine: MachineInfo, fresh: RecordedResult[]): ResultsFile {
  const { loadAtStart: _load, ...where } = machine;
  const kept = (readResults(path)?.results ?? []).filter((r) => !fresh.some((f) => f.id === r.id));
  const results = [...kept, ...fresh].sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
  const file: ResultsFile = { scale, machine: where, results };
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return file;
}

/** The README's Performance table: one row per benchmark, with its measurement's date and load. */
export function readmeTable(file: ResultsFile): string {
  const lines = [
    `Measured on ${file.machine.cpuCount} × ${file.machine.cpuModel}, ${Math.round(file.machine.memoryBytes / 2 ** 30)} GiB, Node ${file.machine.node} (from \`bench/results.json\`):`,
    '',
    '| benchmark | setup | goal | measured | | measured at (UTC), 1-min load start → end |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  // In the benchmarks' own numbering (titles start with it), whatever order they were last run in.
  const number = (title: string) => Number.parseInt(title, 10);
  for (const r of [...file.results].sort((a, b) => number(a.title) - number(b.title))) {
    const goal = `${r.goal.op === '>=' ? '≥' : '≤'} ${r.goal.target} ${r.goal.unit}`;
    lines.push(`| ${r.title} | ${r.setup} | ${goal} | ${r.measured} ${r.goal.unit} | ${r.pass ? 'met' : 'missed'} | ${r.measuredAt.slice(0, 16).replace('T', ' ')}, ${r.load.start} → ${r.load.end} |`);
  }
  return lines.join('\n');
}

export const README_BEGIN = '<!-- bench:results (rendered from bench/results.json by `npm run bench`; do not edit) -->';
export const README_END = '<!-- /bench:results -->';

/** `readme` with the block between the markers replaced by the table of `file`. */
export function withReadmeTable(readme: string, file: ResultsFile): string {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no ${README_BEGIN} … ${README_END} block`);
  return `${readme.slice(0, begin + README_BEGIN.length)}\n${readmeTable(file)}\n${readme.slice(end)}`;
}
