// How output for people looks: colour only on a terminal and never with NO_COLOR (no-color.org);
// FORCE_COLOR turns it on for pagers that understand ANSI.
import pc from 'picocolors';
import type { Colors } from 'picocolors/types.js';
import type { HoldState } from '../../../machines/hold.machine.js';

/** What renderers need to know about the terminal and the moment they render for. */
export interface TerminalStyle {
  colors: Colors;
  /** "Now" for time-left columns (epoch ms). */
  now: number;
}

/** True when output to `stream` should be coloured. */
export function colorEnabled(env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/** A style for `stream` at `now`. */
export function terminalStyle(env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }, now: number): TerminalStyle {
  return { colors: pc.createColors(colorEnabled(env, stream)), now };
}

/** A state name coloured by what it asks of an operator: green done, yellow busy, red look at it. */
export function colorState(state: HoldState, colors: Colors): string {
  switch (state) {
    case 'authorized':
      return colors.cyan(state);
    case 'captured':
    case 'partially_captured':
      return colors.green(state);
    case 'voided':
    case 'replaced':
      return colors.blue(state);
    case 'authorizing':
    case 'capturing':
    case 'voiding':
    case 'extending':
      return colors.yellow(state);
    case 'expired':
    case 'declined':
    case 'needs_attention':
      return colors.red(state);
    default: {
      const never: never = state;
      return String(never);
    }
  }
}
