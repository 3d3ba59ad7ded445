// The sweeper's commands: `sweep` (and --dry-run), `daemon` under a real signal, and the demo.
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { rmSync } from 'node:fs';
import { quietSchedule, tempDir } from '../helpers/harness.js';
import { runCliInProcess } from '../helpers/cli-in-process.js';
import { holdfastBin } from '../helpers/run-cli.js';
import { demoCommand } from '../../src/cli/commands/demo.js';
import { httpUrl } from '../../src/daemon/daemon.js';

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

const FAKE = { HOLDFAST_FAKE_GATEWAY: '1' };
const DAY = 86_400_000;

describe('holdfast sweep', () => {
  it('plans with --dry-run, then acts', async () => {
    const db = join(dir, 'sweep.db');
    const at = new Date(Date.now() - 6.5 * DAY).toISOString();
    const tracked = await runCliInProcess(['--json', '--db', db, 'track', '--gateway', 'fake', '--ref', 'ref-1', '--amount', '12.34', '--currency', 'USD', '--authorized-at', at, '--card-type', 'debit', '--on-expiry', 'capture', '--create-db'], { cwd: dir, env: FAKE });
    expect(tracked.code, tracked.stderr).toBe(0);
    const id = JSON.parse(tracked.stdout).id as string;

    const dry = await runCliInProcess(['--json', '--db', db, 'sweep', '--dry-run'], { cwd: dir, env: FAKE });
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan).toMatchObject({ dryRun: true, totals: { planned: 1 }, items: [{ holdId: id, action: 'capture', amount: 1234, outcome: 'planned' }] });

    const text = await runCliInProcess(['--db', db, 'sweep'], { cwd: dir, env: { ...FAKE, NO_COLOR: '1' } });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(id);
    expect(text.stdout).toContain('12.34 USD');
    expect(text.stdout).toMatch(/1 hold: approved 1/);
    expect(text.stdout).not.toMatch(/\x1b\[/);

    const again = await runCliInProcess(['--db', db, 'sweep'], { cwd: dir, env: FAKE });
    expect(again.stdout.trim()).toBe('nothing was due');
  });
});

describe('holdfast daemon', () => {
  it('sweeps at start, logs JSON lines, and exits 0 on SIGTERM', async () => {
    const db = join(dir, 'daemon.db');
    const at = new Date(Date.now() - 6.5 * DAY).toISOString();
    const tracked = await runCliInProcess(['--db', db, 'track', '--gateway', 'fake', '--ref', 'ref-d', '--amount', '5.00', '--currency', 'PEN', '--authorized-at', at, '--create-db'], { cwd: dir, env: FAKE });
    expect(tracked.code, tracked.stderr).toBe(0);
    const child = spawn(process.execPath, [await holdfastBin(), '--db', db, 'daemon', '--schedule', quietSchedule()], {
      cwd: dir,
      env: { ...process.env, ...FAKE },
    });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('"event":"sweep"')) resolve();
      });
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.event === 'sweep')).toMatchObject({ holds: 1, totals: { approved: 1 } });
    expect(lines.map((l) => l.event)).toEqual(expect.arrayContaining(['daemon_started', 'shutdown', 'daemon_stopped']));
  });
});

describe('the daemon listener URL', () => {
  it('puts an IPv6 host in brackets and leaves names and IPv4 as they are', () => {
    expect([httpUrl('::1', 9464), httpUrl('[::1]', 9464), httpUrl('127.0.0.1', 9464), httpUrl('localhost', 80)]).toEqual([
      'http://[::1]:9464',
      'http://[::1]:9464',
      'http://127.0.0.1:9464',
      'http://localhost:80',
    ]);
  });
});

describe('holdfast demo', () => {
  it('runs the whole lifecycle against the simulator and the ledger shows each effect once', async () => {
    const out: string[] = [];
    const result = await demoCommand((line) => out.push(line));
    try {
      expect(result.exactlyOnce).toBe(true);
      // Rows keep the order of the story.
      expect(result.holds.map((h) => [h.orderId, h.state])).toEqual([
        ['order-1001', 'captured'],
        ['order-1002', 'partially_captured'],
        ['order-1003', 'voided'],
        ['order-1004', 'voided'],
        ['order-1005', 'voided'],
        ['order-1006', 'declined'],
        ['order-1007', 'expired'],
        ['order-1008', 'captured'],
        ['order-1009', 'captured'],
      ]);
      // The backordered order: extended twice (day 3 through the API, day 9 by the sweeper), captured on day 12.
      const sofa = result.holds.find((h) => h.orderId === 'order-1008')!;
      expect(sofa.authorizations.filter((a) => a.kind === 'reauthorization')).toHaveLength(2);
      expect(sofa.capturedAmount).toBe(189_900);
      expect(sofa.updatedAt - Date.UTC(2026, 2, 2, 9)).toBeGreaterThanOrEqual(12 * 86_400_000);
      expect(sofa.updatedAt - Date.UTC(2026, 2, 2, 9)).toBeLessThan(13 * 86_400_000);
      expect(result.holds.find((h) => h.orderId === 'order-1006')).toMatchObject({ amount: 3000, currency: 'COP' });
      // The curtains: replaced by the sweeper on day 6, the replacement captured on day 10.
      const curtains = result.holds.find((h) => h.orderId === 'order-1009')!;
      expect(curtains).toMatchObject({ state: 'captured', capturedAmount: 64_900 });
      expect(curtains.replaces).toMatch(/^hold_/);
      expect(curtains.authorizedAt! - Date.UTC(2026, 2, 2, 9)).toBeGreaterThanOrEqual(6 * 86_400_000);
      expect(curtains.updatedAt - Date.UTC(2026, 2, 2, 9)).toBeGreaterThanOrEqual(10 * 86_400_000);
      expect(curtains.updatedAt - Date.UTC(2026, 2, 2, 9)).toBeLessThan(11 * 86_400_000);
      const text = out.join('\n');
      expect(text).toMatch(/An authorization hold reserves an amount/);
      expect(text).toMatch(/expires +when the issuer releases it/);
      expect(text).toMatch(/act by +when holdfast acts on its own/);
      expect(text).toContain("The simulator's ledger");
      expect(text).toMatch(/order-1009 │ replace .*│ approved │ replaced/);
      expect(text).toMatch(/declined: capture declined by the gateway: 017/);
      // Every sweep that acted is printed, and the counts are of holds, not rows.
      expect(text.match(/^Sweep at /gm)).toHaveLength(result.sweepsThatActed);
      expect(text).toContain(`${result.sweeps} sweeps over 28 simulated days; ${result.sweepsThatActed} acted`);
      expect(text).toMatch(/3 actions on 2 holds: approved 2, declined 1/);
      expect(text).toContain('✓ every capture and void happened exactly once; 1 hold lapsed with no gateway call after its window');
      // The database stays where the printed commands find it.
      const order1004 = result.holds.find((h) => h.orderId === 'order-1004')!;
      expect(text).toContain(`holdfast --db ${result.database} list`);
      expect(text).toContain(`holdfast --db ${result.database} show ${order1004.id}`);
      const shown = await runCliInProcess(['--json', '--db', result.database, 'show', order1004.id], { cwd: dir });
      expect(shown.code, shown.stderr).toBe(0);
      expect(JSON.parse(shown.stdout).transitions.map((t: { to: string }) => t.to)).toContain('voided');
    } finally {
      rmSync(dirname(result.database), { recursive: true, force: true });
    }
  });
});
