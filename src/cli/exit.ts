// Maps any error to one clear line on stderr and an exit code: 2 for bad usage or input, 1 for an
// operation that failed. A stack trace only with HOLDFAST_DEBUG set.
import { CommanderError } from 'commander';
import { HoldfastError } from '../errors.js';

/** Exit code for an error: 2 when the caller's input was at fault, 1 otherwise. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof HoldfastError) return error.usage ? 2 : 1;
  return 1;
}

/** Prints the error for a person (and, with --json, for a program) and exits. */
export function reportAndExit(error: unknown, options: { json?: boolean } = {}): never {
  const code = exitCodeFor(error);
  if (error instanceof CommanderError && code === 0) process.exit(0);
  const message = error instanceof Error ? error.message : String(error);
  const errorCode = error instanceof HoldfastError ? error.code : error instanceof CommanderError ? 'USAGE' : 'INTERNAL';
  if (!(error instanceof CommanderError)) process.stderr.write(`holdfast: ${message}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify({ error: { code: errorCode, message } })}\n`);
  if (process.env.HOLDFAST_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(code);
}
