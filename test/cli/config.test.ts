// Configuration: holdfast.config.json validated with zod, HOLDFAST_LEAD_TIME, and the fake gateway
// testing aid. Every refusal is a ConfigError (the CLI exits 2) naming the file or variable.
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/harness.js';
import { loadConfig } from '../../src/config/load-config.js';
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

function configError(fn: () => unknown): string {
  try {
    fn();
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

describe('loadConfig', () => {
  it('uses the documented windows and a 24 h lead time without a file', () => {
    const config = loadConfig({}, { cwd: dir });
    expect(config).toEqual({ source: null, policy: { windows: DOCUMENTED_WINDOWS, leadTimeMs: 24 * HOUR_MS }, sweep: {}, webhook: null });
  });

  it('reads ./holdfast.config.json: windows as durations or ms, lead time, sweep and webhook', () => {
    const path = write('holdfast.config.json', {
      windows: { kushki: { debit: '6d', credit: 20 * DAY_MS } },
      leadTime: '36h',
      sweep: { schedule: '*/10 * * * *', concurrency: 2 },
      webhook: { url: 'https://ops.example.com/holdfast' },
    });
    const config = loadConfig({}, { cwd: dir });
    expect(config.source).toBe(path);
    expect(config.policy.windows.kushki).toEqual({ debit: 6 * DAY_MS, credit: 20 * DAY_MS });
    expect(config.policy.leadTimeMs).toBe(36 * HOUR_MS);
    expect(config.sweep).toEqual({ schedule: '*/10 * * * *', concurrency: 2 });
    expect(config.webhook).toEqual({ url: 'https://ops.example.com/holdfast' });
  });

  it('takes the path from HOLDFAST_CONFIG and the lead time from HOLDFAST_LEAD_TIME over the file', () => {
    write('custom.json', { leadTime: '36h' });
    expect(loadConfig({ HOLDFAST_CONFIG: 'custom.json', HOLDFAST_LEAD_TIME: '2d' }, { cwd: dir }).policy.leadTimeMs).toBe(2 * DAY_MS);
  });

  it('refuses a missing explicit file, broken JSON, unknown keys, bad durations, cron, concurrency and URL', () => {
    expect(configError(() => loadConfig({ HOLDFAST_CONFIG: 'nope.json' }, { cwd: dir }))).toMatch(/nope\.json: no such file/);
    write('broken.json', '{ "leadTime": ');
    expect(configError(() => loadConfig({ HOLDFAST_CONFIG: 'broken.json' }, { cwd: dir }))).toMatch(/cannot read config .*broken\.json/);
    const cases: [unknown, RegExp][] = [
      [{ leadtime: '1d' }, /leadtime/],
      [{ leadTime: '1 day' }, /leadTime: invalid duration/],
      [{ windows: { kushki: { debit: '1x' } } }, /windows\.kushki\.debit/],
      [{ windows: { kushki: { prepaid: '1d' } } }, /prepaid/],
      [{ sweep: { schedule: 'every minute' } }, /sweep\.schedule: is not a valid cron expression/],
      [{ sweep: { concurrency: 0 } }, /sweep\.concurrency/],
      [{ webhook: { url: 'ftp://example.com' } }, /webhook\.url/],
      [{ windows: { kushki: { debit: '8d' } } }, /longer than the gateway's documented/],
      [{ leadTime: '7d' }, /lead time .* must be shorter/],
    ];
    for (const [content, message] of cases) {
      write('holdfast.config.json', content);
      expect(configError(() => loadConfig({}, { cwd: dir }))).toMatch(message);
    }
  });

  it('refuses a bad HOLDFAST_LEAD_TIME', () => {
    expect(configError(() => loadConfig({ HOLDFAST_LEAD_TIME: '24' }, { cwd: dir }))).toMatch(/HOLDFAST_LEAD_TIME/);
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
    expect(configError(() => fakeGatewayFromEnv({ HOLDFAST_FAKE_GATEWAY: '1', HOLDFAST_FAKE_SOURCES: '{"sub-x":{"decline":true}}' }, clock))).toMatch(/HOLDFAST_FAKE_SOURCES/);
    expect(configError(() => fakeGatewayFromEnv({ HOLDFAST_FAKE_GATEWAY: '1', HOLDFAST_FAKE_SOURCES: 'yes' }, clock))).toMatch(/must be JSON/);
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
  it('documents a configuration file that loads', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const example = /### Configuration file[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    write('holdfast.config.json', example!);
    const config = loadConfig({}, { cwd: dir });
    expect(config.policy.windows.kushki).toEqual({ debit: 6 * DAY_MS, credit: 27 * DAY_MS });
    expect(config.sweep).toEqual({ schedule: '*/5 * * * *', concurrency: 4 });
  });
});
