// `holdfast demo`: the whole lifecycle on a fresh machine. Starts the gateway simulator on a free
// loopback port, opens a new database in a temp directory (kept, so the holds can be inspected after
// with `holdfast --db <path> show <id>`), opens one hold per order of the story below, runs the
// sweeper twice a simulated day for 28 days with an injected clock, and checks the simulator's ledger
// at the end. The story is data: an order (what its hold shows, how it is opened) and the things
// people do to it by hand on a given day; add an order or an action to extend it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Holdfast, openHoldfast } from '../../holds/holdfast.js';
import { createKushkiGateway } from '../../gateways/kushki/index.js';
import { type Simulator, startSimulator } from '../../simulator/index.js';
import { ManualClock } from '../../clock.js';
import { DAY_MS, HOUR_MS } from '../../policy/expiry-policy.js';
import { HoldfastError } from '../../errors.js';
import type { Hold } from '../../holds/types.js';
import { newTable } from '../render/table.js';
import { colorState, terminalStyle, type TerminalStyle } from '../render/terminal-style.js';
import { moneyText } from '../render/money-text.js';
import { sweepReportText } from '../render/sweep-report-text.js';
import { replacementChain } from './show.js';

/** What the demo ends with, for tests: final holds, whether the ledger shows each effect once, the database kept. */
export interface DemoResult {
  holds: Hold[];
  exactlyOnce: boolean;
  /** Sweeps run, and those that acted on at least one hold (each one printed). */
  sweeps: number;
  sweepsThatActed: number;
  /** The demo's SQLite file, left in place for `holdfast --db <path> list`. */
  database: string;
}

/** What an order's set-up and actions may use. */
interface DemoContext {
  hf: Holdfast;
  sim: Simulator;
  /** When the story starts (epoch ms). */
  start: number;
}

/** One order of the story: what its hold shows, and how it is opened at the start. */
interface DemoOrder {
  orderId: string;
  story: string;
  open(ctx: DemoContext): Promise<Hold>;
}

/** Something a person does by hand, `day` days and `hour` hours after the start, before that sweep. */
interface DemoAction {
  day: number;
  hour: number;
  orderId: string;
  /** One line for the log, e.g. "cancelled by the customer: voided through the API". */
  says: string;
  run(ctx: DemoContext, hold: Hold): Promise<unknown>;
}

/** The orders, in the order their rows are shown. */
const ORDERS: readonly DemoOrder[] = [
  {
    orderId: 'order-1001',
    story: 'credit card, ships later, the order system said "capture": the sweeper captures it at its act-by',
    open: ({ hf }) => hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-ana-credit', amount: 6000, currency: 'PEN', orderId: 'order-1001', onExpiry: 'capture' }),
  },
  {
    orderId: 'order-1002',
    story: 'debit card, shipped on day 2 without one item: captured in part by hand, the rest released',
    open: ({ hf }) => hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-luis-debit', amount: 12550, currency: 'PEN', orderId: 'order-1002', onExpiry: 'capture' }),
  },
  {
    orderId: 'order-1003',
    story: 'debit card, nobody decides: released (voided) at its act-by, the default',
    open: ({ hf }) => hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-rosa-debit', amount: 15000, currency: 'CLP', orderId: 'order-1003' }),
  },
  {
    orderId: 'order-1004',
    story: 'the issuer refuses the capture at act-by: the hold is released inside its window, never retried',
    open: ({ hf }) => hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-decline-capture', amount: 9900, currency: 'USD', orderId: 'order-1004', onExpiry: 'capture' }),
  },
  {
    orderId: 'order-1005',
    story: 'cancelled by the customer on day 1: voided by hand',
    open: ({ hf }) => hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-omar-credit', amount: 45000, currency: 'MXN', orderId: 'order-1005', onExpiry: 'capture' }),
  },
  {
    orderId: 'order-1006',
    story: 'the issuer declines the authorization: no funds are held; the hold keeps the amount asked for',
    open: async ({ hf }) => {
      const request = { gateway: 'kushki', subscriptionId: 'sub-decline-auth', amount: 3000, currency: 'COP', orderId: 'order-1006', idempotencyKey: 'order-1006-auth' };
      try {
        return await hf.authorize(request);
      } catch (error) {
        if (!(error instanceof HoldfastError) || error.code !== 'GATEWAY_DECLINED') throw error;
        return (await hf.list({ orderId: 'order-1006' })).holds[0]!;
      }
    },
  },
  {
    orderId: 'order-1007',
    story: 'authorized elsewhere almost 7 days ago and registered too late: it lapses, and nothing is sent after its window',
    open: ({ hf, start }) =>
      hf.track({ gateway: 'kushki', gatewayRef: '000123456789012345', amount: 2500, currency: 'USD', authorizedAt: start - 7 * DAY_MS + 30 * 60_000, cardType: 'debit', subscriptionId: 'sub-debit', orderId: 'order-1007' }),
  },
  {
    orderId: 'order-1008',
    story: 'a backordered sofa on a debit card (7-day window) that ships on day 12: extended on day 3, again by the sweeper, captured on day 12',
    open: ({ hf }) => hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-eva-debit', amount: 189_900, currency: 'PEN', orderId: 'order-1008', onExpiry: 'capture' }),
  },
  {
    orderId: 'order-1009',
    story: 'made-to-measure curtains on a debit card, ready on day 10: on day 6 the sweeper replaces the hold (a new authorization on the stored card; the old one is released only once the new one is approved), captured on day 10',
    open: async ({ hf, start }) => {
      const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-ivan-debit', amount: 64_900, currency: 'PEN', orderId: 'order-1009', onExpiry: 'capture' });
      return hf.setOnExpiry(hold.id, 'extend', { holdUntil: start + 10 * DAY_MS, fallback: 'capture', by: 'replacement' });
    },
  },
];

