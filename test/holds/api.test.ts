// The embedded API against a real SQLite file and the in-process fake gateway.
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { typedError } from '../helpers/typed-error.js';
import { openHarness, type Harness, DAY_MS, T0 } from '../helpers/harness.js';
import { HoldfastError } from '../../src/errors.js';
import { FakeGateway } from '../../src/gateways/fake/index.js';
import { DIALECTS } from '../helpers/dialects.js';

// Every case runs on SQLite and on PostgreSQL.
for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skipReason !== null)(`on ${dialect.name}`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await openHarness(dialect);
      h.fake.setSource('sub-debit', { cardType: 'debit' });
      h.fake.setSource('sub-decline', { declineAuthorize: true });
      h.fake.setSource('sub-capture-decline', { declineCapture: true });
      h.fake.setSource('sub-partial', { approveAmount: 4000 });
    });
    afterEach(async () => h.close());

    const rejects = typedError;

    const authorize = (over: Record<string, unknown> = {}) =>
      h.hf.authorize({ gateway: 'fake', amount: 6000, currency: 'PEN', subscriptionId: 'sub-credit', ...over });

    describe('authorize', () => {
      it('creates an authorized hold with the credit window and the journal of both steps', async () => {
        const hold = await authorize({ orderId: 'order-1' });
        expect(hold).toMatchObject({
          state: 'authorized', amount: 6000, capturedAmount: 0, currency: 'PEN', cardType: 'credit', orderId: 'order-1',
          authorizedAt: T0, expiresAt: T0 + 28 * DAY_MS, actBy: T0 + 27 * DAY_MS, onExpiry: 'void', closed: false, pending: null,
        });
        expect(hold.gatewayRef).toMatch(/^\d{18}$/);
        const { transitions, exchanges } = await h.hf.history(hold.id);
        expect(transitions.map((t) => [t.from, t.to, t.event, t.actor])).toEqual([
          [null, 'authorizing', 'AUTHORIZE', 'api'],
          ['authorizing', 'authorized', 'AUTHORIZED', 'api'],
        ]);
        expect(exchanges).toHaveLength(1);
        expect(exchanges[0]).toMatchObject({ operation: 'authorize', outcome: 'approved', httpStatus: 201 });
      });

      it('uses the debit window for a debit card', async () => {
        const hold = await authorize({ subscriptionId: 'sub-debit' });
        expect(hold.expiresAt).toBe(T0 + 7 * DAY_MS);
      });

      it('holds only what the gateway approved on a partial approval', async () => {
        const hold = await authorize({ subscriptionId: 'sub-partial' });
        expect(hold.amount).toBe(4000);
      });

      it('records a declined authorization and reports the gateway code', async () => {
        const error = await rejects(authorize({ subscriptionId: 'sub-decline' }));
        expect(error.code).toBe('GATEWAY_DECLINED');
        expect(error.message).toContain('017');
        const { holds } = await h.hf.list({ state: 'declined' });
        expect(holds).toHaveLength(1);
        expect(holds[0]?.lastError?.code).toBe('017');
      });

      it('returns the same hold for the same idempotency key and parameters, with one gateway call', async () => {
        const first = await authorize({ idempotencyKey: 'order-7-auth' });
        const second = await authorize({ idempotencyKey: 'order-7-auth' });
        expect(second.id).toBe(first.id);
        expect(h.fake.calls.authorize).toBe(1);
      });

      it('refuses the same idempotency key with different parameters, and changes nothing', async () => {
        await authorize({ idempotencyKey: 'order-8-auth' });
        const error = await rejects(authorize({ idempotencyKey: 'order-8-auth', amount: 6001 }));
        expect(error.code).toBe('IDEMPOTENCY_KEY_REUSED');
        expect((await h.hf.list()).holds).toHaveLength(1);
        expect(h.fake.calls.authorize).toBe(1);
      });

      it('resumes an authorization with an unknown outcome under the same key', async () => {
        h.fake.injectFault('authorize', 'commit-then-fail');
        const error = await rejects(authorize({ idempotencyKey: 'order-9-auth' }));
        expect(error.code).toBe('GATEWAY_UNKNOWN_OUTCOME');
        const [stuck] = (await h.hf.list({ state: 'authorizing' })).holds;
        expect(stuck?.pending).toMatchObject({ idempotencyKey: 'order-9-auth', unknownAttempts: 1 });
        const resumed = await authorize({ idempotencyKey: 'order-9-auth' });
        expect(resumed.id).toBe(stuck?.id);
        expect(resumed.state).toBe('authorized');
        expect(h.fake.ledger.size).toBe(1); // the gateway replayed the stored answer: one authorization
      });

      it.each([
        [{ amount: 0 }, 'INVALID_AMOUNT'],
        [{ amount: -100 }, 'INVALID_AMOUNT'],
        [{ amount: 60.5 }, 'INVALID_AMOUNT'],
        [{ amount: Number.NaN }, 'INVALID_AMOUNT'],
        [{ currency: 'pen' }, 'INVALID_CURRENCY'],
        [{ currency: 'XXX' }, 'INVALID_CURRENCY'],
        [{ gateway: 'nope' }, 'GATEWAY_NOT_CONFIGURED'],
        [{ onExpiry: 'refund' }, 'INVALID_ON_EXPIRY'],
        [{ idempotencyKey: '' }, 'INVALID_IDEMPOTENCY_KEY'],
      ])('refuses %j with %s and writes nothing', async (over, code) => {
        const error = await rejects(authorize(over));
        expect(error.code).toBe(code);
        expect((await h.hf.list()).holds).toHaveLength(0);
        expect(h.fake.calls.authorize).toBe(0);
      });
    });

    describe('capture and void', () => {
      it('captures everything by default', async () => {
        const hold = await authorize();
        const captured = await h.hf.capture(hold.id);
        expect(captured).toMatchObject({ state: 'captured', capturedAmount: 6000, closed: true, version: hold.version + 2 });
        expect(h.fake.ledger.get(hold.gatewayRef!)?.captures).toEqual([{ amount: 6000, idempotencyKey: `${hold.id}:capture:1`, at: T0 }]);
      });

      it('captures up to exactly 110 % and refuses one minor unit more without calling the gateway', async () => {
        const a = await authorize();
        const error = await rejects(h.hf.capture(a.id, { amount: 6601 }));
        expect(error.code).toBe('AMOUNT_EXCEEDS_AUTHORIZED');
        expect(h.fake.calls.capture).toBe(0);
        expect((await h.hf.get(a.id)).version).toBe(a.version);
        expect((await h.hf.capture(a.id, { amount: 6600 })).capturedAmount).toBe(6600);
      });

      it('a partial capture on a single-capture gateway releases the rest', async () => {
        const hold = await authorize();
        const partial = await h.hf.capture(hold.id, { amount: 2500 });
        expect(partial).toMatchObject({ state: 'partially_captured', capturedAmount: 2500, closed: true });
        const error = await rejects(h.hf.capture(hold.id, { amount: 100 }));
        expect(error.code).toBe('INVALID_TRANSITION');
        expect(h.fake.calls.capture).toBe(1);
      });

      it('allows several captures on a multi-capture gateway, then a void of the remainder', async () => {
        const multi = new FakeGateway({ name: 'multi', capabilities: { maxCaptures: 3, overcaptureBps: 0 }, now: () => h.clock.now() });
        await h.close();
        h = await openHarness(dialect);
        const hf = await h.reopen({ fake: multi });
        const policyHold = await hf.track({ gateway: 'multi', gatewayRef: 'm-1', amount: 9000, currency: 'USD', authorizedAt: T0, cardType: 'credit' }).catch((e: unknown) => e);
        expect((policyHold as HoldfastError).code).toBe('CONFIG_INVALID'); // no window configured for "multi"
        const withFake = new FakeGateway({ capabilities: { maxCaptures: 3, overcaptureBps: 0 }, now: () => h.clock.now() });
        const hf2 = await h.reopen({ fake: withFake });
        const hold = await hf2.authorize({ gateway: 'fake', amount: 9000, currency: 'USD', subscriptionId: 's' });
        expect((await hf2.capture(hold.id, { amount: 3000 })).state).toBe('partially_captured');
        const second = await hf2.capture(hold.id, { amount: 3000 });
        expect(second).toMatchObject({ state: 'partially_captured', capturedAmount: 6000, closed: false });
        const released = await hf2.void(hold.id);
        expect(released).toMatchObject({ state: 'partially_captured', capturedAmount: 6000, closed: true });
        expect(withFake.effects()).toEqual({ captures: 2, voids: 1 });
      });

      it('voids an authorized hold', async () => {
        const hold = await authorize();
        expect((await h.hf.void(hold.id)).state).toBe('voided');
        expect(h.fake.ledger.get(hold.gatewayRef!)?.status).toBe('voided');
      });

      it('refuses a capture and a void at expiresAt, with no gateway call', async () => {
        const hold = await authorize();
        h.clock.set(hold.expiresAt! - 1);
        const late = await authorize({ subscriptionId: 'x' });
        h.clock.set(hold.expiresAt!);
        expect((await rejects(h.hf.capture(hold.id))).code).toBe('HOLD_EXPIRED');
        expect((await rejects(h.hf.void(hold.id))).code).toBe('HOLD_EXPIRED');
        expect(h.fake.calls.capture + h.fake.calls.void).toBe(0);
        expect((await h.hf.get(hold.id)).state).toBe('authorized');
        // One millisecond earlier is still inside the window.
        h.clock.set(late.expiresAt! - 1);
        expect((await h.hf.capture(late.id)).state).toBe('captured');
      });

      it('refuses a capture after a void and a void after a capture', async () => {
        const voided = await authorize();
        await h.hf.void(voided.id);
        expect((await rejects(h.hf.capture(voided.id))).code).toBe('INVALID_TRANSITION');
        const captured = await authorize({ subscriptionId: 'other' });
        await h.hf.capture(captured.id);
        expect((await rejects(h.hf.void(captured.id))).code).toBe('INVALID_TRANSITION');
        expect(h.fake.effects()).toEqual({ captures: 1, voids: 1 });
      });

      it('records a declined capture, returns the hold to authorized and reports the code', async () => {
        const hold = await authorize({ subscriptionId: 'sub-capture-decline' });
        const error = await rejects(h.hf.capture(hold.id));
        expect(error.code).toBe('GATEWAY_DECLINED');
        const after = await h.hf.get(hold.id);
        expect(after).toMatchObject({ state: 'authorized', capturedAmount: 0, lastError: { code: '017' } });
        expect((await h.hf.void(hold.id)).state).toBe('voided');
      });

      it('keeps the hold in flight on an unknown outcome, with its key and a retry time inside the window', async () => {
        const hold = await authorize();
        h.fake.injectFault('capture', 'timeout');
        const error = await rejects(h.hf.capture(hold.id));
        expect(error.code).toBe('GATEWAY_UNKNOWN_OUTCOME');
        const stuck = await h.hf.get(hold.id);
        expect(stuck.state).toBe('capturing');
        expect(stuck.pending).toMatchObject({ operation: 'capture', idempotencyKey: `${hold.id}:capture:1`, unknownAttempts: 1, retryAt: T0 + 15_000 });
        expect((await rejects(h.hf.capture(hold.id))).code).toBe('INVALID_TRANSITION');
        expect((await rejects(h.hf.void(hold.id))).code).toBe('INVALID_TRANSITION');
        expect(h.fake.calls.capture).toBe(1);
      });

      it('returns the hold to where it was when the call was never sent', async () => {
        const hold = await authorize();
        h.fake.injectFault('void', 'unavailable');
        expect((await rejects(h.hf.void(hold.id))).code).toBe('GATEWAY_UNAVAILABLE');
        expect((await h.hf.get(hold.id)).state).toBe('authorized');
        expect((await h.hf.void(hold.id)).state).toBe('voided');
      });

      it('treats a repeated capture with the same idempotency key as already done', async () => {
        const hold = await authorize();
        const first = await h.hf.capture(hold.id, { idempotencyKey: 'ship-1' });
        const again = await h.hf.capture(hold.id, { idempotencyKey: 'ship-1' });
        expect(again).toEqual(first);
        expect(h.fake.calls.capture).toBe(1);
      });

      it('reports unknown and malformed ids clearly', async () => {
        expect((await rejects(h.hf.get('hold_00000000000000000000'))).code).toBe('HOLD_NOT_FOUND');
        expect((await rejects(h.hf.capture('nope'))).code).toBe('INVALID_HOLD_ID');
        expect((await rejects(h.hf.void("hold_'; drop table holds; --"))).code).toBe('INVALID_HOLD_ID');
      });
    });

    describe('setOnExpiry, track and list', () => {
      it('changes the plan, checks the amount, and journals it', async () => {
        const hold = await authorize();
        const planned = await h.hf.setOnExpiry(hold.id, 'capture', { amount: 5000 });
        expect(planned).toMatchObject({ onExpiry: 'capture', onExpiryAmount: 5000 });
        expect((await rejects(h.hf.setOnExpiry(hold.id, 'capture', { amount: 6601 }))).code).toBe('AMOUNT_EXCEEDS_AUTHORIZED');
        expect((await h.hf.history(hold.id)).transitions.at(-1)).toMatchObject({ event: 'SET_ON_EXPIRY', from: 'authorized', to: 'authorized' });
        await h.hf.void(hold.id);
        expect((await rejects(h.hf.setOnExpiry(hold.id, 'void'))).code).toBe('INVALID_TRANSITION');
      });

      it('tracks an authorization made elsewhere with the unknown-card window, and refuses it twice', async () => {
        const hold = await h.hf.track({ gateway: 'fake', gatewayRef: '123456789012345678', amount: 1500, currency: 'CLP', authorizedAt: T0 - DAY_MS, orderId: 'o-1' });
        expect(hold).toMatchObject({ state: 'authorized', cardType: 'unknown', expiresAt: T0 + 6 * DAY_MS, gatewayRef: '123456789012345678' });
        expect((await h.hf.history(hold.id)).transitions.map((t) => t.event)).toEqual(['TRACK']);
        const again = await rejects(h.hf.track({ gateway: 'fake', gatewayRef: '123456789012345678', amount: 1500, currency: 'CLP', authorizedAt: T0 }));
        expect(again.code).toBe('ALREADY_TRACKED');
      });

      it('refuses to track an authorization that already expired or lies in the future', async () => {
        expect((await rejects(h.hf.track({ gateway: 'fake', gatewayRef: 'r1', amount: 100, currency: 'USD', authorizedAt: T0 - 29 * DAY_MS, cardType: 'credit' }))).code).toBe('HOLD_EXPIRED');
        expect((await rejects(h.hf.track({ gateway: 'fake', gatewayRef: 'r2', amount: 100, currency: 'USD', authorizedAt: T0 + DAY_MS }))).code).toBe('INVALID_DATE');
        expect((await h.hf.list()).holds).toHaveLength(0);
      });

      it('lists soonest actBy first, filters, and pages with a cursor', async () => {
        const credit = await authorize({ orderId: 'o-credit' });
        const debit = await authorize({ subscriptionId: 'sub-debit', orderId: 'o-debit' });
        const voided = await authorize({ orderId: 'o-void' });
        await h.hf.void(voided.id);
        const all = await h.hf.list();
        // Open holds first, soonest actBy first; then the closed ones.
        expect(all.holds.map((x) => x.id)).toEqual([debit.id, credit.id, voided.id]);
        expect((await h.hf.list({ status: 'open' })).holds.map((x) => x.id)).toEqual([debit.id, credit.id]);
        expect((await h.hf.list({ status: 'closed' })).holds.map((x) => x.id)).toEqual([voided.id]);
        // Pages end exactly at the end of the open group: the next one starts the closed group.
        const openPage = await h.hf.list({ limit: 2 });
        expect(openPage.holds.map((x) => x.id)).toEqual([debit.id, credit.id]);
        expect((await h.hf.list({ limit: 2, cursor: openPage.nextCursor! })).holds.map((x) => x.id)).toEqual([voided.id]);
        expect((await h.hf.list({ orderId: 'o-credit' })).holds.map((x) => x.id)).toEqual([credit.id]);
        expect((await h.hf.list({ state: 'voided' })).holds.map((x) => x.id)).toEqual([voided.id]);
        expect((await h.hf.list({ expiringWithinMs: 7 * DAY_MS })).holds.map((x) => x.id)).toEqual([debit.id]);
        const page1 = await h.hf.list({ limit: 2 });
        expect(page1.holds).toHaveLength(2);
        const page2 = await h.hf.list({ limit: 2, cursor: page1.nextCursor! });
        expect([...page1.holds, ...page2.holds].map((x) => x.id)).toEqual(all.holds.map((x) => x.id));
        expect(page2.nextCursor).toBeNull();
        expect((await rejects(h.hf.list({ cursor: 'garbage' }))).code).toBe('INVALID_CURSOR');
        // A cursor pages the list it came from: with other filters it is refused, not applied to another list.
        const otherList = await rejects(h.hf.list({ limit: 2, status: 'closed', cursor: page1.nextCursor! }));
        expect([otherList.code, otherList.message]).toEqual(['INVALID_CURSOR', 'the cursor belongs to a list with other filters: pass the same filters as the page that printed it']);
        expect((await rejects(h.hf.list({ state: 'nope' as never }))).code).toBe('INVALID_STATE');
      });
    });

    describe('concurrency and durability', () => {
      it('two API instances racing capture against void: exactly one gateway call, the loser gets a typed error', async () => {
        const slow = new FakeGateway({ now: () => h.clock.now(), latencyMs: 5 });
        const a = await h.reopen({ fake: slow });
        const b = await h.reopen({ fake: slow });
        const codes: string[] = [];
        for (let round = 0; round < 20; round++) {
          const callsBefore = slow.calls.capture + slow.calls.void;
          const hold = await a.authorize({ gateway: 'fake', amount: 6000, currency: 'PEN', subscriptionId: `race-${round}` });
          const results = await Promise.allSettled([a.capture(hold.id), b.void(hold.id)]);
          const fulfilled = results.filter((r) => r.status === 'fulfilled');
          const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
          expect(fulfilled).toHaveLength(1);
          expect(rejected).toHaveLength(1);
          const code = (rejected[0]!.reason as HoldfastError).code;
          expect(['CONFLICT', 'INVALID_TRANSITION']).toContain(code);
          codes.push(code);
          expect(slow.calls.capture + slow.calls.void - callsBefore).toBe(1);
          const final = await a.get(hold.id);
          expect(['captured', 'voided']).toContain(final.state);
        }
        // Both read the same version before either wrote: the version check, not luck, decided.
        expect(codes).toContain('CONFLICT');
      });

      it('keeps every hold, transition and exchange across close and reopen', async () => {
        const captured = await authorize();
        await h.hf.capture(captured.id, { amount: 1000 });
        const voided = await authorize({ subscriptionId: 'b' });
        await h.hf.void(voided.id);
        const before = await Promise.all([captured.id, voided.id].map(async (id) => [await h.hf.get(id), await h.hf.history(id)]));
        await h.hf.close();
        const reopened = await h.reopen();
        const after = await Promise.all([captured.id, voided.id].map(async (id) => [await reopened.get(id), await reopened.history(id)]));
        expect(after).toEqual(before);
      });
    });

    describe('a gateway reference that already belongs to another hold', () => {
      it('is flagged for an operator with a typed error, and the answer is kept', async () => {
        // The fake numbers its authorizations from 100000000000000001: track that reference first.
        const tracked = await h.hf.track({ gateway: 'fake', gatewayRef: '100000000000000001', amount: 100, currency: 'USD', authorizedAt: h.clock.now() });
        const error = await rejects(authorize());
        expect(error.code).toBe('DUPLICATE_GATEWAY_REF');
        expect(error.details).toMatchObject({ otherHoldId: tracked.id });
        const [flagged] = (await h.hf.list({ state: 'needs_attention' })).holds;
        expect(flagged?.lastError?.code).toBe('FLAGGED');
        const { exchanges } = await h.hf.history(flagged!.id);
        expect(exchanges).toMatchObject([{ operation: 'authorize', outcome: 'approved' }]);
        expect((await h.hf.get(tracked.id)).state).toBe('authorized');
      });
    });

    describe('input the gateway cannot send', () => {
      it('is refused before any row exists when the adapter says so', async () => {
        const picky = new FakeGateway({ now: () => h.clock.now() });
        picky.checkAuthorize = (req) => {
          if (!req.subscriptionId) throw new (class extends HoldfastError {})('SUBSCRIPTION_REQUIRED', 'pass subscriptionId', { usage: true });
        };
        const hf = await h.reopen({ fake: picky });
        const error = await rejects(hf.authorize({ gateway: 'fake', amount: 100, currency: 'USD' }));
        expect(error.code).toBe('SUBSCRIPTION_REQUIRED');
        expect((await hf.list()).holds).toHaveLength(0);
        expect(picky.calls.authorize).toBe(0);
      });
    });
  });
}
