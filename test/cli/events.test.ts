// `holdfast events list` and `holdfast events resend`: through their plain functions on a harness
// whose webhooks go to a real receiver on 127.0.0.1, and through the CLI in process for the wiring
// (JSON, text, exit codes).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { join } from 'node:path';
import pino from 'pino';
import { openHarness, tempDir, type Harness } from '../helpers/harness.js';
import { EchoingGateway, ECHOED_PAN } from '../helpers/echoing-gateway.js';
import { typedError } from '../helpers/typed-error.js';
import { runCliInProcess } from '../helpers/cli-in-process.js';
import { eventsListCommand, eventsResendCommand } from '../../src/cli/commands/events.js';
import { eventToJson } from '../../src/cli/render/event-list-text.js';
import { deliverDueWebhooks } from '../../src/webhooks/deliver.js';
import { listOutboxEvents } from '../../db/webhooks.repository.js';
import { engineOf } from '../../src/holds/internals.js';

const SECRET = 'whsec_events_51b0';
const logger = pino({ level: 'silent' });

describe('events commands', () => {
  let h: Harness;
  let echoing: EchoingGateway | undefined;
  let server: Server;
  let url: string;
  let answer: number;
  let receivedIds: string[];

  beforeEach(async () => {
    h = await openHarness(undefined, { webhooks: true, makeFake: (o) => (echoing = new EchoingGateway(o)) });
    answer = 200;
    receivedIds = [];
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        receivedIds.push(String(req.headers['holdfast-event-id']));
        res.writeHead(answer).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    server.close();
    await h.close();
  });

  const deliver = () => deliverDueWebhooks(engineOf(h.hf).store, { url, secret: SECRET }, h.clock, logger);

  /** Population: a delivered event, an undelivered one that failed once, and a declined capture whose gateway echoed a card number. */
  async function population() {
    const delivered = await h.hf.authorize({ gateway: 'fake', amount: 100, currency: 'PEN', subscriptionId: 'delivered' });
    await h.hf.capture(delivered.id);
    await deliver();
    h.clock.advance(1_000);
    const failing = await h.hf.authorize({ gateway: 'fake', amount: 200, currency: 'PEN', subscriptionId: 'failing' });
    await h.hf.void(failing.id);
    answer = 500;
    await deliver();
    h.clock.advance(1_000);
    echoing!.declineCapturesWith('echo', `Tarjeta ${ECHOED_PAN} rechazada`);
    const echoed = await h.hf.authorize({ gateway: 'fake', amount: 300, currency: 'PEN', subscriptionId: 'echo' });
    await h.hf.capture(echoed.id).catch(() => undefined);
    return { delivered, failing, echoed };
  }

  it('lists events newest first, filtered by delivery and hold, with a limit', async () => {
    const { delivered, failing, echoed } = await population();
    const all = await eventsListCommand(h.hf);
    expect(all.events.map((e) => [e.holdId, e.type])).toEqual([
      [echoed.id, 'hold.capture_declined'],
      [failing.id, 'hold.voided'],
      [delivered.id, 'hold.captured'],
    ]);
    expect(all.truncated).toBe(false);
    expect(all.events[2]).toMatchObject({ attempts: 1, lastError: null, deliveredAt: h.clock.now() - 2_000 });
    expect(all.events[1]).toMatchObject({ attempts: 1, deliveredAt: null, lastError: 'receiver answered 500' });
    expect((await eventsListCommand(h.hf, { undelivered: true })).events.map((e) => e.holdId)).toEqual([echoed.id, failing.id]);
    expect((await eventsListCommand(h.hf, { hold: delivered.id })).events.map((e) => e.type)).toEqual(['hold.captured']);
    expect((await eventsListCommand(h.hf, { hold: 'hold_00000000000000000000' })).events).toEqual([]);
    const one = await eventsListCommand(h.hf, { limit: '1' });
    expect([one.events.length, one.truncated]).toEqual([1, true]);
    for (const limit of ['0', '1001', 'ten']) expect(await typedError(eventsListCommand(h.hf, { limit }))).toMatchObject({ code: 'INVALID_LIMIT', usage: true });
  });

  it('shows payloads as stored: redacted, never a card number', async () => {
    const { echoed } = await population();
    const [event] = (await eventsListCommand(h.hf, { hold: echoed.id })).events;
    const [stored] = await listOutboxEvents(engineOf(h.hf).store.db, echoed.id);
    expect(event!.payload).toEqual(JSON.parse(stored!.payload));
    expect(event!.payload).toMatchObject({ type: 'hold.capture_declined', data: { hold: { id: echoed.id, lastError: { message: expect.stringMatching(/^Tarjeta 454700\S*1012 rechazada$/) } } } });
    expect(JSON.stringify(eventToJson(event!))).not.toContain(ECHOED_PAN);
  });

  it('resend queues a delivered event for delivery now and it is sent again under its id', async () => {
    const { delivered } = await population();
    const [event] = (await eventsListCommand(h.hf, { hold: delivered.id })).events;
    answer = 200;
    const before = receivedIds.length;
    const resent = await eventsResendCommand(h.hf, { eventId: event!.id });
    expect(resent).toMatchObject({ id: event!.id, deliveredAt: null, nextAttemptAt: h.clock.now() });
    await deliver();
    expect(receivedIds.slice(before)).toContain(event!.id);
    expect((await eventsListCommand(h.hf, { hold: delivered.id })).events[0]!.deliveredAt).toBe(h.clock.now());
  });

  it('resend makes an event waiting for its backoff due now, and refuses an unknown id', async () => {
    const { failing } = await population();
    const [event] = (await eventsListCommand(h.hf, { hold: failing.id })).events;
    expect(event!.nextAttemptAt).toBeGreaterThan(h.clock.now());
    expect((await eventsResendCommand(h.hf, { eventId: event!.id })).nextAttemptAt).toBe(h.clock.now());
    const error = await typedError(eventsResendCommand(h.hf, { eventId: 'evt_nope' }));
    expect([error.code, error.usage, error.message]).toEqual(['EVENT_NOT_FOUND', false, 'no webhook event with id "evt_nope"; list events with `holdfast events list`']);
  });
});

