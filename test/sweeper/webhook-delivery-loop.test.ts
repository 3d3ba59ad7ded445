// The daemon delivers webhooks on its own timer, apart from the sweeps: a receiver on 127.0.0.1
// that fails and then succeeds gets the event without another sweep; a graceful stop waits for the
// delivery in flight; /metrics shows the backlog and the failures; delivered events are pruned after
// the retention while undelivered ones never are.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { CompiledQuery } from 'kysely';
import { openHarness, quietSchedule, DAY_MS, type Harness } from '../helpers/harness.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { listOutboxEvents, pruneDeliveredStatement } from '../../db/webhooks.repository.js';
import { pruneDeliveredEvents } from '../../src/webhooks/retention.js';
import { DIALECTS } from '../helpers/dialects.js';
import { engineOf } from '../../src/holds/internals.js';

const SECRET = 'whsec_loop_7a2e';

/** Waits (polling real time) until `condition` holds; the manual clock never moves by itself. */
async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skipReason !== null)(`on ${dialect.name}`, () => {
    let h: Harness;
    let server: Server;
    let url: string;
    let received: { type: string; id: string; status: number }[];
    /** How the receiver answers the next request; `hold` keeps the response open until released. */
    let answers: (number | 'hold')[];
    let held: ServerResponse[];
    let daemon: Daemon | null;

    beforeEach(async () => {
      h = await openHarness(dialect, { webhooks: true });
      received = [];
      answers = [];
      held = [];
      daemon = null;
      server = createServer((req: IncomingMessage, res: ServerResponse) => {
        req.resume();
        req.on('end', () => {
          const answer = answers.shift() ?? 200;
          const record = { type: String(req.headers['holdfast-event-type']), id: String(req.headers['holdfast-event-id']), status: answer === 'hold' ? 200 : answer };
          received.push(record);
          if (answer === 'hold') held.push(res);
          else res.writeHead(answer).end();
        });
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`;
    });
    afterEach(async () => {
      for (const res of held) res.end();
      await daemon?.stop();
      server.closeAllConnections();
      server.close();
      await h.close();
    });

    const outbox = () => listOutboxEvents(engineOf(h.hf).store.db);

    it('delivers an event written between sweeps on its own timer, retrying with backoff after a failure', async () => {
      let sweeps = 0;
      daemon = await startDaemon(h.hf, { schedule: quietSchedule(), webhook: { url, secret: SECRET, intervalMs: 20 }, onSweep: () => sweeps++ });
      await daemon.firstSweep;
      // Written after the only sweep, as an order system's API call would.
      const hold = await h.hf.authorize({ gateway: 'fake', amount: 250, currency: 'PEN', subscriptionId: 'loop' });
      answers = [503];
      await h.hf.void(hold.id);
      await until(async () => (await outbox())[0]?.attempts === 1, 'the first, failed attempt');
      const [failed] = await outbox();
      expect(failed).toMatchObject({ delivered_at: null, last_error: 'receiver answered 503', next_attempt_at: h.clock.now() + 30_000 });
      // Not due before its backoff, however often the timer looks.
      const before = received.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).toHaveLength(before);
      h.clock.advance(30_000);
      await until(async () => (await outbox())[0]?.delivered_at !== null, 'the retry');
      expect(received.map((r) => [r.type, r.status])).toEqual([['hold.voided', 503], ['hold.voided', 200]]);
      expect(new Set(received.map((r) => r.id)).size).toBe(1);
      expect(sweeps).toBe(1);
    });

    it('still delivers right after each sweep', async () => {
      const hold = await h.hf.authorize({ gateway: 'fake', amount: 250, currency: 'PEN', subscriptionId: 'after-sweep' });
      h.clock.set(hold.actBy!);
      // A timer too slow to matter here: the sweep's own kick delivers.
      daemon = await startDaemon(h.hf, { schedule: quietSchedule(), webhook: { url, secret: SECRET, intervalMs: 60_000 } });
      await daemon.firstSweep;
      await until(() => received.length === 1, 'the delivery after the sweep');
      expect(received[0]!.type).toBe('hold.voided');
    });

    it('a graceful stop waits for the delivery in flight and records it', async () => {
      // Two events claimed in the daemon's first round: the first is in flight when the stop comes,
      // the second not sent yet.
      for (const name of ['stop-1', 'stop-2']) {
        const hold = await h.hf.authorize({ gateway: 'fake', amount: 250, currency: 'PEN', subscriptionId: name });
        await h.hf.void(hold.id);
      }
      answers = ['hold'];
      daemon = await startDaemon(h.hf, { schedule: quietSchedule(), webhook: { url, secret: SECRET, intervalMs: 20 } });
      await daemon.firstSweep;
      await until(() => held.length === 1, 'the receiver holding the request');
      const claimedUntil = h.clock.now() + 70_000;
      expect((await outbox()).map((e) => e.next_attempt_at)).toEqual([claimedUntil, claimedUntil]);
      let stopped = false;
      const stopping = daemon.stop().then(() => (stopped = true));
      daemon = null;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stopped).toBe(false);
      held.shift()!.writeHead(204).end();
      await stopping;
      expect(received).toHaveLength(1);
      const events = await outbox();
      const sent = events.find((e) => e.id === received[0]!.id)!;
      const unsent = events.find((e) => e.id !== received[0]!.id)!;
      expect(sent.delivered_at).not.toBeNull();
      // Handed back due now, for the next deliverer, instead of waiting out the claim.
      expect(unsent).toMatchObject({ delivered_at: null, attempts: 0, next_attempt_at: h.clock.now() });
    });

    it('/metrics shows the outbox backlog, its oldest age and failures by reason and status', async () => {
      const hold = await h.hf.authorize({ gateway: 'fake', amount: 250, currency: 'PEN', subscriptionId: 'metrics' });
      await h.hf.void(hold.id);
      answers = [500];
      daemon = await startDaemon(h.hf, { schedule: quietSchedule(), metricsPort: 0, webhook: { url, secret: SECRET, intervalMs: 20 } });
      await daemon.firstSweep;
      await until(async () => (await outbox())[0]?.attempts === 1, 'the failed attempt');
      // The receiver goes away: the next attempt (due after 30 s) cannot connect.
      server.closeAllConnections();
      server.close();
      h.clock.advance(90_000);
      await until(async () => (await outbox())[0]?.attempts === 2, 'the refused attempt');
      const metrics1 = await (await fetch(`${daemon.metricsUrl}/metrics`)).text();
      expect(metrics1).toContain('holdfast_webhook_undelivered_events 1');
      expect(metrics1).toContain('holdfast_webhook_oldest_undelivered_age_seconds 90');
      expect(metrics1).toContain('holdfast_webhook_delivery_failures_total{reason="status",status="500"} 1');
      expect(metrics1).toContain('holdfast_webhook_delivery_failures_total{reason="connection",status=""} 1');
      server.listen(Number(new URL(url).port), '127.0.0.1');
      await once(server, 'listening');
      h.clock.advance(2 * 60_000);
      await until(async () => (await outbox())[0]?.delivered_at !== null, 'the delivery');
      const metrics = await (await fetch(`${daemon.metricsUrl}/metrics`)).text();
      expect(metrics).toContain('holdfast_webhook_undelivered_events 0');
      expect(metrics).toContain('holdfast_webhook_oldest_undelivered_age_seconds 0');
      expect(metrics).toContain('holdfast_webhook_deliveries_total 1');
    });

    it('prunes delivered events after the retention and never an undelivered one', async () => {
      const store = engineOf(h.hf).store;
      const voidOne = async (name: string) => {
        const hold = await h.hf.authorize({ gateway: 'fake', amount: 100, currency: 'USD', subscriptionId: name });
        await h.hf.void(hold.id);
        return hold.id;
      };
      // Population: delivered 40 days ago, delivered 10 days ago, never delivered (and 40 days old).
      const oldDelivered = await voidOne('old-delivered');
      const recentDelivered = await voidOne('recent-delivered');
      const neverDelivered = await voidOne('never-delivered');
      const at = (holdId: string, deliveredAt: number | null) =>
        store.db.updateTable('webhook_outbox').set({ delivered_at: deliveredAt, created_at: h.clock.now() - 40 * DAY_MS }).where('hold_id', '=', holdId).execute();
      await at(oldDelivered, h.clock.now() - 40 * DAY_MS);
      await at(recentDelivered, h.clock.now() - 10 * DAY_MS);
      await at(neverDelivered, null);
      expect(await pruneDeliveredEvents(store, h.clock, 30 * DAY_MS)).toBe(1);
      expect((await outbox()).map((e) => e.hold_id).sort()).toEqual([recentDelivered, neverDelivered].sort());
      // The daemon prunes after its sweep with the configured retention; the receiver is down, so nothing is delivered meanwhile.
      server.closeAllConnections();
      server.close();
      daemon = await startDaemon(h.hf, { schedule: quietSchedule(), webhookRetentionMs: 7 * DAY_MS, webhook: { url, secret: SECRET, intervalMs: 60_000 } });
      await daemon.firstSweep;
      expect((await outbox()).map((e) => e.hold_id)).toEqual([neverDelivered]);
      h.clock.advance(365 * DAY_MS);
      expect(await pruneDeliveredEvents(store, h.clock, 0)).toBe(0);
      expect(await outbox()).toHaveLength(1);
    });

    it.skipIf(dialect.name !== 'sqlite')('prunes on the outbox index, not a table scan', async () => {
      const db = engineOf(h.hf).store.db;
      const { sql: text, parameters } = pruneDeliveredStatement(db, h.clock.now(), 1000).compile();
      const rows = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${text}`, [...parameters]));
      const details = rows.rows.map((r) => r.detail).join(' | ');
      expect(details).toMatch(/USING (COVERING )?INDEX webhook_outbox_due/);
      expect(details).not.toMatch(/SCAN webhook_outbox(?! USING)/);
    });
  });
}
