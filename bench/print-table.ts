// Terminal tables (cli-table3) for each benchmark and the summary (the README's table comes from
// bench/results-file.ts).
import Table from 'cli-table3';
import type { BenchResult } from './bench-result.js';

/** Prints `rows` (header first) as a boxed table under `title`. */
export function printTable(title: string, rows: readonly string[][]): void {
  const [head, ...body] = rows;
  const table = new Table({ head: head ?? [], style: { head: [], border: [] } });
  for (const row of body) table.push(row);
  console.log(`\n${title}\n${table.toString()}`);
}

/** The one-line summary of a result: goal, measured figure and verdict. */
export function summaryRow(r: BenchResult): string[] {
  return [r.title, `${r.goal.op === '>=' ? '≥' : '≤'} ${r.goal.target} ${r.goal.unit}`, `${r.measured} ${r.goal.unit}`, r.pass ? 'met' : 'MISSED'];
}
