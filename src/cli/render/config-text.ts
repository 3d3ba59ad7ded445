// `holdfast config` for people: setting, value, and where the value came from.
import type { ConfigLine } from '../commands/config.js';
import { newTable } from './table.js';
import type { TerminalStyle } from './terminal-style.js';

/** The effective configuration as a three-column table. */
export function configText(lines: readonly ConfigLine[], style: TerminalStyle): string {
  const table = newTable(['setting', 'value', 'from'], style);
  for (const line of lines) table.push([line.setting, line.value, line.source]);
  return table.toString();
}
