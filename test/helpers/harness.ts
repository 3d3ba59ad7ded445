// Shared test scaffolding: a fresh database (SQLite file or PostgreSQL), a manual clock, the fake gateway.
import pino, { type Logger } from 'pino';
import { tempDir } from './temp-dir.js';
import type { Dialect } from './dialects.js';
import { openHoldfast, type Holdfast } from '../../src/holds/holdfast.js';
import { ManualClock } from '../../src/clock.js';
import { FakeGateway, type FakeGatewayOptions } from '../../src/gateways/fake/index.js';
import type { GatewayCapabilities } from '../../src/gateways/types.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';

// A receiver that is never called here: it only turns the outbox on (the daemon delivers).
const WEBHOOKS = { webhookUrl: 'https://hooks.example.test/holdfast', env: { HOLDFAST_WEBHOOK_SECRET: 'test-webhook-secret' } };

/** 2026-01-05T00:00:00Z: a fixed start for every test clock. */
export const T0 = Date.UTC(2026, 0, 5);
export { DAY_MS };
export const HOUR_MS = 3_600_000;

export { tempDir };

export interface Harness {
  hf: Holdfast;
  clock: ManualClock;
  fake: FakeGateway;
  /** The database: a SQLite file path or a PostgreSQL URL. */
  dbPath: string;
  dialect: Dialect['name'];
  /** Opens a second, independent API instance on the same database. */
  reopen: (options?: { fake?: FakeGateway }) => Promise<Holdfast>;
  close: () => Promise<void>;
}

/**
 * Opens holdfast on a fresh database (a temp SQLite file by default) with a manual clock at T0 and a
 * fake gateway (with the default capabilities unless others are given; `makeFake` builds a subclass);
 * `webhooks` configures a receiver, so transitions write their events to the outbox; `logger` replaces the silent one.
 */
export async function openHarness(
  dialect?: Dialect,
  options: { capabilities?: Partial<GatewayCapabilities>; makeFake?: (fakeOptions: FakeGatewayOptions) => FakeGateway; webhooks?: boolean; logger?: Logger } = {},
): Promise<Harness> {
  const created = dialect ? await dialect.create() : undefined;
  const { dir, cleanup } = created ? { dir: '', cleanup: () => undefined } : tempDir();
  const clock = new ManualClock(T0);
  const fakeOptions: FakeGatewayOptions = { now: () => clock.now(), ...(options.capabilities ? { capabilities: options.capabilities } : {}) };
  const fake = options.makeFake ? options.makeFake(fakeOptions) : new FakeGateway(fakeOptions);
  const dbPath = created?.database ?? `${dir}/holdfast.db`;
  const logger = options.logger ?? pino({ level: 'silent' });
  const opened: Holdfast[] = [];
  const open = async (gateway = fake) => {
    const hf = await openHoldfast({ database: dbPath, gateways: [gateway], clock, logger, ...(options.webhooks ? WEBHOOKS : {}) });
    opened.push(hf);
    return hf;
  };
  const hf = await open();
  return {
    hf,
    clock,
    fake,
    dbPath,
    dialect: dialect?.name ?? 'sqlite',
    reopen: (options) => open(options?.fake ?? fake),
    close: async () => {
      for (const h of opened) await h.close().catch(() => undefined);
      cleanup();
      await created?.drop();
    },
  };
}

/**
 * An hourly cron expression whose next run is at least a quarter of an hour away (in any time zone
 * whose offset is a multiple of 15 minutes): a daemon under test keeps a realistic sweep interval
 * (which its lead-time check needs) without a scheduled sweep firing during the test.
 */
export function quietSchedule(now = new Date()): string {
  return `${(now.getUTCMinutes() + 17) % 60} * * * *`;
}
