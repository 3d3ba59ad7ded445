// Box-drawn tables for people, in the compact shape cli-table3 drew (which this replaced: its
// width measuring took ~90 ms for a page of 100 holds, a third of `holdfast list`'s budget).
// Colour is decided once, in TerminalStyle; widths ignore ANSI codes and count code points
// (East Asian wide characters in user text, such as order ids, are counted as one column).
import type { TerminalStyle } from './terminal-style.js';

type Align = 'left' | 'right';

/** Rows pushed, then drawn by toString(). */
export interface TextTable {
  push(...rows: string[][]): void;
  toString(): string;
}

/** A table with `head` in bold (when colour is on) and no ANSI codes otherwise. */
export function newTable(head: string[], style: TerminalStyle, options: { align?: Align[] } = {}): TextTable {
  return boxTable(head.map((h) => style.colors.bold(h)), options.align ?? []);
}

/** A two-column key/value table. */
export function newKeyValueTable(rows: [string, string][], style: TerminalStyle): string {
  const table = boxTable(null, []);
  table.push(...rows.map(([key, value]) => [style.colors.bold(key), value]));
  return table.toString();
}

const ANSI = /\x1b\[[0-9;]*m/g;

function width(text: string): number {
  let n = 0;
  for (const _ of text.replace(ANSI, '')) n++;
  return n;
}

// A cell's lines; a cell coloured as a whole is coloured on each of its lines.
function cellLines(cell: string): string[] {
  const [, open = '', inner = '', close = ''] = /^((?:\x1b\[[0-9;]*m)*)([\s\S]*?)((?:\x1b\[[0-9;]*m)*)$/.exec(cell) ?? [];
  return inner.includes('\n') ? inner.split('\n').map((line) => open + line + close) : [cell];
}

function boxTable(head: string[] | null, align: Align[]): TextTable {
  const rows: string[][] = [];
  return {
    push(...more) {
      rows.push(...more);
    },
    toString() {
      const all = (head ? [head, ...rows] : rows).map((row) => row.map(cellLines));
      // Loops, not Math.max(...rows): a table may have more rows than a call has room for arguments.
      const widths: number[] = [];
      for (const row of all) {
        row.forEach((lines, c) => {
          for (const line of lines) widths[c] = Math.max(widths[c] ?? 2, width(line) + 2);
        });
      }
      for (let c = 0; c < widths.length; c++) widths[c] ??= 2;
      const rule = (left: string, mid: string, right: string) => left + widths.map((w) => '─'.repeat(w)).join(mid) + right;
      const draw = (row: string[][]) => {
        const height = Math.max(1, ...row.map((lines) => lines.length));
        return Array.from({ length: height }, (_, line) => {
          const cells = widths.map((w, c) => {
            const text = row[c]?.[line] ?? '';
            const pad = ' '.repeat(w - 2 - width(text));
            return ` ${align[c] === 'right' ? pad + text : text + pad} `;
          });
          return `│${cells.join('│')}│`;
        }).join('\n');
      };
      const lines = [rule('┌', '┬', '┐')];
      all.forEach((row, i) => {
        lines.push(draw(row));
        if (i === 0 && head && all.length > 1) lines.push(rule('├', '┼', '┤'));
      });
      lines.push(rule('└', '┴', '┘'));
      return lines.join('\n');
    },
  };
}
