// Operator resolution: `resolve` records what the gateway console shows for a hold that needs
// attention; `retry` re-sends an in-flight call now under its key. On SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { openHarness, type Harness, DAY_MS } from '../helpers/harness.js';
import { typedError } from '../helpers/typed-error.js';
import { listOutboxEvents } from '../../db/webhooks.repository.js';
import { openStore } from '../../db/connection.js';
import { resolveCommand } from '../../src/cli/commands/resolve.js';

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skipReason !== null)(`operator resolution on ${dialect.name}`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await openHarness(dialect, { webhooks: true });
    });
    afterEach(async () => h.close());

    /** A hold whose capture stayed unknown until the window closed (the gateway did capture it). */
    async function flaggedCapture(amount = 6000) {
      const hold = await h.hf.authorize({ gateway: 'fake', subscriptionId: 'sub', amount, currency: 'PEN' });
      h.fake.injectFault('capture', 'commit-then-fail');
      await typedError(h.hf.capture(hold.id));
      h.fake.injectFault('capture', 'timeout', 100);
      h.clock.set(hold.expiresAt!);
      await h.hf.sweep();
      const flagged = await h.hf.get(hold.id);
      expect(flagged.state).toBe('needs_attention');
      return flagged;
    }

    async function outboxTypes(holdId: string): Promise<string[]> {
      const store = await openStore(h.dbPath, { migrate: false });
      try {
        return (await listOutboxEvents(store.db, holdId)).map((e) => e.event_type);
      } finally {
        await store.close();
      }
    }

    it('resolve --captured records the capture as an operator transition with its reason and webhooks', async () => {
      const flagged = await flaggedCapture();
      const resolved = await h.hf.resolve(flagged.id, { resolution: 'captured', amount: 6000, reason: 'console: captured 60.00 on day 27' });
      expect(resolved).toMatchObject({ state: 'captured', capturedAmount: 6000, pending: null });
      const { transitions } = await h.hf.history(flagged.id);
      expect(transitions.at(-1)).toMatchObject({
        from: 'needs_attention', to: 'captured', event: 'RESOLVE', actor: 'operator',
        detail: { resolution: 'captured', amount: 6000, reason: 'console: captured 60.00 on day 27', by: 'api' },
      });
      expect(await outboxTypes(flagged.id)).toEqual(expect.arrayContaining(['hold.needs_attention', 'hold.resolved', 'hold.captured']));
      expect(h.fake.ledger.get(flagged.gatewayRef!)?.captures).toHaveLength(1);
    });

    it('resolve --not-captured after the window ends expired; --voided ends voided', async () => {
      const a = await flaggedCapture();
      expect((await h.hf.resolve(a.id, { resolution: 'not_captured', reason: 'console: nothing' })).state).toBe('expired');
      const b = await flaggedCapture();
      expect((await h.hf.resolve(b.id, { resolution: 'voided', reason: 'console: voided' })).state).toBe('voided');
    });

    it('refuses a resolution of a hold that does not need attention, without a reason, or above the limit — and changes nothing', async () => {
      const open = await h.hf.authorize({ gateway: 'fake', subscriptionId: 'sub', amount: 1000, currency: 'PEN' });
      expect((await typedError(h.hf.resolve(open.id, { resolution: 'voided', reason: 'x' }))).code).toBe('INVALID_TRANSITION');
      const flagged = await flaggedCapture();
      expect((await typedError(h.hf.resolve(flagged.id, { resolution: 'voided', reason: ' ' }))).code).toBe('INVALID_RESOLUTION');
      expect((await typedError(h.hf.resolve(flagged.id, { resolution: 'captured', amount: 6601, reason: 'x' }))).code).toBe('AMOUNT_EXCEEDS_AUTHORIZED');
      expect((await typedError(h.hf.resolve(flagged.id, { resolution: 'bogus' as 'voided', reason: 'x' }))).code).toBe('INVALID_RESOLUTION');
      expect((await h.hf.get(flagged.id)).version).toBe(flagged.version);
    });

    it('the CLI command parses the amount in major units and needs exactly one resolution and a reason', async () => {
      const flagged = await flaggedCapture(6000);
      expect((await typedError(resolveCommand(h.hf, { holdId: flagged.id, voided: true, notCaptured: true, reason: 'x' }))).code).toBe('INVALID_RESOLUTION');
      expect((await typedError(resolveCommand(h.hf, { holdId: flagged.id, voided: true }))).message).toContain('--reason');
      const resolved = await resolveCommand(h.hf, { holdId: flagged.id, captured: '45.00', reason: 'console: 45.00' });
      expect(resolved).toMatchObject({ state: 'partially_captured', capturedAmount: 4500, closed: true });
    });

    it('retry re-sends an in-flight capture now under the same key and applies the answer', async () => {
      const hold = await h.hf.authorize({ gateway: 'fake', subscriptionId: 'sub', amount: 2000, currency: 'PEN' });
      h.fake.injectFault('capture', 'commit-then-fail');
      await typedError(h.hf.capture(hold.id));
      const capturing = await h.hf.get(hold.id);
      expect(capturing.pending?.retryAt).toBeGreaterThan(h.clock.now());
      const done = await h.hf.retry(hold.id);
      expect(done).toMatchObject({ state: 'captured', capturedAmount: 2000 });
      expect(h.fake.ledger.get(hold.gatewayRef!)?.captures).toHaveLength(1);
      const { transitions, exchanges } = await h.hf.history(hold.id);
      expect(transitions.map((t) => `${t.event}/${t.actor}`)).toContain('RETRY/operator');
      expect(new Set(exchanges.filter((e) => e.operation === 'capture').map((e) => e.idempotencyKey)).size).toBe(1);
    });

    it('retry is refused after the deadline (resolve instead) and for a hold with nothing in flight', async () => {
      const late = await flaggedCapture();
      expect((await typedError(h.hf.retry(late.id))).code).toBe('HOLD_EXPIRED');
      const open = await h.hf.authorize({ gateway: 'fake', subscriptionId: 'sub', amount: 2000, currency: 'PEN' });
      expect((await typedError(h.hf.retry(open.id))).code).toBe('INVALID_TRANSITION');
      expect((await h.hf.get(late.id)).state).toBe('needs_attention');
      expect(h.clock.now()).toBeLessThan(open.expiresAt! + DAY_MS);
    });
  });
}

describe('the library without a logger', () => {
  it('logs nothing: its default logger is silent', async () => {
    const { openHoldfast } = await import('../../src/holds/holdfast.js');
    const { engineOf } = await import('../../src/holds/internals.js');
    const { FakeGateway } = await import('../../src/gateways/fake/index.js');
    const { tempDir } = await import('../helpers/harness.js');
    const dir = tempDir();
    const hf = await openHoldfast({ database: `${dir.dir}/quiet.db`, gateways: [new FakeGateway()] });
    try {
      expect(engineOf(hf).logger.level).toBe('silent');
      await hf.close();
      expect((await typedError(hf.get('hold_0123456789abcdef0123'))).code).toBe('HOLDFAST_CLOSED');
    } finally {
      await hf.close();
      dir.cleanup();
    }
  });
});
