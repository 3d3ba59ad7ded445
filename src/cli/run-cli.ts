// Runs the holdfast command line on `args` in this process and resolves with the exit code; output
// goes to process.stdout and process.stderr. main.ts is this plus the exit code; tests call it
// directly, so that every error case needs no child process.
import type { Command } from 'commander';
import type { Clock } from '../clock.js';
import { buildProgram } from './program.js';
import { reportError } from './exit.js';

/**
 * Parses and runs `args` (without the node and script arguments); resolves with the exit code.
 * `clock` replaces the system clock (tests and the README's examples run on a fixed one).
 */
export async function runCli(args: readonly string[], options: { clock?: Clock } = {}): Promise<number> {
  // Read from args, not from commander, so that errors commander raises while parsing (an unknown
  // option, a missing argument) are reported as JSON too.
  const end = args.indexOf('--');
  const json = (end === -1 ? args : args.slice(0, end)).includes('--json');
  const program = buildProgram(options);
  if (json && args.every((a) => a === '--json')) {
    // No command: the usage as JSON, for a program that asked for JSON.
    process.stdout.write(`${JSON.stringify(usageJson(program), null, 2)}\n`);
    return 2;
  }
  try {
    await program.parseAsync(['node', 'holdfast', ...args]);
    return 0;
  } catch (error) {
    return reportError(error, { json, debug: Boolean(process.env.HOLDFAST_DEBUG) });
  }
}

/** The program's usage as data: its global options and each command with its arguments and options. */
export function usageJson(program: Command) {
  return {
    usage: `${program.name()} ${program.usage()}`,
    options: program.options.map((o) => ({ flags: o.flags, description: o.description })),
    commands: program.commands.map((c) => ({
      name: c.name(),
      usage: `${program.name()} ${c.name()} ${c.usage()}`.trim(),
      description: c.description(),
      options: c.options.map((o) => ({ flags: o.flags, description: o.description, required: o.mandatory })),
    })),
  };
}