describe('holdfast events on the command line', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());
  const ENV = { HOLDFAST_FAKE_GATEWAY: '1', HOLDFAST_WEBHOOK_URL: 'http://127.0.0.1:9/hooks', HOLDFAST_WEBHOOK_SECRET: 's', NO_COLOR: '1' };

  it('lists as JSON and as a table, resends, and exits 1 for an unknown id and 2 for bad input', async () => {
    const db = join(dir, 'events.db');
    const run = (args: string[]) => runCliInProcess(['--db', db, ...args], { cwd: dir, env: ENV });
    const created = await run(['--json', 'authorize', '--gateway', 'fake', '--amount', '10.00', '--currency', 'USD', '--subscription-id', 'sub-1', '--create-db']);
    expect(created.code, created.stderr).toBe(0);
    const holdId = JSON.parse(created.stdout).id as string;
    expect((await run(['void', holdId])).code).toBe(0);

    const listed = await run(['--json', 'events', 'list', '--undelivered', '--hold', holdId, '--limit', '5']);
    expect(listed.code, listed.stderr).toBe(0);
    const events = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(events).toHaveLength(1);
    expect(Object.keys(events[0]!)).toEqual(['id', 'holdId', 'type', 'createdAt', 'attempts', 'deliveredAt', 'nextAttemptAt', 'lastError', 'payload']);
    expect(events[0]).toMatchObject({ holdId, type: 'hold.voided', attempts: 0, deliveredAt: null, lastError: null, payload: { type: 'hold.voided' } });
    const id = events[0]!.id as string;

    const table = await run(['events', 'list']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(id);
    expect(table.stdout).toMatch(/hold\.voided.*due now/);

    const resent = await run(['events', 'resend', id]);
    expect(resent.code, resent.stderr).toBe(0);
    expect(resent.stdout).toBe(`event ${id} (hold.voided, hold ${holdId}) is queued for delivery now: the daemon sends it at its next look at the outbox (every 5 s)\n`);

    const unknown = await run(['--json', 'events', 'resend', 'evt_nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('holdfast: no webhook event with id "evt_nope"; list events with `holdfast events list`\n');
    expect(JSON.parse(unknown.stdout)).toEqual({ error: { code: 'EVENT_NOT_FOUND', message: 'no webhook event with id "evt_nope"; list events with `holdfast events list`' } });

    expect((await run(['events', 'list', '--limit', '0'])).code).toBe(2);
    expect((await run(['events', 'resend'])).code).toBe(2);
  });
});
