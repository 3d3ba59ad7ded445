// The real `holdfast` bin in a child process: the bundle `npm run build` makes, built from the
// current source for this run (see child-bundles.ts), so a test never runs a stale dist/. The
// environment is scrubbed of anything that would configure it from the developer's shell.
import { execFile } from 'node:child_process';
import { holdfastBin } from './bundled-child.js';

export { holdfastBin };

const SCRUBBED = /^(HOLDFAST_|KUSHKI_|PAYCERTIFY_|NO_COLOR$|FORCE_COLOR$)/;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `holdfast <args>` in `cwd` with only `env` added to a scrubbed environment. */
export async function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !SCRUBBED.test(key)));
  const bin = await holdfastBin();
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: options.cwd, env: { ...base, ...options.env }, encoding: 'utf8', timeout: 20_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolvePromise({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}
