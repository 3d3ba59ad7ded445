// The real `holdfast` bin in a child process, from source through tsx so a test never runs a stale
// dist/. The environment is scrubbed of anything that would configure it from the developer's shell.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '../..');
// Resolved by absolute path: the child runs in a temp dir outside the repository.
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const MAIN = join(ROOT, 'src/cli/main.ts');
const SCRUBBED = /^(HOLDFAST_|KUSHKI_|PAYCERTIFY_|NO_COLOR$|FORCE_COLOR$)/;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `holdfast <args>` in `cwd` with only `env` added to a scrubbed environment. */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !SCRUBBED.test(key)));
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      ['--import', TSX, MAIN, ...args],
      { cwd: options.cwd, env: { ...base, ...options.env }, encoding: 'utf8', timeout: 20_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolvePromise({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}
