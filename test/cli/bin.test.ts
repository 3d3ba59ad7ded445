// One run through the real `holdfast` binary in a child process: what the in-process contract tests
// (cli-contract.test.ts) cannot see — the entry point, exit codes as the shell gets them, output on
// real pipes (no colour), and one-line errors with no stack trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '../helpers/harness.js';
import { runCli } from '../helpers/run-cli.js';

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

describe('the holdfast binary', () => {
  it('authorizes, shows, refuses bad input with exit 2 and one line, and prints no colour on a pipe', async () => {
    const env = { HOLDFAST_FAKE_GATEWAY: '1', HOLDFAST_DB: join(dir, 'bin.db') };
    const authorized = await runCli(['--json', 'authorize', '--gateway', 'fake', '--amount', '60.00', '--currency', 'PEN', '--subscription-id', 'sub-1', '--create-db'], { cwd: dir, env });
    expect(authorized.code, authorized.stderr).toBe(0);
    const hold = JSON.parse(authorized.stdout) as { id: string; state: string; amount: number };
    expect(hold).toMatchObject({ state: 'authorized', amount: 6000 });

    const shown = await runCli(['show', hold.id], { cwd: dir, env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(hold.id);
    expect(shown.stdout).not.toContain('\u001b[');

    const bad = await runCli(['capture', hold.id, '--amount', '60.001'], { cwd: dir, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('holdfast: invalid amount "60.001": PEN has 2 decimal places\n');
    expect(bad.stdout).toBe('');

    const missing = await runCli(['--db', join(dir, 'typo.db'), 'list'], { cwd: dir, env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^holdfast: no database at [^\n]*typo\.db: check --db[^\n]*\n$/);
  }, 120_000); // four child processes on a busy 2-core machine
});
