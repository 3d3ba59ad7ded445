// Kushki reauthorization over HTTP to the simulator: the wire call (original ticket, amount to add,
// all-zero to only extend), its outcomes (approved, declined, unknown on 5xx/timeout, replay under the
// same key), and the simulator's rules (window restarts, refused once expired or captured).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { ValidationError } from '../../src/errors.js';
import { createKushkiGateway } from '../../src/gateways/kushki/index.js';
import { buildReauthorizeCall } from '../../src/gateways/kushki/transformers.js';
import type { Gateway } from '../../src/gateways/types.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { TEST_TIMEOUTS } from './gateway-scenarios.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const clock = new ManualClock(T0);
let sim: Simulator;
let gw: Gateway;
let n = 0;

beforeAll(async () => {
  sim = await startSimulator({ clock, kushkiPrivateMerchantId: 'pmid-reauth-0001' });
  gw = createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'pmid-reauth-0001', timeouts: TEST_TIMEOUTS, clock });
});
afterAll(async () => {
  await gw.close?.();
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  clock.set(T0);
});

async function authorized(sub = 'sub-debit', amount = 6_000): Promise<string> {
  const out = await gw.authorize({ idempotencyKey: `a-${++n}`, amount, currency: 'PEN', subscriptionId: sub });
  if (out.kind !== 'approved') throw new Error(`authorize ${out.kind}`);
  return out.gatewayRef;
}

describe('kushki reauthorization', () => {
  it('builds POST /card/v1/reauthorization with the original ticket; 0 sends an all-zero amount', () => {
    const call = buildReauthorizeCall({ idempotencyKey: 'k', gatewayRef: '123456', amount: 0, currency: 'PEN' });
    expect(call).toMatchObject({ method: 'POST', path: '/card/v1/reauthorization', body: { ticketNumber: '123456', amount: { subtotalIva: 0, subtotalIva0: 0, iva: 0, ice: 0, currency: 'PEN' }, fullResponse: 'v2' } });
    expect(buildReauthorizeCall({ idempotencyKey: 'k', gatewayRef: '123456', amount: 1_050, currency: 'PEN' }).body).toMatchObject({ amount: { subtotalIva0: 10.5 } });
    expect(() => buildReauthorizeCall({ idempotencyKey: 'k', gatewayRef: '123456', amount: -1, currency: 'PEN' })).toThrow(ValidationError);
    expect(() => buildReauthorizeCall({ idempotencyKey: 'k', gatewayRef: 'not-a-ticket', amount: 0, currency: 'PEN' })).toThrow(ValidationError);
  });

  it('approves: the window restarts, the amount is added, the capture limit follows the total', async () => {
    const ref = await authorized();
    clock.set(T0 + 5 * DAY);
    const out = await gw.reauthorize!({ idempotencyKey: 'r-1', gatewayRef: ref, amount: 1_000, currency: 'PEN' });
    expect(out).toMatchObject({ kind: 'approved', amount: 1_000, authorizationRef: ref, authorizedAt: T0 + 5 * DAY });
    expect(sim.ledger.authorization(ref)).toMatchObject({ authorizedAmount: 7_000, expiresAt: T0 + 12 * DAY });
    const capture = await gw.capture({ idempotencyKey: 'c-1', gatewayRef: ref, subscriptionId: 'sub-debit', amount: 7_700, currency: 'PEN' });
    expect(capture.kind).toBe('approved');
  });

  it('a timeout after commit is unknown; the same key replays the approval without a second effect', async () => {
    const ref = await authorized();
    sim.faults.inject({ kind: 'hang-after-commit', operation: 'reauthorize' });
    const req = { idempotencyKey: 'r-2', gatewayRef: ref, amount: 0, currency: 'PEN' };
    expect((await gw.reauthorize!(req)).kind).toBe('unknown');
    expect((await gw.reauthorize!(req)).kind).toBe('approved');
    expect(sim.ledger.authorization(ref)?.reauthorizations).toHaveLength(1);
    const digests = sim.requests().filter((r) => r.operation === 'reauthorize').map((r) => r.bodySha256);
    expect(new Set(digests).size).toBe(1);
  });

  it('a 5xx is unknown; an issuer refusal is declined; an expired authorization is refused', async () => {
    const ref = await authorized();
    sim.faults.inject({ kind: 'error-before-commit', operation: 'reauthorize' });
    expect((await gw.reauthorize!({ idempotencyKey: 'r-3', gatewayRef: ref, amount: 0, currency: 'PEN' })).kind).toBe('unknown');
    sim.cards.registerSubscription('sub-no-reauth', { cardType: 'debit', declineReauthorization: { code: '017', message: 'Tarjeta no válida' } });
    const other = await authorized('sub-no-reauth');
    expect(await gw.reauthorize!({ idempotencyKey: 'r-4', gatewayRef: other, amount: 0, currency: 'PEN' })).toMatchObject({ kind: 'declined', code: '017', refusal: 'issuer' });
    clock.set(T0 + 7 * DAY);
    const late = await gw.reauthorize!({ idempotencyKey: 'r-5', gatewayRef: ref, amount: 0, currency: 'PEN' });
    expect(late).toMatchObject({ kind: 'declined', code: 'K001' });
    expect(sim.requests().at(-1)?.afterExpiry).toBe(true);
  });
});