/** What people do by hand during the story. */
const ACTIONS: readonly DemoAction[] = [
  { day: 1, hour: 1, orderId: 'order-1005', says: 'cancelled by the customer: voided through the API', run: ({ hf }, hold) => hf.void(hold.id) },
  {
    day: 2, hour: 1, orderId: 'order-1002', says: 'shipped without one item: captured 100.00 PEN through the API, the rest released',
    run: ({ hf }, hold) => hf.capture(hold.id, { amount: 10000 }),
  },
  {
    day: 3, hour: 1, orderId: 'order-1008', says: 'is backordered until day 12: reauthorized now, kept until then, captured at holdUntil',
    run: ({ hf, start }, hold) => hf.extend(hold.id, { holdUntil: start + 12 * DAY_MS, fallback: 'capture' }),
  },
];

// Twice a simulated day, like a daemon on a coarse schedule.
const SWEEP_HOURS = [1, 13];
const DAYS = 28;

/** Runs the demo, writing its report through `out`. */
export async function demoCommand(out: (text: string) => void = (t) => process.stdout.write(`${t}\n`)): Promise<DemoResult> {
  const start = Date.UTC(2026, 2, 2, 9);
  const clock = new ManualClock(start);
  const style: TerminalStyle = terminalStyle(process.env, process.stdout, start);
  const database = join(mkdtempSync(join(tmpdir(), 'holdfast-demo-')), 'demo.db');
  const sim = await startSimulator({ clock, latencyMs: 2 });
  const kushki = createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'demo-merchant', clock });
  const hf = await openHoldfast({ database, gateways: [kushki], clock });
  const ctx: DemoContext = { hf, sim, start };
  try {
    out(INTRO);
    out(`\nGateway simulator (Kushki's wire format) on ${sim.url}; database ${database}; simulated clock starts ${minute(start)} UTC.`);
    out('\nThe orders:');
    for (const order of ORDERS) out(`  ${order.orderId}  ${order.story}`);

    sim.cards.registerSubscription('sub-ana-credit', { cardType: 'credit' });
    sim.cards.registerSubscription('sub-luis-debit', { cardType: 'debit' });
    sim.cards.registerSubscription('sub-rosa-debit', { cardType: 'debit' });
    sim.cards.registerSubscription('sub-omar-credit', { cardType: 'credit' });
    sim.cards.registerSubscription('sub-eva-debit', { cardType: 'debit' });
    sim.cards.registerSubscription('sub-ivan-debit', { cardType: 'debit' });
    const ids = new Map<string, string>();
    for (const order of ORDERS) ids.set(order.orderId, (await order.open(ctx)).id);
    // An order's hold is the last of its replacement chain.
    const current = () => Promise.all(ORDERS.map(async (order) => (await replacementChain(hf, await hf.get(ids.get(order.orderId)!))).at(-1)!));

    out('\nHolds at the start:');
    out(holdsTable(await current(), style, clock.now()));

    let sweeps = 0;
    let sweepsThatActed = 0;
    for (let day = 0; day <= DAYS; day++) {
      for (const hour of SWEEP_HOURS) {
        clock.set(start + day * DAY_MS + hour * HOUR_MS);
        for (const action of ACTIONS.filter((a) => a.day === day && a.hour === hour)) {
          await action.run(ctx, await hf.get(ids.get(action.orderId)!));
          out(`\n${minute(clock.now())}  ${action.orderId} ${action.says}`);
        }
        const report = await hf.sweep();
        sweeps++;
        if (report.items.length + report.itemsOmitted > 0) {
          sweepsThatActed++;
          out(`\nSweep at ${minute(clock.now())} (day ${day}):`);
          out(sweepReportText(report, style));
        }
      }
    }
    out(`\n${sweeps} sweeps over ${DAYS} simulated days; ${sweepsThatActed} acted (shown above), the others found nothing due.`);

    const holds = await current();
    out('\nFinal states:');
    out(holdsTable(holds, style, clock.now()));

    const ledger = sim.ledger.snapshot();
    const table = newTable(['order', 'gateway ref', 'authorized', 'reauthorizations', 'captures', 'voids'], style, { align: ['left', 'left', 'right', 'left', 'left', 'left'] });
    // Every hold of every order, replaced ones included, to match each authorization the gateway holds.
    const everyHold = (await Promise.all(ORDERS.map(async (order) => (await hf.list({ orderId: order.orderId })).holds))).flat();
    let exactlyOnce = true;
    for (const auth of ledger.authorizations) {
      const hold = everyHold.find((h) => h.gatewayRef === auth.ref);
      if (auth.captures.length + auth.voids.length > 1) exactlyOnce = false;
      if (hold?.state === 'captured' || hold?.state === 'partially_captured') exactlyOnce &&= auth.captures.length === 1;
      if (hold?.state === 'voided') exactlyOnce &&= auth.voids.length === 1;
      // A replaced authorization is released once (or, its release unresolved, lapses): never captured.
      if (hold?.state === 'replaced') exactlyOnce &&= auth.captures.length === 0 && auth.voids.length <= 1;
      if (hold?.state === 'expired') exactlyOnce &&= auth.captures.length + auth.voids.length === 0;
      table.push([
        hold?.orderId ?? '',
        auth.ref,
        moneyText(auth.authorizedAmount, auth.currency),
        auth.reauthorizations.map((r) => `at ${minute(r.at)}`).join('; ') || '—',
        auth.captures.map((c) => `${moneyText(c.amount, c.currency)} at ${minute(c.at)}`).join('; ') || '—',
        auth.voids.map((v) => `at ${minute(v.at)}`).join('; ') || '—',
      ]);
    }
    out("\nThe simulator's ledger (what the gateway actually did; a declined authorization holds nothing):");
    out(table.toString());
    const lapsed = holds.filter((h) => h.state === 'expired').length;
    out(
      exactlyOnce
        ? `\n✓ every capture and void happened exactly once; ${lapsed} ${lapsed === 1 ? 'hold' : 'holds'} lapsed with no gateway call after ${lapsed === 1 ? 'its' : 'their'} window`
        : '\n✗ the ledger and the holds disagree',
    );
    const example = holds.find((h) => h.orderId === 'order-1004') ?? holds[0]!;
    out(`\nThe database is kept. To look at the holds (times there are the simulated ones):`);
    out(`  holdfast --db ${shellQuote(database)} list`);
    out(`  holdfast --db ${shellQuote(database)} show ${example.id}    # ${example.orderId}: the declined capture, then the void`);
    out('(from this repository: npx holdfast …)');
    return { holds, exactlyOnce, sweeps, sweepsThatActed, database };
  } finally {
    await hf.close();
    await kushki.close?.();
    await sim.close();
  }
}

