// The one named scenario suite every gateway adapter runs, over real loopback HTTP against the
// simulator. A driver supplies what differs per gateway (how to ask for an approved card, a card
// declined at authorization, …); the expectations are the same for all.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { maxCapturable } from '../../machines/hold-rules.js';
import type { HttpTimeouts } from '../../src/gateways/http.js';
import type { AuthorizeApproved, AuthorizeRequest, CaptureRequest, Gateway, VoidRequest } from '../../src/gateways/types.js';
import { type FaultKind, type Simulator, startSimulator } from '../../src/simulator/index.js';

/** Short limits so hangs cost a fraction of a second. */
export const TEST_TIMEOUTS: HttpTimeouts = { connectMs: 250, responseMs: 300, requestMs: 900 };

/** The behaviours a scenario can ask the gateway's card/subscription for. */
export type CardScenario = 'approved' | 'declined-on-authorization' | 'declined-on-capture' | 'partial-approval';

/** What differs between gateways in the shared suite. */
export interface ScenarioDriver {
  name: string;
  currency: string;
  /** Registers what the driver's scenarios need in a fresh simulator. */
  setup(sim: Simulator): void;
  gateway(baseUrl: string, timeouts?: Partial<HttpTimeouts>): Gateway;
  authorizeRequest(scenario: CardScenario, idempotencyKey: string, amount: number): AuthorizeRequest;
  captureRequest(auth: AuthorizeApproved, authReq: AuthorizeRequest, idempotencyKey: string, amount: number): CaptureRequest;
  voidRequest(auth: AuthorizeApproved, authReq: AuthorizeRequest, idempotencyKey: string): VoidRequest;
}

interface FaultCase {
  kind: FaultKind;
  expected: 'unknown' | 'unavailable' | 'approved';
  /** Whether the effect took place at the gateway despite what the client saw. */
  committed: boolean;
  delayMs?: number;
}

// Every injectable fault and the outcome class it must map to.
const CAPTURE_FAULTS: FaultCase[] = [
  { kind: 'error-before-commit', expected: 'unknown', committed: false },
  { kind: 'error-after-commit', expected: 'unknown', committed: true },
  { kind: 'hang-before-commit', expected: 'unknown', committed: false },
  { kind: 'hang-after-commit', expected: 'unknown', committed: true },
  { kind: 'reset-before-commit', expected: 'unknown', committed: false },
  { kind: 'reset-after-commit', expected: 'unknown', committed: true },
  { kind: 'malformed-json', expected: 'unknown', committed: true },
  { kind: 'slow-response', expected: 'unknown', committed: true, delayMs: 600 },
  { kind: 'slow-response', expected: 'approved', committed: true, delayMs: 50 },
  { kind: 'rate-limited', expected: 'unavailable', committed: false },
];

