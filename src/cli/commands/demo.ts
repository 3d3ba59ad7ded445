// `holdfast demo`: the whole lifecycle on a fresh machine. Starts the gateway simulator on a free
// loopback port, uses a throwaway database, authorizes and tracks a mix of holds, runs the sweeper
// across simulated days with an injected clock, and shows the simulator's ledger at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openHoldfast } from '../../holds/holdfast.js';
import { createKushkiGateway } from '../../gateways/kushki/index.js';
import { startSimulator } from '../../simulator/index.js';
import { ManualClock } from '../../clock.js';
import { DAY_MS, HOUR_MS } from '../../policy/expiry-policy.js';
import type { Hold } from '../../holds/types.js';
import { newTable } from '../render/table.js';
import { colorState, terminalStyle, type TerminalStyle } from '../render/terminal-style.js';
import { moneyText } from '../render/money-text.js';
import { sweepReportText } from '../render/sweep-report-text.js';

/** What the demo ends with, for tests: final holds and whether the ledger shows each effect once. */
export interface DemoResult {
  holds: Hold[];
  exactlyOnce: boolean;
  sweeps: number;
}

/** Runs the demo, writing its report through `out`. */
export async function demoCommand(out: (text: string) => void = (t) => process.stdout.write(`${t}\n`)): Promise<DemoResult> {
  const start = Date.UTC(2026, 2, 2, 9);
  const clock = new ManualClock(start);
  const style: TerminalStyle = terminalStyle(process.env, process.stdout, start);
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-demo-'));
  const sim = await startSimulator({ clock, latencyMs: 2 });
  const kushki = createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'demo-merchant', clock });
  const hf = await openHoldfast({ database: join(dir, 'demo.db'), gateways: [kushki], clock, logger: pino({ level: 'silent' }) });
  try {
    out(`Gateway simulator on ${sim.url}; database in ${dir}; clock starts ${iso(start)}\n`);
    sim.cards.registerSubscription('sub-ana-credit', { cardType: 'credit' });
    sim.cards.registerSubscription('sub-luis-debit', { cardType: 'debit' });
    sim.cards.registerSubscription('sub-rosa-debit', { cardType: 'debit' });
    sim.cards.registerSubscription('sub-omar-credit', { cardType: 'credit' });
    sim.cards.registerSubscription('sub-eva-debit', { cardType: 'debit' });
    const ids: string[] = [];
    const add = (hold: Hold) => (ids.push(hold.id), hold);
    // Ship later, charge on fulfilment: the order system says "capture" and forgets about it.
    add(await hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-ana-credit', amount: 6000, currency: 'PEN', orderId: 'order-1001', onExpiry: 'capture' }));
    // Shipped on day 2 without one item: captured partly, by hand.
    const partial = add(await hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-luis-debit', amount: 12550, currency: 'PEN', orderId: 'order-1002', onExpiry: 'capture' }));
    // Nobody decides: released at actBy (the default), with a hold.expiring_soon warning first.
    add(await hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-rosa-debit', amount: 15000, currency: 'CLP', orderId: 'order-1003' }));
    // The issuer refuses the capture: the hold is released inside its window, never retried.
    add(await hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-decline-capture', amount: 9900, currency: 'USD', orderId: 'order-1004', onExpiry: 'capture' }));
    // Cancelled by the customer on day 1: voided by hand.
    const cancelled = add(await hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-omar-credit', amount: 45000, currency: 'MXN', orderId: 'order-1005', onExpiry: 'capture' }));
    // Authorized elsewhere almost seven days ago and registered too late: it lapses, and nothing is sent.
    const lapsing = await hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-debit', amount: 3000, currency: 'COP', orderId: 'order-1006' });
    const tracked = add(
      await hf.track({ gateway: 'kushki', gatewayRef: '000123456789012345', amount: 2500, currency: 'USD', authorizedAt: start - 7 * DAY_MS + 30 * 60_000, cardType: 'debit', subscriptionId: 'sub-debit', orderId: 'order-1007' }),
    );
    add(lapsing);
    // A backordered sofa on a debit card (7-day window) that ships on day 12: extended on day 3 when
    // the backorder is known, by the sweeper at the next actBy, and captured when it ships.
    const backordered = add(await hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-eva-debit', amount: 189_900, currency: 'PEN', orderId: 'order-1008', onExpiry: 'capture' }));

    out('Holds at the start:');
    out(holdsTable(await Promise.all(ids.map((id) => hf.get(id))), style, clock.now()));

    let sweeps = 0;
    for (let day = 0; day <= 28; day++) {
      for (const hour of [1, 13]) {
        clock.set(start + day * DAY_MS + hour * HOUR_MS);
        if (day === 1 && hour === 1) {
          await hf.void(cancelled.id);
          out(`\n${iso(clock.now())}  order-1005 cancelled by the customer: voided through the API`);
        }
        if (day === 3 && hour === 1) {
          await hf.extend(backordered.id, { holdUntil: start + 12 * DAY_MS, fallback: 'capture' });
          out(`\n${iso(clock.now())}  order-1008 is backordered until day 12: reauthorized now, kept until then, captured at holdUntil`);
        }
        if (day === 2 && hour === 1) {
          await hf.capture(partial.id, { amount: 10000 });
          out(`\n${iso(clock.now())}  order-1002 shipped without one item: captured 100.00 PEN through the API, the rest released`);
        }
        const report = await hf.sweep();
        sweeps++;
        if (report.items.length > 0) {
          out(`\nSweep at ${iso(clock.now())}:`);
          out(sweepReportText(report, style));
        }
      }
    }
    void tracked;

    const holds = await Promise.all(ids.map((id) => hf.get(id)));
    out('\nFinal states:');
    out(holdsTable(holds, style, clock.now()));

    const ledger = sim.ledger.snapshot();
    const table = newTable(['order', 'gateway ref', 'authorized', 'reauthorizations', 'captures', 'voids'], style, { align: ['left', 'left', 'right', 'left', 'left', 'left'] });
    let exactlyOnce = true;
    for (const auth of ledger.authorizations) {
      const hold = holds.find((h) => h.gatewayRef === auth.ref);
      if (auth.captures.length + auth.voids.length > 1) exactlyOnce = false;
      if (hold?.state === 'captured' || hold?.state === 'partially_captured') exactlyOnce &&= auth.captures.length === 1;
      if (hold?.state === 'voided') exactlyOnce &&= auth.voids.length === 1;
      if (hold?.state === 'expired') exactlyOnce &&= auth.captures.length + auth.voids.length === 0;
      table.push([
        hold?.orderId ?? '',
        auth.ref,
        moneyText(auth.authorizedAmount, auth.currency),
        auth.reauthorizations.map((r) => `at ${iso(r.at)}`).join('; ') || '—',
        auth.captures.map((c) => `${moneyText(c.amount, c.currency)} at ${iso(c.at)}`).join('; ') || '—',
        auth.voids.map((v) => `at ${iso(v.at)}`).join('; ') || '—',
      ]);
    }
    out('\nThe simulator\'s ledger (what the gateway actually did):');
    out(table.toString());
    out(
      exactlyOnce
        ? `\n✓ every capture and void happened exactly once; ${holds.filter((h) => h.state === 'expired').length} hold lapsed with no gateway call after its window`
        : '\n✗ the ledger and the holds disagree',
    );
    return { holds, exactlyOnce, sweeps };
  } finally {
    await hf.close();
    await kushki.close?.();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

function holdsTable(holds: Hold[], style: TerminalStyle, now: number): string {
  const table = newTable(['order', 'state', 'amount', 'captured', 'card', 'on expiry', 'act by', 'expires'], style, {
    align: ['left', 'left', 'right', 'right', 'left', 'left', 'left', 'left'],
  });
  for (const h of holds) {
    table.push([
      h.orderId ?? '',
      colorState(h.state, style.colors),
      moneyText(h.amount, h.currency),
      moneyText(h.capturedAmount, h.currency),
      h.cardType,
      h.onExpiry,
      h.actBy === null ? '' : `${iso(h.actBy)}${!h.closed && h.actBy <= now ? ' (due)' : ''}`,
      h.expiresAt === null ? '' : iso(h.expiresAt),
    ]);
  }
  return table.toString();
}
