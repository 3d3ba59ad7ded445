// A named population of holds in edge states, one sweep with a fixed clock: each hold gets exactly
// the right treatment and the others are left unaffected (graphile-worker style).
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { openHarness, type Harness, DAY_MS, T0 } from '../helpers/harness.js';
import { claimDueHolds } from '../../db/sweeper.repository.js';
import type { Hold } from '../../src/holds/types.js';
import { FakeGateway } from '../../src/gateways/fake/index.js';
import { DIALECTS } from '../helpers/dialects.js';
import { engineOf } from '../../src/holds/internals.js';

// Every case runs on SQLite and on PostgreSQL.
for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skipReason !== null)(`on ${dialect.name}`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await openHarness(dialect);
    });
    afterEach(async () => h.close());

    const HOUR = 3_600_000;

    /** Tracks a credit hold authorized `ageMs` before now (credit window 28 d, actBy at 27 d). */
    async function credit(name: string, ageMs: number, extra: { onExpiry?: 'capture' | 'void'; subscriptionId?: string } = {}): Promise<Hold> {
      // Authorize for real at the fake so the ledger knows it, at the time the age implies.
      const now = h.clock.now();
      h.clock.set(now - ageMs);
      const hold = await h.hf.authorize({ gateway: 'fake', amount: 10_000, currency: 'USD', subscriptionId: extra.subscriptionId ?? name, orderId: name, onExpiry: extra.onExpiry ?? 'void' });
      h.clock.set(now);
      return hold;
    }

    async function rowsById(): Promise<Map<string, Record<string, unknown>>> {
      const rows = (await engineOf(h.hf).store.db.selectFrom('holds').selectAll().execute()) as unknown as Record<string, unknown>[];
      return new Map(rows.map((r) => [r.id as string, r]));
    }

    describe('sweep over a named population', () => {
      it('acts on exactly the due holds and leaves the others unaffected', async () => {
        h.clock.set(T0 + 40 * DAY_MS);
        const now = h.clock.now();
        h.fake.setSource('capture-declined', { declineCapture: true });

        const due = {
          dueVoid: await credit('due-void', 27 * DAY_MS + HOUR),
          dueCapture: await credit('due-capture', 27 * DAY_MS + HOUR, { onExpiry: 'capture' }),
          duePlanned: await credit('due-planned', 27 * DAY_MS + HOUR, { onExpiry: 'capture' }),
          pastWindow: await credit('past-window', 28 * DAY_MS + HOUR, { onExpiry: 'capture' }),
          staleLease: await credit('stale-lease', 27 * DAY_MS + 2 * HOUR),
          unknownDue: await credit('unknown-due', 10 * DAY_MS, { onExpiry: 'capture' }),
          unknownNearExpiry: await credit('unknown-near-expiry', 27 * DAY_MS + 23 * HOUR, { onExpiry: 'capture' }),
          captureDeclined: await credit('capture-declined', 27 * DAY_MS + HOUR, { onExpiry: 'capture', subscriptionId: 'capture-declined' }),
        };
        await h.hf.setOnExpiry(due.duePlanned.id, 'capture', { amount: 7_500 });
        const others = {
          notDue: await credit('not-due', 26 * DAY_MS),
          leasedByAnother: await credit('leased-by-another', 27 * DAY_MS + 3 * HOUR),
          unknownNotDue: await credit('unknown-not-due', 5 * DAY_MS),
          terminal: await credit('terminal', 2 * DAY_MS),
        };
        await h.hf.capture(others.terminal.id);

        // In-flight with unknown outcomes: the gateway committed the first capture but the answer was lost.
        h.clock.set(now - 20 * 60_000);
        h.fake.injectFault('capture', 'commit-then-fail');
        await h.hf.capture(due.unknownDue.id).catch(() => undefined); // retryAt = now − 20 min + 15 s: due
        h.clock.set(now - 60 * 60_000);
        h.fake.injectFault('capture', 'timeout');
        await h.hf.capture(due.unknownNearExpiry.id).catch(() => undefined); // expires in 1 h: retried in time
        h.clock.set(now - 5_000);
        h.fake.injectFault('capture', 'timeout');
        await h.hf.capture(others.unknownNotDue.id).catch(() => undefined); // retryAt = now + 10 s: not due
        h.clock.set(now);

        // Another sweeper holds a live lease on one hold and held a lease that has lapsed on another.
        const db = engineOf(h.hf).store.db;
        expect(await claimDueHolds(db, { owner: 'other', now, leaseMs: 10 * 60_000, leadTimeMs: engineOf(h.hf).policy.leadTimeMs, limit: 1000 }).then((r) => r.map((x) => (x.ok ? x.hold.id : x.row.id))).then((ids) => ids.includes(others.leasedByAnother.id))).toBe(true);
        // Release everything but the one "other" keeps, then give staleLease a lapsed lease.
        await db.updateTable('holds').set({ lease_owner: null, lease_expires_at: null }).where('id', '!=', others.leasedByAnother.id).execute();
        await db.updateTable('holds').set({ lease_owner: 'crashed', lease_expires_at: now - 1 }).where('id', '=', due.staleLease.id).execute();

        const before = await rowsById();
        const callsBefore = { ...h.fake.calls };
        const report = await h.hf.sweep({ owner: 'me' });
        const after = await rowsById();

        const state = async (hold: Hold) => (await h.hf.get(hold.id)).state;
        expect(await state(due.dueVoid)).toBe('voided');
        expect(await state(due.dueCapture)).toBe('captured');
        expect(await h.hf.get(due.duePlanned.id)).toMatchObject({ state: 'partially_captured', capturedAmount: 7_500, closed: true });
        expect(await state(due.pastWindow)).toBe('expired');
        expect(await state(due.staleLease)).toBe('voided');
        expect(await h.hf.get(due.unknownDue.id)).toMatchObject({ state: 'captured', capturedAmount: 10_000 });
        expect(await state(due.unknownNearExpiry)).toBe('captured');
        expect(await h.hf.get(due.captureDeclined.id)).toMatchObject({ state: 'voided', onExpiry: 'void', lastError: null });

        // Exactly one capture at the gateway for the hold whose first answer was lost.
        expect(h.fake.ledger.get(due.unknownDue.gatewayRef!)?.captures).toHaveLength(1);
        // Nothing sent for the hold past its window; the declined capture was not retried.
        expect(h.fake.ledger.get(due.pastWindow.gatewayRef!)).toMatchObject({ captures: [], voids: [] });
        expect(h.fake.ledger.get(due.captureDeclined.gatewayRef!)).toMatchObject({ captures: [], voids: [{ idempotencyKey: `${due.captureDeclined.id}:void:0` }] });

        for (const other of Object.values(others)) {
          expect(after.get(other.id), other.orderId ?? '').toEqual(before.get(other.id));
        }
        expect(report.items.map((i) => i.holdId).sort()).toEqual([...Object.values(due).map((d) => d.id), due.captureDeclined.id].sort());
        expect(report.totals).toMatchObject({ approved: 7, declined: 1, expired: 1 });
        // No lease is left behind by this sweeper.
        expect([...after.values()].filter((r) => r.lease_owner === 'me')).toEqual([]);
        expect(h.fake.calls.capture - callsBefore.capture).toBe(5); // due-capture, due-planned, 2 retries, declined
        expect(h.fake.calls.void - callsBefore.void).toBe(3); // due-void, stale-lease, declined's release
      });

      it('flags an in-flight call still unknown at expiresAt, without a gateway call', async () => {
        const hold = await h.hf.authorize({ gateway: 'fake', amount: 500, currency: 'USD', subscriptionId: 's', onExpiry: 'capture' });
        h.clock.set(hold.actBy!);
        h.fake.injectFault('capture', 'timeout', 100);
        const first = await h.hf.sweep();
        expect(first.totals.unknown).toBe(1);
        h.clock.set(hold.expiresAt!);
        const calls = h.fake.calls.capture;
        const second = await h.hf.sweep();
        expect(second.items).toMatchObject([{ holdId: hold.id, action: 'expire', outcome: 'flagged', stateAfter: 'needs_attention' }]);
        expect(h.fake.calls.capture).toBe(calls);
        expect((await h.hf.get(hold.id)).lastError?.code).toBe('UNRESOLVED_AT_EXPIRY');
        expect((await h.hf.sweep()).items).toEqual([]);
      });

      it('retries an unknown outcome on the backoff schedule under one key, never past expiresAt', async () => {
        const hold = await h.hf.authorize({ gateway: 'fake', amount: 500, currency: 'USD', subscriptionId: 's', onExpiry: 'capture' });
        h.clock.set(hold.actBy!);
        h.fake.injectFault('capture', 'timeout', 1000);
        const keys = new Set<string>();
        const retryTimes: number[] = [];
        for (let i = 0; i < 40; i++) {
          await h.hf.sweep();
          const current = await h.hf.get(hold.id);
          if (current.state !== 'capturing') break;
          keys.add(current.pending!.idempotencyKey);
          retryTimes.push(current.pending!.retryAt! - h.clock.now());
          h.clock.set(Math.max(current.pending!.retryAt!, h.clock.now() + 1));
        }
        expect(keys.size).toBe(1);
        expect(retryTimes.slice(0, 4)).toEqual([15_000, 60_000, 300_000, 1_800_000]);
        const final = await h.hf.get(hold.id);
        expect(final.state).toBe('needs_attention');
        const exchanges = (await h.hf.history(hold.id)).exchanges.filter((e) => e.operation === 'capture');
        expect(exchanges.every((e) => e.at < hold.expiresAt!)).toBe(true);
        expect(new Set(exchanges.map((e) => e.idempotencyKey)).size).toBe(1);
      });

      it('backs off when the gateway is unreachable, then succeeds', async () => {
        const hold = await h.hf.authorize({ gateway: 'fake', amount: 500, currency: 'USD', subscriptionId: 's' });
        h.clock.set(hold.actBy!);
        h.fake.injectFault('void', 'unavailable');
        expect((await h.hf.sweep()).totals.unavailable).toBe(1);
        expect((await h.hf.sweep()).items).toEqual([]); // not hammered within the pause
        h.clock.advance(60_000);
        expect((await h.hf.sweep()).totals.approved).toBe(1);
        expect((await h.hf.get(hold.id)).state).toBe('voided');
      });

      it('does not retry a void the gateway refused: the hold lapses at expiresAt', async () => {
        const hold = await h.hf.authorize({ gateway: 'fake', amount: 500, currency: 'USD', subscriptionId: 's' });
        h.clock.set(hold.actBy!);
        h.fake.injectFault('void', 'decline');
        expect((await h.hf.sweep()).totals).toMatchObject({ declined: 1, approved: 0 });
        expect((await h.hf.get(hold.id)).lastError).toMatchObject({ code: '017', operation: 'void' });
        h.clock.set(hold.expiresAt! - 1);
        expect((await h.hf.sweep()).items).toEqual([]);
        h.clock.set(hold.expiresAt!);
        expect((await h.hf.sweep()).items).toMatchObject([{ action: 'expire', outcome: 'expired' }]);
        expect(h.fake.calls.void).toBe(1);
      });

      it('leaves a due hold alone when this sweeper lacks its gateway', async () => {
        const hold = await h.hf.authorize({ gateway: 'fake', amount: 500, currency: 'USD', subscriptionId: 's' });
        const other = new FakeGateway({ name: 'other', now: () => h.clock.now() });
        const { openHoldfast } = await import('../../src/holds/holdfast.js');
        const pino = (await import('pino')).default;
        const blind = await openHoldfast({ database: h.dbPath, gateways: [other], clock: h.clock, logger: pino({ level: 'silent' }) });
        h.clock.set(hold.actBy!);
        const report = await blind.sweep();
        expect(report.items).toMatchObject([{ holdId: hold.id, outcome: 'skipped' }]);
        expect(await blind.get(hold.id)).toMatchObject({ state: 'authorized', version: hold.version });
        await expect(blind.capture(hold.id)).rejects.toMatchObject({ code: 'GATEWAY_NOT_CONFIGURED' });
        expect((await blind.get(hold.id)).state).toBe('authorized');
        await blind.close();
        expect((await h.hf.sweep()).totals.approved).toBe(1);
      });

      it('keeps memory flat on big passes: items beyond maxItems only count in the totals', async () => {
      const holds = [];
      for (let i = 0; i < 5; i++) holds.push(await h.hf.authorize({ gateway: 'fake', amount: 100 + i, currency: 'USD', subscriptionId: `m${i}` }));
      h.clock.set(holds[0]!.actBy!);
      const seen: string[] = [];
      const report = await h.hf.sweep({ maxItems: 2, onItem: (item) => seen.push(item.holdId) });
      expect(report.items).toHaveLength(2);
      expect(report.itemsOmitted).toBe(3);
      expect(report.totals.approved).toBe(5);
      expect(seen.sort()).toEqual(holds.map((x) => x.id).sort());
    });

    it('computes the same plan in a dry run without claiming or calling anything', async () => {
        const a = await h.hf.authorize({ gateway: 'fake', amount: 500, currency: 'USD', subscriptionId: 'a', onExpiry: 'capture' });
        await h.hf.authorize({ gateway: 'fake', amount: 700, currency: 'USD', subscriptionId: 'b' });
        h.clock.set(a.actBy!);
        const before = await rowsById();
        const dry = await h.hf.sweep({ dryRun: true });
        expect(await rowsById()).toEqual(before);
        expect(h.fake.calls.capture + h.fake.calls.void).toBe(0);
        const real = await h.hf.sweep();
        expect(dry.items.map((i) => [i.holdId, i.action, i.amount]).sort()).toEqual(real.items.map((i) => [i.holdId, i.action, i.amount]).sort());
        expect(dry.totals.planned).toBe(2);
      });
    });
  });
}
