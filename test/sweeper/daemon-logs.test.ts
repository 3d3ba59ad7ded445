// The daemon's log: one JSON line per sweep (owner, due and claimed, totals by outcome, duration) and one per
// gateway exchange (hold, gateway, operation, outcome, ms, redacted message), as the README says —
// captured from pino while the daemon sweeps a population against the fake gateway, one of whose
// refusals echoes a card number back.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { Writable } from 'node:stream';
import { openHarness, quietSchedule } from '../helpers/harness.js';
import { EchoingGateway, ECHOED_PAN } from '../helpers/echoing-gateway.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { engineOf } from '../../src/holds/internals.js';
import { startSimulator } from '../../src/simulator/index.js';
import { createKushkiGateway } from '../../src/gateways/kushki/index.js';
import { openHoldfast } from '../../src/holds/holdfast.js';
import { ManualClock } from '../../src/clock.js';
import { DAY_MS, tempDir } from '../helpers/harness.js';

/** A pino logger at `level` whose lines land in the returned array. */
function capturingLogger(level: string) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter((l) => l !== ''));
      done();
    },
  });
  return { lines, logger: pino({ level }, sink) };
}

describe('daemon log lines', () => {
  it('writes one line per sweep and one per gateway exchange, never a card number', async () => {
    const { lines, logger } = capturingLogger('info');
    let echoing: EchoingGateway | undefined;
    const h = await openHarness(undefined, { logger, makeFake: (o) => (echoing = new EchoingGateway(o)) });
    try {
      echoing!.declineCapturesWith('echo', `Tarjeta ${ECHOED_PAN} rechazada`);
      // Population: due for capture, due for void, due for a capture the issuer refuses (then voided
      // in the same pass), and one not due yet.
      const capture = await h.hf.authorize({ gateway: 'fake', amount: 1000, currency: 'PEN', subscriptionId: 'cap', onExpiry: 'capture' });
      await h.hf.authorize({ gateway: 'fake', amount: 2000, currency: 'PEN', subscriptionId: 'void' });
      await h.hf.authorize({ gateway: 'fake', amount: 3000, currency: 'PEN', subscriptionId: 'echo', onExpiry: 'capture' });
      h.clock.advance(3_600_000);
      const later = await h.hf.authorize({ gateway: 'fake', amount: 4000, currency: 'PEN', subscriptionId: 'later' });
      h.clock.set(capture.actBy!);
      const before = lines.length;
      const daemon = await startDaemon(h.hf, { schedule: quietSchedule() });
      await daemon.firstSweep;
      await daemon.stop();
      const logged = lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);

      const sweeps = logged.filter((l) => l.event === 'sweep');
      expect(sweeps).toHaveLength(1);
      expect(sweeps[0]).toMatchObject({ level: 30, msg: 'sweep', dryRun: false, due: 3, claimed: 4, holds: 4, totals: { approved: 3, declined: 1 } });
      expect(typeof sweeps[0]!.owner).toBe('string');
      expect(typeof sweeps[0]!.durationMs).toBe('number');

      const exchanges = logged.filter((l) => l.event === 'gateway_exchange');
      // One line per exchange: as many as the gateway answered, and as many as were stored.
      expect(exchanges).toHaveLength(h.fake.calls.capture + h.fake.calls.void);
      const stored = await engineOf(h.hf).store.db.selectFrom('gateway_exchanges').select('hold_id').where('operation', '!=', 'authorize').execute();
      expect(exchanges).toHaveLength(stored.length);
      expect(exchanges.map((e) => `${e.operation} ${e.outcome}`).sort()).toEqual(['capture approved', 'capture declined', 'void approved', 'void approved']);
      for (const e of exchanges) {
        expect(e).toMatchObject({ msg: 'gateway exchange', gateway: 'fake' });
        expect(Object.keys(e).sort()).toEqual(['event', 'gateway', 'holdId', 'hostname', 'httpStatus', 'idempotencyKey', 'level', 'message', 'ms', 'msg', 'operation', 'outcome', 'pid', 'state', 'time'].sort());
        expect(typeof e.ms).toBe('number');
        expect(e.holdId).not.toBe(later.id);
      }
      const declined = exchanges.find((e) => e.outcome === 'declined')!;
      expect(declined.message).toMatch(/^Tarjeta 454700\S*1012 rechazada$/);
      // The daemon adds its own lines (started, stopped); nothing else.
      expect(logged.map((l) => l.event).filter((e) => e !== 'sweep' && e !== 'gateway_exchange')).toEqual(['daemon_started', 'daemon_stopped']);
      expect(lines.join('\n')).not.toContain(ECHOED_PAN);
    } finally {
      await h.close();
    }
  });

  it('against the Kushki adapter and the simulator: still one info line per exchange (the wire record only at debug)', async () => {
    const sim = await startSimulator();
    const dir = tempDir();
    const { lines, logger } = capturingLogger('info');
    // Authorized 27.5 days ago on a 28-day credit window: due now under the 24 h lead time.
    const clock = new ManualClock(Date.now() - 27.5 * DAY_MS);
    const kushki = createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'm', clock, logger });
    const hf = await openHoldfast({ database: `${dir.dir}/sim.db`, clock, logger, gateways: [kushki] });
    try {
      const seen = sim.requests().length;
      await hf.authorize({ gateway: 'kushki', subscriptionId: `logs-cap-${Date.now()}`, amount: 4200, currency: 'PEN', onExpiry: 'capture' });
      await hf.authorize({ gateway: 'kushki', subscriptionId: `logs-void-${Date.now()}`, amount: 1500, currency: 'PEN' });
      clock.set(Date.now());
      const daemon = await startDaemon(hf, { schedule: quietSchedule() });
      await daemon.firstSweep;
      await daemon.stop();
      const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      const requests = sim.requests().slice(seen);
      expect(requests.map((r) => r.operation).sort()).toEqual(['authorize', 'authorize', 'capture', 'void']);
      const exchanges = logged.filter((l) => l.event === 'gateway_exchange');
      expect(exchanges.map((e) => `${e.gateway} ${e.operation} ${e.outcome} ${e.httpStatus}`).sort()).toEqual([
        'kushki authorize approved 201', 'kushki authorize approved 201', 'kushki capture approved 201', 'kushki void approved 200',
      ]);
      expect(logged.filter((l) => l.event === 'sweep')).toHaveLength(1);
      expect(logged.filter((l) => l.event === 'gateway_exchange_record')).toEqual([]);
      expect(lines.join('\n')).not.toMatch(/"(request|response|headers|body)"/);
    } finally {
      await hf.close();
      await sim.close();
      dir.cleanup();
    }
  });
});

