// gatewaysFromEnv: which adapters the environment enables, and what it refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { gatewaysFromEnv } from '../../src/gateways/from-env.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';

describe('gatewaysFromEnv', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ kushkiPrivateMerchantId: 'env-kushki-id', paycertifyApiToken: 'env-pc-token' });
  });
  afterAll(() => sim.close());

  it('enables nothing without credentials (empty strings count as unset)', () => {
    expect(gatewaysFromEnv({})).toEqual([]);
    expect(gatewaysFromEnv({ KUSHKI_PRIVATE_MERCHANT_ID: '', PAYCERTIFY_API_TOKEN: '  ' })).toEqual([]);
  });

  it('builds Kushki and PayCertify from their variables, talking to the configured base URLs', async () => {
    const gateways = gatewaysFromEnv({
      KUSHKI_PRIVATE_MERCHANT_ID: 'env-kushki-id',
      KUSHKI_BASE_URL: sim.url,
      PAYCERTIFY_API_TOKEN: 'env-pc-token',
      PAYCERTIFY_BASE_URL: `${sim.url}/`,
      HOLDFAST_GATEWAY_RESPONSE_TIMEOUT_MS: '2000',
    });
    try {
      expect(gateways.map((g) => g.name)).toEqual(['kushki', 'paycertify']);
      expect(gateways[0]?.capabilities).toEqual({ maxCaptures: 1, overcaptureBps: 1000, partialCapture: true, reauthorization: true, replacement: true, captureNeedsSubscription: true });
      expect(gateways[1]?.capabilities).toEqual({ maxCaptures: 1, overcaptureBps: 0, partialCapture: true, reauthorization: false, replacement: false, captureNeedsSubscription: false });
      const k = await gateways[0]!.authorize({ idempotencyKey: 'env-1', amount: 100, currency: 'PEN', subscriptionId: 'sub-approved' });
      const p = await gateways[1]!.authorize({ idempotencyKey: 'env-2', amount: 100, currency: 'USD', card: { number: '4012000098765439', expMonth: '12', expYear: '2031', cvv: '999' } });
      expect([k.kind, p.kind]).toEqual(['approved', 'approved']);
    } finally {
      for (const g of gateways) await g.close?.();
    }
  });

  it('uses the sandbox URLs by default (one gateway each)', () => {
    const [k] = gatewaysFromEnv({ KUSHKI_PRIVATE_MERCHANT_ID: 'x' });
    const [p] = gatewaysFromEnv({ PAYCERTIFY_API_TOKEN: 'y' });
    expect([k?.name, p?.name]).toEqual(['kushki', 'paycertify']);
  });

  it('refuses bad URLs and plain http off loopback, naming the variable and never echoing a credential', () => {
    const attempt = (env: NodeJS.ProcessEnv) => () => gatewaysFromEnv(env);
    expect(attempt({ KUSHKI_PRIVATE_MERCHANT_ID: 'secret-id-1', KUSHKI_BASE_URL: 'not a url' })).toThrow(ConfigError);
    expect(attempt({ PAYCERTIFY_API_TOKEN: 'tok', PAYCERTIFY_BASE_URL: 'http://gateway.example.com' })).toThrow(/PAYCERTIFY_BASE_URL/);
    try {
      gatewaysFromEnv({ KUSHKI_PRIVATE_MERCHANT_ID: 'secret id with spaces' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(String((error as Error).message)).toContain('KUSHKI_PRIVATE_MERCHANT_ID');
      expect(String((error as Error).message)).not.toContain('secret id');
    }
  });
});
