// Real child processes for crash and concurrency tests.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { bundledChild } from './bundled-child.js';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * A TypeScript file (relative to the repository root) run as a child process with its own
 * environment additions: its bundle (see bundled-child.ts) under plain `node`, so a start costs
 * tens of milliseconds of CPU rather than tsx's second.
 */
export async function runTs(
  file: string,
  env: Record<string, string>,
  options: { onStart?: (kill: () => void, signal: (name: NodeJS.Signals) => void) => void } = {},
): Promise<ChildResult> {
  const script = await bundledChild(file);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    options.onStart?.(() => child.kill('SIGKILL'), (name) => child.kill(name));
  });
}
