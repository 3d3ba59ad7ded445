// Shared test scaffolding: a real SQLite file in a fresh temp dir, a manual clock, the fake gateway.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openHoldfast, type Holdfast } from '../../src/holds/holdfast.js';
import { ManualClock } from '../../src/clock.js';
import { FakeGateway } from '../../src/gateways/fake/index.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';

/** 2026-01-05T00:00:00Z: a fixed start for every test clock. */
export const T0 = Date.UTC(2026, 0, 5);
export { DAY_MS };

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Harness {
  hf: Holdfast;
  clock: ManualClock;
  fake: FakeGateway;
  dbPath: string;
  /** Opens a second, independent API instance on the same database file. */
  reopen: (options?: { fake?: FakeGateway }) => Promise<Holdfast>;
  close: () => Promise<void>;
}

/** Opens holdfast on a temp SQLite file with a manual clock at T0 and a fake gateway. */
export async function openHarness(): Promise<Harness> {
  const { dir, cleanup } = tempDir();
  const clock = new ManualClock(T0);
  const fake = new FakeGateway({ now: () => clock.now() });
  const dbPath = join(dir, 'holdfast.db');
  const logger = pino({ level: 'silent' });
  const opened: Holdfast[] = [];
  const open = async (gateway = fake) => {
    const hf = await openHoldfast({ database: dbPath, gateways: [gateway], clock, logger });
    opened.push(hf);
    return hf;
  };
  const hf = await open();
  return {
    hf,
    clock,
    fake,
    dbPath,
    reopen: (options) => open(options?.fake ?? fake),
    close: async () => {
      for (const h of opened) await h.close().catch(() => undefined);
      cleanup();
    },
  };
}
