// cli-table3 with its built-in colours off: colour is decided once, in TerminalStyle.
import Table from 'cli-table3';
import type { TerminalStyle } from './terminal-style.js';

/** A table with `head` in bold (when colour is on) and no ANSI codes otherwise. */
export function newTable(head: string[], style: TerminalStyle, options: { align?: ('left' | 'right')[] } = {}): Table.Table {
  return new Table({
    head: head.map((h) => style.colors.bold(h)),
    style: { head: [], border: [], compact: true },
    ...(options.align ? { colAligns: options.align } : {}),
  });
}

/** A two-column key/value table. */
export function newKeyValueTable(rows: [string, string][], style: TerminalStyle): string {
  const table = new Table({ style: { head: [], border: [], compact: true } });
  for (const [key, value] of rows) table.push([style.colors.bold(key), value]);
  return table.toString();
}
