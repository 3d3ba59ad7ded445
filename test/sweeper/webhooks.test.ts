// Webhooks: written to the outbox in the transition's own transaction, delivered signed to a
// loopback receiver, retried until it answers 2xx, and never lost.
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import pino from 'pino';
import { openHarness, quietSchedule, type Harness } from '../helpers/harness.js';
import { deliverDueWebhooks, signWebhook, verifyWebhook, warnExpiringSoon } from '../../src/webhooks/deliver.js';
import { listOutboxEvents } from '../../db/webhooks.repository.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { DIALECTS } from '../helpers/dialects.js';
import { engineOf } from '../../src/holds/internals.js';

// Every case runs on SQLite and on PostgreSQL.
for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skipReason !== null)(`on ${dialect.name}`, () => {
    const SECRET = 'whsec_test_4f1c';
    const logger = pino({ level: 'silent' });

    interface Received {
      headers: Record<string, string | string[] | undefined>;
      body: string;
    }

    let h: Harness;
    let server: Server;
    let url: string;
    let received: Received[];
    let answer: number;

    beforeEach(async () => {
      h = await openHarness(dialect, { webhooks: true });
      h.fake.setSource('declines', { declineCapture: true });
      received = [];
      answer = 200;
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.statusCode = answer;
          res.end();
        });
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const address = server.address() as { port: number };
      url = `http://127.0.0.1:${address.port}/hooks`;
    });
    afterEach(async () => {
      server.close();
      await h.close();
    });

    const types = async () => (await listOutboxEvents(engineOf(h.hf).store.db)).map((e) => e.event_type);

    it('writes no outbox rows while webhooks are off', async () => {
      const quiet = await openHarness(dialect);
      try {
        const hold = await quiet.hf.authorize({ gateway: 'fake', amount: 100, currency: 'USD', subscriptionId: 'q' });
        await quiet.hf.capture(hold.id);
        expect((await quiet.hf.get(hold.id)).state).toBe('captured');
        expect(await listOutboxEvents(engineOf(quiet.hf).store.db)).toEqual([]);
      } finally {
        await quiet.close();
      }
    });

    describe('webhook outbox', () => {
      it('writes one event per lifecycle outcome, in the same transaction as the transition', async () => {
        const a = await h.hf.authorize({ gateway: 'fake', amount: 100, currency: 'USD', subscriptionId: 'a' });
        await h.hf.capture(a.id);
        const b = await h.hf.authorize({ gateway: 'fake', amount: 100, currency: 'USD', subscriptionId: 'b' });
        await h.hf.void(b.id);
        const c = await h.hf.authorize({ gateway: 'fake', amount: 100, currency: 'USD', subscriptionId: 'declines' });
        await h.hf.capture(c.id).catch(() => undefined);
        const d = await h.hf.authorize({ gateway: 'fake', amount: 100, currency: 'USD', subscriptionId: 'd' });
        h.clock.set(d.expiresAt!);
        await h.hf.sweep();
        // c's declined capture turned its plan into a void, and at d's expiry c lapsed too.
        expect((await types()).sort()).toEqual(['hold.capture_declined', 'hold.captured', 'hold.expired', 'hold.expired', 'hold.voided']);
        // A transition that lost its version check wrote no event.
        const events = await listOutboxEvents(engineOf(h.hf).store.db, a.id);
        expect(events).toHaveLength(1);
        expect(JSON.parse(events[0]!.payload)).toMatchObject({ type: 'hold.captured', data: { hold: { id: a.id, state: 'captured', capturedAmount: 100, currency: 'USD' } } });
      });

      it('warns once for holds whose plan nobody chose, a configurable time before actBy', async () => {
        const silent = await h.hf.authorize({ gateway: 'fake', amount: 100, currency: 'USD', subscriptionId: 's' });
        await h.hf.authorize({ gateway: 'fake', amount: 100, currency: 'USD', subscriptionId: 't', onExpiry: 'capture' });
        const decidedLater = await h.hf.authorize({ gateway: 'fake', amount: 100, currency: 'USD', subscriptionId: 'u' });
        await h.hf.setOnExpiry(decidedLater.id, 'void');
        // A capture the issuer declined was announced by hold.capture_declined: no warning on top.
        h.fake.setSource('declines', { declineCapture: true });
        const declined = await h.hf.authorize({ gateway: 'fake', amount: 100, currency: 'USD', subscriptionId: 'declines' });
        await h.hf.capture(declined.id).catch(() => undefined);
        expect((await h.hf.get(declined.id)).lastError?.operation).toBe('capture');
        h.clock.set(silent.actBy! - 49 * 3_600_000);
        expect(await warnExpiringSoon(engineOf(h.hf).store, h.clock, 48 * 3_600_000, engineOf(h.hf).policy.leadTimeMs)).toBe(0);
        h.clock.advance(2 * 3_600_000);
        expect(await warnExpiringSoon(engineOf(h.hf).store, h.clock, 48 * 3_600_000, engineOf(h.hf).policy.leadTimeMs)).toBe(1);
        expect(await warnExpiringSoon(engineOf(h.hf).store, h.clock, 48 * 3_600_000, engineOf(h.hf).policy.leadTimeMs)).toBe(0);
        const events = await listOutboxEvents(engineOf(h.hf).store.db);
        expect(events.filter((e) => e.event_type === 'hold.expiring_soon').map((e) => e.hold_id)).toEqual([silent.id]);
        expect(events.filter((e) => e.hold_id === declined.id).map((e) => e.event_type)).toEqual(['hold.capture_declined']);
      });
    });

    describe('webhook delivery', () => {
      it('signs each event over timestamp and body, and the receiver can verify it', async () => {
        const hold = await h.hf.authorize({ gateway: 'fake', amount: 250, currency: 'PEN', subscriptionId: 'x' });
        await h.hf.void(hold.id);
        expect(await deliverDueWebhooks(engineOf(h.hf).store, { url, secret: SECRET }, h.clock, logger)).toEqual({ delivered: 1, failed: 0 });
        const [hit] = received;
        const signature = String(hit!.headers['holdfast-signature']);
        const now = Math.floor(h.clock.now() / 1000);
        expect(verifyWebhook(SECRET, signature, hit!.body, now)).toBe(true);
        expect(verifyWebhook('wrong-secret', signature, hit!.body, now)).toBe(false);
        expect(verifyWebhook(SECRET, signature, hit!.body.replace('250', '999'), now)).toBe(false);
        expect(verifyWebhook(SECRET, signature, hit!.body, now + 3600)).toBe(false);
        // As Node's IncomingMessage hands them over: a one-element array works, a repeated header and none do not.
        expect(verifyWebhook(SECRET, [signature], Buffer.from(hit!.body), now)).toBe(true);
        expect(verifyWebhook(SECRET, [signature, signature], hit!.body, now)).toBe(false);
        expect(verifyWebhook(SECRET, undefined, hit!.body, now)).toBe(false);
        expect(signature).toBe(signWebhook(SECRET, now, hit!.body));
        expect(JSON.parse(hit!.body)).toMatchObject({ type: 'hold.voided', data: { hold: { id: hold.id, state: 'voided' } } });
        expect(hit!.headers['holdfast-event-id']).toBe(JSON.parse(hit!.body).id);
        // Delivered events are not sent again.
        expect(await deliverDueWebhooks(engineOf(h.hf).store, { url, secret: SECRET }, h.clock, logger)).toEqual({ delivered: 0, failed: 0 });
      });

      it('retries with backoff until the receiver accepts, and keeps the event meanwhile', async () => {
        const hold = await h.hf.authorize({ gateway: 'fake', amount: 250, currency: 'PEN', subscriptionId: 'y' });
        await h.hf.capture(hold.id);
        answer = 500;
        expect((await deliverDueWebhooks(engineOf(h.hf).store, { url, secret: SECRET }, h.clock, logger)).failed).toBe(1);
        expect((await deliverDueWebhooks(engineOf(h.hf).store, { url, secret: SECRET }, h.clock, logger)).failed).toBe(0); // not due yet
        h.clock.advance(30_000);
        server.closeAllConnections();
        server.close();
        expect((await deliverDueWebhooks(engineOf(h.hf).store, { url, secret: SECRET }, h.clock, logger)).failed).toBe(1); // connection refused
        const [event] = await listOutboxEvents(engineOf(h.hf).store.db);
        expect(event).toMatchObject({ attempts: 2, delivered_at: null });
        expect(event!.last_error).toMatch(/ECONNREFUSED|socket hang up|ECONNRESET/);
        server.listen(Number(new URL(url).port), '127.0.0.1');
        await once(server, 'listening');
        answer = 204;
        h.clock.advance(2 * 60_000);
        expect(await deliverDueWebhooks(engineOf(h.hf).store, { url, secret: SECRET }, h.clock, logger)).toEqual({ delivered: 1, failed: 0 });
        expect(received.filter((r) => r.headers['holdfast-event-type'] === 'hold.captured')).toHaveLength(2);
      });

      it('the daemon delivers after its sweep', async () => {
        const hold = await h.hf.authorize({ gateway: 'fake', amount: 250, currency: 'PEN', subscriptionId: 'z' });
        h.clock.set(hold.actBy!);
        const daemon = await startDaemon(h.hf, { schedule: quietSchedule(), webhook: { url, secret: SECRET } });
        await daemon.firstSweep;
        // Delivery runs beside the sweeps (a stop waits only for a round already sending): wait for it.
        for (const end = Date.now() + 10_000; received.length === 0 && Date.now() < end; ) await new Promise((resolve) => setTimeout(resolve, 10));
        await daemon.stop();
        expect(received.map((r) => r.headers['holdfast-event-type'])).toEqual(['hold.voided']);
      });
    });
  });
}
