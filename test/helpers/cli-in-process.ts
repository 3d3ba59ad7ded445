// The holdfast command line run in this test process: the same program and error mapping as the
// bin (src/cli/run-cli.ts), with stdout and stderr captured, the environment and working directory
// set for the call and restored after. Calls must not overlap (they share process state).
import { runCli } from '../../src/cli/run-cli.js';
import type { CliResult } from './run-cli.js';

const SCRUBBED = /^(HOLDFAST_|KUSHKI_|PAYCERTIFY_|NO_COLOR$|FORCE_COLOR$)/;

/** Runs `holdfast <args>` in-process with `env` added to a scrubbed environment, in `cwd`. */
export async function runCliInProcess(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  for (const key of Object.keys(process.env)) if (SCRUBBED.test(key)) delete process.env[key];
  Object.assign(process.env, options.env ?? {});
  process.chdir(options.cwd);
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await runCli(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.chdir(savedCwd);
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
}