/** Registers the shared scenario suite for one adapter. */
export function gatewayScenarios(driver: ScenarioDriver): void {
  describe(`${driver.name}: shared gateway scenarios over loopback HTTP`, () => {
    let sim: Simulator;
    let gw: Gateway;
    let n = 0;
    const key = (what: string) => `${driver.name}-${what}-${++n}`;

    beforeAll(async () => {
      sim = await startSimulator();
      gw = driver.gateway(sim.url, TEST_TIMEOUTS);
    });
    afterAll(async () => {
      await gw.close?.();
      await sim.close();
    });
    beforeEach(() => {
      sim.reset();
      driver.setup(sim);
    });

    async function authorized(amount = 10_000, scenario: CardScenario = 'approved') {
      const req = driver.authorizeRequest(scenario, key('auth'), amount);
      const out = await gw.authorize(req);
      if (out.kind !== 'approved') throw new Error(`expected an approval, got ${out.kind}: ${JSON.stringify(out.exchange.message)}`);
      return { auth: out, req };
    }

    it('authorize: approved with the full amount, a reference, a BIN…last4 and a redacted exchange', async () => {
      const req = driver.authorizeRequest('approved', key('auth'), 10_000);
      const out = await gw.authorize(req);
      expect(out.kind).toBe('approved');
      if (out.kind !== 'approved') return;
      expect(out.amount).toBe(10_000);
      expect(out.maskedCard).toMatch(/^\d{6}…\d{4}$/);
      const ledgerAuth = sim.ledger.authorization(out.gatewayRef);
      expect(ledgerAuth).toMatchObject({ authorizedAmount: 10_000, currency: driver.currency, status: 'authorized' });
      expect(out.exchange).toMatchObject({ operation: 'authorize', idempotencyKey: req.idempotencyKey, httpStatus: expect.any(Number) });
      expect(sim.requests()).toEqual([expect.objectContaining({ operation: 'authorize', idempotencyKey: req.idempotencyKey, handling: 'executed' })]);
    });

    it('decline: a card refused at authorization is declined with the gateway code, no effect', async () => {
      const out = await gw.authorize(driver.authorizeRequest('declined-on-authorization', key('auth'), 10_000));
      expect(out.kind).toBe('declined');
      if (out.kind === 'declined') expect(out.code).not.toBe('');
      expect(sim.ledger.effects()).toEqual([]);
    });

    it('partial approval: the hold is the amount the gateway approved, not the amount asked', async () => {
      const out = await gw.authorize(driver.authorizeRequest('partial-approval', key('auth'), 10_000));
      expect(out).toMatchObject({ kind: 'approved', amount: 5_000 });
      if (out.kind === 'approved') expect(sim.ledger.authorization(out.gatewayRef)?.authorizedAmount).toBe(5_000);
    });

    it('capture: the full amount, one capture effect', async () => {
      const { auth, req } = await authorized();
      const out = await gw.capture(driver.captureRequest(auth, req, key('cap'), 10_000));
      expect(out).toMatchObject({ kind: 'approved', amount: 10_000 });
      expect(sim.ledger.captureCount(auth.gatewayRef)).toBe(1);
      expect(sim.ledger.capturedAmount(auth.gatewayRef)).toBe(10_000);
    });

    it('partial capture: less than authorized is captured as asked', async () => {
      const { auth, req } = await authorized();
      const out = await gw.capture(driver.captureRequest(auth, req, key('cap'), 4_000));
      expect(out).toMatchObject({ kind: 'approved', amount: 4_000 });
      expect(sim.ledger.authorization(auth.gatewayRef)).toMatchObject({ status: 'captured', captures: [expect.objectContaining({ amount: 4_000 })] });
    });

    it('second capture refused: one capture per authorization', async () => {
      const { auth, req } = await authorized();
      expect((await gw.capture(driver.captureRequest(auth, req, key('cap'), 3_000))).kind).toBe('approved');
      const second = await gw.capture(driver.captureRequest(auth, req, key('cap'), 3_000));
      expect(second.kind).toBe('declined');
      expect(sim.ledger.captureCount(auth.gatewayRef)).toBe(1);
    });

    it('over-capture refused: one minor unit above the allowance is declined, the allowance itself is not', async () => {
      const { auth, req } = await authorized();
      const limit = maxCapturable(auth.amount, gw.capabilities.overcaptureBps);
      const over = await gw.capture(driver.captureRequest(auth, req, key('cap'), limit + 1));
      expect(over.kind).toBe('declined');
      expect(sim.ledger.captureCount(auth.gatewayRef)).toBe(0);
      const atLimit = await gw.capture(driver.captureRequest(auth, req, key('cap'), limit));
      expect(atLimit).toMatchObject({ kind: 'approved', amount: limit });
    });

    it('void: releases an authorized hold, one void effect', async () => {
      const { auth, req } = await authorized();
      const out = await gw.void(driver.voidRequest(auth, req, key('void')));
      expect(out.kind).toBe('approved');
      expect(sim.ledger.authorization(auth.gatewayRef)).toMatchObject({ status: 'voided' });
      expect(sim.ledger.voidCount(auth.gatewayRef)).toBe(1);
    });

    it('void of a captured hold: declined (it would be a refund), no void effect', async () => {
      const { auth, req } = await authorized();
      expect((await gw.capture(driver.captureRequest(auth, req, key('cap'), 10_000))).kind).toBe('approved');
      const out = await gw.void(driver.voidRequest(auth, req, key('void')));
      expect(out.kind).toBe('declined');
      expect(sim.ledger.voidCount(auth.gatewayRef)).toBe(0);
    });

    it('capture declined: the card refused at capture leaves no capture effect', async () => {
      const { auth, req } = await authorized(10_000, 'declined-on-capture');
      const out = await gw.capture(driver.captureRequest(auth, req, key('cap'), 10_000));
      expect(out.kind).toBe('declined');
      expect(sim.ledger.captureCount(auth.gatewayRef)).toBe(0);
    });

    it('every mutating call carries the Idempotency-Key it was given', async () => {
      const { auth, req } = await authorized();
      const capKey = key('cap');
      await gw.capture(driver.captureRequest(auth, req, capKey, 1_000));
      const { auth: auth2, req: req2 } = await authorized();
      const voidKey = key('void');
      await gw.void(driver.voidRequest(auth2, req2, voidKey));
      expect(sim.requests().map((r) => [r.operation, r.idempotencyKey])).toEqual([
        ['authorize', req.idempotencyKey],
        ['capture', capKey],
        ['authorize', req2.idempotencyKey],
        ['void', voidKey],
      ]);
    });

    describe('faults on capture map to the right outcome class; a retry under the same key leaves exactly one effect', () => {
      for (const fault of CAPTURE_FAULTS) {
        const label = `${fault.kind}${fault.delayMs === undefined ? '' : ` (${fault.delayMs} ms)`}`;
        it(`${label} → ${fault.expected}`, async () => {
          const { auth, req } = await authorized();
          const capKey = key('cap');
          sim.faults.inject({ kind: fault.kind, operation: 'capture', delayMs: fault.delayMs });
          const first = await gw.capture(driver.captureRequest(auth, req, capKey, 10_000));
          expect(first.kind).toBe(fault.expected);
          expect(first.exchange.idempotencyKey).toBe(capKey);
          expect(sim.ledger.captureCount(auth.gatewayRef)).toBe(fault.committed ? 1 : 0);

          const retry = await gw.capture(driver.captureRequest(auth, req, capKey, 10_000));
          expect(retry).toMatchObject({ kind: 'approved', amount: 10_000 });
          expect(sim.ledger.captureCount(auth.gatewayRef)).toBe(1);
          expect(sim.ledger.effects({ ref: auth.gatewayRef, kind: 'capture' })).toEqual([expect.objectContaining({ idempotencyKey: capKey })]);
        });
      }
    });

    it('authorize hang after commit → unknown; the retry under the same key returns the same authorization', async () => {
      const req = driver.authorizeRequest('approved', key('auth'), 10_000);
      sim.faults.inject({ kind: 'hang-after-commit', operation: 'authorize' });
      expect((await gw.authorize(req)).kind).toBe('unknown');
      const retry = await gw.authorize(req);
      expect(retry.kind).toBe('approved');
      expect(sim.ledger.effects({ kind: 'authorize' })).toHaveLength(1);
      if (retry.kind === 'approved') expect(sim.ledger.authorizations()[0]?.ref).toBe(retry.gatewayRef);
    });

    it('void 5xx after commit → unknown; the retry under the same key succeeds with one void effect', async () => {
      const { auth, req } = await authorized();
      const voidKey = key('void');
      sim.faults.inject({ kind: 'error-after-commit', operation: 'void' });
      expect((await gw.void(driver.voidRequest(auth, req, voidKey))).kind).toBe('unknown');
      expect((await gw.void(driver.voidRequest(auth, req, voidKey))).kind).toBe('approved');
      expect(sim.ledger.voidCount(auth.gatewayRef)).toBe(1);
    });

    it('void reset before commit → unknown, nothing happened, the retry voids once', async () => {
      const { auth, req } = await authorized();
      const voidKey = key('void');
      sim.faults.inject({ kind: 'reset-before-commit', operation: 'void' });
      expect((await gw.void(driver.voidRequest(auth, req, voidKey))).kind).toBe('unknown');
      expect(sim.ledger.voidCount(auth.gatewayRef)).toBe(0);
      expect((await gw.void(driver.voidRequest(auth, req, voidKey))).kind).toBe('approved');
      expect(sim.ledger.voidCount(auth.gatewayRef)).toBe(1);
    });

    it('unavailable: connection refused before anything was sent', async () => {
      const closed = await startSimulator();
      const url = closed.url;
      await closed.close();
      const dead = driver.gateway(url, TEST_TIMEOUTS);
      try {
        const out = await dead.authorize(driver.authorizeRequest('approved', key('auth'), 10_000));
        expect(out).toMatchObject({ kind: 'unavailable', reason: expect.stringContaining('ECONNREFUSED') });
        expect(out.exchange.httpStatus).toBeNull();
      } finally {
        await dead.close?.();
      }
    });

    it('unavailable: a TLS handshake failure (https to a plain-HTTP port)', async () => {
      const tls = driver.gateway(sim.url.replace('http://', 'https://'), TEST_TIMEOUTS);
      try {
        const out = await tls.authorize(driver.authorizeRequest('approved', key('auth'), 10_000));
        expect(out.kind).toBe('unavailable');
        expect(sim.ledger.effects()).toEqual([]);
      } finally {
        await tls.close?.();
      }
    });

    it('unavailable: a host name that does not resolve', async () => {
      const dns = driver.gateway('http://holdfast-no-such-host.invalid', TEST_TIMEOUTS);
      try {
        expect((await dns.authorize(driver.authorizeRequest('approved', key('auth'), 10_000))).kind).toBe('unavailable');
      } finally {
        await dns.close?.();
      }
    });
  });
}
