// Terminal tables for each benchmark and the summary, drawn like the CLI's (the README's table
// comes from bench/results-file.ts).
import { newTable } from '../src/cli/render/table.js';
import { terminalStyle } from '../src/cli/render/terminal-style.js';
import type { BenchResult } from './bench-result.js';

/** Prints `rows` (header first) as a boxed table under `title`. */
export function printTable(title: string, rows: readonly string[][]): void {
  const [head, ...body] = rows;
  const table = newTable(head ?? [], terminalStyle({ NO_COLOR: '1' }, {}, 0));
  table.push(...body);
  console.log(`\n${title}\n${table.toString()}`);
}

/** The one-line summary of a result: goal, measured figure and verdict. */
export function summaryRow(r: BenchResult): string[] {
  return [r.title, `${r.goal.op === '>=' ? '≥' : '≤'} ${r.goal.target} ${r.goal.unit}`, `${r.measured} ${r.goal.unit}`, r.pass ? 'met' : 'MISSED'];
}
