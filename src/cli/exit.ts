// Maps any error to one clear line on stderr and an exit code: 2 for bad usage or input, 1 for an
// operation that failed. A stack trace only with HOLDFAST_DEBUG set.
import { CommanderError } from 'commander';
import { HoldfastError } from '../errors.js';
import { redactUrlsInText } from '../../db/redact-url.js';

// Commander "errors" that are really help or version output it has already printed.
const ALREADY_PRINTED = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** Exit code for an error: 2 when the caller's input was at fault, 1 otherwise. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof HoldfastError) return error.usage ? 2 : 1;
  return 1;
}

/** The error's machine-readable code and its message as one line. */
export function describeError(error: unknown): { code: string; message: string } {
  const code = error instanceof HoldfastError ? error.code : error instanceof CommanderError ? 'USAGE' : 'INTERNAL';
  let message = error instanceof Error ? error.message : String(error);
  // Commander prefixes "error: " and may add "(Did you mean …?)" on a second line.
  if (error instanceof CommanderError) message = message.replace(/^error: /, '');
  // Any error may quote a connection URL (a driver's, a got's): its password never reaches the screen.
  return { code, message: redactUrlsInText(message.replace(/\s*\n\s*/g, ' ').trim()) };
}

/** Prints the error for a person (and, with --json, for a program) and returns the exit code. */
export function reportError(error: unknown, options: { json?: boolean; debug?: boolean } = {}): number {
  const code = exitCodeFor(error);
  if (error instanceof CommanderError && ALREADY_PRINTED.has(error.code)) return code;
  const described = describeError(error);
  process.stderr.write(`holdfast: ${described.message}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify({ error: described })}\n`);
  if (options.debug && error instanceof Error && error.stack) process.stderr.write(`${redactUrlsInText(error.stack)}\n`);
  return code;
}

/** Prints the error and exits with its code. */
export function reportAndExit(error: unknown, options: { json?: boolean } = {}): never {
  process.exit(reportError(error, { ...options, debug: Boolean(process.env.HOLDFAST_DEBUG) }));
}
