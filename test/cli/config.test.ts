// The one configuration: options over the environment over holdfast.config.json over defaults, the
// same for the library and the CLI, with each value's source; and the fake gateway testing aid.
// Every refusal is a ConfigError (the CLI exits 2) naming the file or variable.
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/harness.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { configCommand } from '../../src/cli/commands/config.js';
import { openHoldfast } from '../../src/holds/holdfast.js';
import { FakeGateway } from '../../src/gateways/fake/index.js';
import { fakeGatewayFromEnv } from '../../src/config/fake-gateway-from-env.js';
import { configuredGateways } from '../../src/config/configured-gateways.js';
import { DAY_MS, DOCUMENTED_WINDOWS, HOUR_MS } from '../../src/policy/expiry-policy.js';
import { ManualClock } from '../../src/clock.js';
import { HoldfastError } from '../../src/errors.js';
import pino from 'pino';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

async function configError(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HoldfastError);
    expect([(error as HoldfastError).code, (error as HoldfastError).usage]).toEqual(['CONFIG_INVALID', true]);
    return (error as HoldfastError).message;
  }
  throw new Error('expected a ConfigError');
}

const write = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

const load = (env: NodeJS.ProcessEnv, options = {}) => resolveConfig({ env, cwd: dir, options });

describe('resolveConfig', () => {
  it('uses the documented windows, a 24 h lead time and the defaults without a file', async () => {
    const config = await load({});
    expect(config.file).toBeNull();
    expect(config.policy).toEqual({ windows: DOCUMENTED_WINDOWS, leadTimeMs: 24 * HOUR_MS });
    expect(config.database).toEqual({ value: './holdfast.db', source: 'default' });
    expect(config.schedule).toEqual({ value: '*/5 * * * *', source: 'default' });
    expect(config.concurrency).toEqual({ value: 8, source: 'default' });
    expect(config.webhookUrl).toEqual({ value: null, source: 'default' });
  });

  it('reads ./holdfast.config.json: database, windows as durations or ms, lead time, sweep and webhook', async () => {
    const path = write('holdfast.config.json', {
      database: 'shop.db',
      windows: { kushki: { debit: '6d', credit: 20 * DAY_MS } },
      leadTime: '36h',
      sweep: { schedule: '*/10 * * * *', concurrency: 2 },
      webhook: { url: 'https://ops.example.com/holdfast' },
    });
    const config = await load({ HOLDFAST_WEBHOOK_SECRET: 's3cret' });
    expect(config.file).toBe(path);
    expect(config.database).toEqual({ value: 'shop.db', source: `file ${path}: database` });
    expect(config.policy.windows.kushki).toEqual({ debit: 6 * DAY_MS, credit: 20 * DAY_MS });
    expect(config.leadTimeMs).toEqual({ value: 36 * HOUR_MS, source: `file ${path}: leadTime` });
    expect([config.schedule.value, config.concurrency.value]).toEqual(['*/10 * * * *', 2]);
    expect(config.webhookUrl.value).toBe('https://ops.example.com/holdfast');
  });

  it('options win over the environment, which wins over the file', async () => {
    write('custom.json', { leadTime: '36h', database: 'file.db', sweep: { concurrency: 2 } });
    const env = { HOLDFAST_CONFIG: 'custom.json', HOLDFAST_LEAD_TIME: '2d', HOLDFAST_DB: 'env.db', HOLDFAST_SWEEP_CONCURRENCY: '3' };
    const fromEnv = await load(env);
    expect([fromEnv.leadTimeMs, fromEnv.database, fromEnv.concurrency]).toEqual([
      { value: 2 * DAY_MS, source: 'env HOLDFAST_LEAD_TIME' },
      { value: 'env.db', source: 'env HOLDFAST_DB' },
      { value: 3, source: 'env HOLDFAST_SWEEP_CONCURRENCY' },
    ]);
    const fromOptions = await load(env, { leadTimeMs: 3 * DAY_MS, database: 'option.db' });
    expect([fromOptions.leadTimeMs, fromOptions.database]).toEqual([{ value: 3 * DAY_MS, source: 'option' }, { value: 'option.db', source: 'option' }]);
  });

  it('refuses a missing explicit file, broken JSON, unknown keys and gateways, bad durations, cron, concurrency and URL', async () => {
    expect(await configError(() => load({ HOLDFAST_CONFIG: 'nope.json' }))).toMatch(/nope\.json: no such file/);
    write('broken.json', '{ "leadTime": ');
    expect(await configError(() => load({ HOLDFAST_CONFIG: 'broken.json' }))).toMatch(/cannot read config .*broken\.json/);
    const cases: [unknown, RegExp][] = [
      [{ leadtime: '1d' }, /leadtime/],
      [{ leadTime: '1 day' }, /leadTime: invalid duration/],
      [{ windows: { kushki: { debit: '1x' } } }, /windows\.kushki\.debit/],
      [{ windows: { kushki: { prepaid: '1d' } } }, /prepaid/],
      [{ windows: { kushky: { debit: '6d' } } }, /unknown gateway "kushky" \(known: kushki, paycertify, fake\)/],
      [{ sweep: { schedule: 'every minute' } }, /sweep\.schedule: is not a valid cron expression/],
      [{ sweep: { concurrency: 0 } }, /sweep\.concurrency/],
      [{ webhook: { url: 'ftp://example.com' } }, /webhook\.url/],
      [{ windows: { kushki: { debit: '8d' } } }, /longer than the gateway's documented/],
      [{ leadTime: '7d' }, /lead time .* must be shorter/],
      [{ leadTime: '10m' }, /leadTime: lead time 10m leaves no time to act: it must be at least 11m15s/],
      [{ sweep: { schedule: '0 3 * * *' } }, /lead time 1d leaves no time to act: it must be at least 1d6m15s/],
      [{ webhook: { url: 'https://ops.example.com/h' } }, /HOLDFAST_WEBHOOK_SECRET is not set/],
    ];
    for (const [content, message] of cases) {
      write('holdfast.config.json', content);
      expect(await configError(() => load({}))).toMatch(message);
    }
  });

  it('refuses a bad HOLDFAST_LEAD_TIME or HOLDFAST_SWEEP_CONCURRENCY', async () => {
    expect(await configError(() => load({ HOLDFAST_LEAD_TIME: '24' }))).toMatch(/HOLDFAST_LEAD_TIME/);
    expect(await configError(() => load({ HOLDFAST_SWEEP_CONCURRENCY: 'many' }))).toMatch(/HOLDFAST_SWEEP_CONCURRENCY/);
  });

  it('the library reads the same configuration as the CLI', async () => {
    write('holdfast.config.json', { leadTime: '36h', database: join(dir, 'shared.db') });
    const hf = await openHoldfast({ gateways: [new FakeGateway()], cwd: dir, env: {} });
    try {
      const hold = await hf.authorize({ gateway: 'fake', amount: 100, currency: 'USD', subscriptionId: 's' });
      expect(hold.actBy).toBe(hold.expiresAt! - 36 * HOUR_MS);
      expect(readFileSync(join(dir, 'shared.db')).length).toBeGreaterThan(0);
    } finally {
      await hf.close();
    }
  });

  it('reads the webhook retention from the environment, the file or the default, and refuses a bad one', async () => {
    expect((await load({})).webhookRetentionMs).toEqual({ value: 30 * DAY_MS, source: 'default' });
    write('holdfast.config.json', { webhook: { retention: '7d' } });
    expect((await load({})).webhookRetentionMs).toMatchObject({ value: 7 * DAY_MS, source: expect.stringMatching(/: webhook\.retention$/) });
    expect((await load({ HOLDFAST_WEBHOOK_RETENTION: '90d' })).webhookRetentionMs).toEqual({ value: 90 * DAY_MS, source: 'env HOLDFAST_WEBHOOK_RETENTION' });
    expect(await configError(() => load({ HOLDFAST_WEBHOOK_RETENTION: 'a month' }))).toMatch(/HOLDFAST_WEBHOOK_RETENTION/);
    write('holdfast.config.json', { webhook: { retention: 'forever' } });
    expect(await configError(() => load({}))).toMatch(/webhook\.retention/);
  });

  it('holdfast config prints every value with its source and never a secret', async () => {
    write('holdfast.config.json', { leadTime: '36h', webhook: { url: 'https://ops.example.com/h' } });
    const env = { HOLDFAST_WEBHOOK_SECRET: 'whsec-do-not-print', KUSHKI_PRIVATE_MERCHANT_ID: 'merchant-do-not-print', HOLDFAST_DB: 'postgres://app:pw@db.internal/holdfast' };
    const previous = process.cwd();
    process.chdir(dir);
    try {
      const { settings } = await configCommand({ env });
      const by = Object.fromEntries(settings.map((l) => [l.setting, l]));
      expect(by.leadTime).toMatchObject({ value: '1d12h', source: expect.stringMatching(/^file .*holdfast\.config\.json: leadTime$/) });
      expect(by.database).toMatchObject({ source: 'env HOLDFAST_DB' });
      expect(by['webhook.secret']).toEqual({ setting: 'webhook.secret', value: 'set', source: 'env HOLDFAST_WEBHOOK_SECRET' });
      expect(by['gateway.kushki']).toMatchObject({ value: 'enabled', source: 'env KUSHKI_PRIVATE_MERCHANT_ID' });
      expect(by['windows.kushki.debit']).toMatchObject({ value: '7d', source: 'documented' });
      expect(by['webhook.retention']).toEqual({ setting: 'webhook.retention', value: '30d', source: 'default' });
      const printed = JSON.stringify(settings);
      for (const secret of ['whsec-do-not-print', 'merchant-do-not-print', ':pw@']) expect(printed).not.toContain(secret);
    } finally {
      process.chdir(previous);
    }
  });
});

describe('gateways from the environment', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 5));
  const logger = pino({ level: 'silent' });

  it('adds the fake only with HOLDFAST_FAKE_GATEWAY=1', () => {
    expect(configuredGateways({}, { clock, logger })).toEqual([]);
    expect(configuredGateways({ HOLDFAST_FAKE_GATEWAY: '1' }, { clock, logger }).map((g) => g.name)).toEqual(['fake']);
  });

  it('scripts the fake from HOLDFAST_FAKE_SOURCES and refuses a malformed script', async () => {
    const fake = fakeGatewayFromEnv({ HOLDFAST_FAKE_GATEWAY: '1', HOLDFAST_FAKE_SOURCES: '{"sub-x":{"declineAuthorize":true}}' }, clock)!;
    expect(await fake.authorize({ idempotencyKey: 'k1', amount: 100, currency: 'PEN', subscriptionId: 'sub-x' })).toMatchObject({ kind: 'declined', code: '017' });
    expect(await configError(() => fakeGatewayFromEnv({ HOLDFAST_FAKE_GATEWAY: '1', HOLDFAST_FAKE_SOURCES: '{"sub-x":{"decline":true}}' }, clock))).toMatch(/HOLDFAST_FAKE_SOURCES/);
    expect(await configError(() => fakeGatewayFromEnv({ HOLDFAST_FAKE_GATEWAY: '1', HOLDFAST_FAKE_SOURCES: 'yes' }, clock))).toMatch(/must be JSON/);
  });

  it('gives references unique across processes and accepts capture and void of ones it has not seen', async () => {
    const env = { HOLDFAST_FAKE_GATEWAY: '1' };
    const first = fakeGatewayFromEnv(env, clock)!;
    const second = fakeGatewayFromEnv(env, clock)!;
    const a = await first.authorize({ idempotencyKey: 'a', amount: 100, currency: 'PEN' });
    const b = await second.authorize({ idempotencyKey: 'b', amount: 100, currency: 'PEN' });
    expect(a.kind === 'approved' && b.kind === 'approved' && a.gatewayRef !== b.gatewayRef).toBe(true);
    const ref = a.kind === 'approved' ? a.gatewayRef : '';
    expect(await second.capture({ idempotencyKey: 'c', gatewayRef: ref, amount: 60, currency: 'PEN' })).toMatchObject({ kind: 'approved', amount: 60 });
    expect(await first.void({ idempotencyKey: 'v', gatewayRef: ref, amount: 100, currency: 'PEN' })).toMatchObject({ kind: 'approved' });
  });
});

describe('the README', () => {
  it('documents a configuration file that loads', async () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const example = /### Configuration file[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    write('holdfast.config.json', example!);
    const config = await load({ HOLDFAST_WEBHOOK_SECRET: 's' });
    expect(config.policy.windows.kushki).toEqual({ debit: 6 * DAY_MS, credit: 27 * DAY_MS });
    expect([config.schedule.value, config.concurrency.value]).toEqual(['*/5 * * * *', 4]);
  });
});