const INTRO = `holdfast demo — what happens to card authorization holds over four weeks, in a few seconds.

An authorization hold reserves an amount on a customer's card without charging it: the shop captures
it (charges all or part) when the order ships, or voids it (releases it) when it will not. The issuer
keeps a hold only for a while — Kushki: 7 days on a debit card, 28 on a credit card — and then
silently releases the funds. For each hold:
  expires  when the issuer releases it; nothing can be captured after that, so holdfast sends nothing then;
  act by   when holdfast acts on its own (by default 24 h before expires): it captures or voids, as the
           order system asked (void if nobody said), with time left to retry an unanswered call.`;

function minute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function holdsTable(holds: Hold[], style: TerminalStyle, now: number): string {
  const table = newTable(['order', 'state', 'amount', 'captured', 'card', 'on expiry', 'act by', 'expires'], style, {
    align: ['left', 'left', 'right', 'right', 'left', 'left', 'left', 'left'],
  });
  for (const h of holds) {
    table.push([
      h.orderId ?? '',
      colorState(h.state, style.colors),
      h.authorizedAt === null ? `${moneyText(h.amount, h.currency)} asked` : moneyText(h.amount, h.currency),
      moneyText(h.capturedAmount, h.currency),
      h.cardType,
      h.onExpiry,
      h.actBy === null ? '—' : `${minute(h.actBy)}${!h.closed && h.actBy <= now ? ' (due)' : ''}`,
      h.expiresAt === null ? '—' : minute(h.expiresAt),
    ]);
  }
  return table.toString();
}
