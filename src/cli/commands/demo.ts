// `holdfast demo`: the lifecycle of a few holds on a fresh temporary database with the in-process
// fake gateway and a manual clock. (The sweeper and the HTTP simulator join it as they land.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openHoldfast } from '../../holds/holdfast.js';
import { FakeGateway } from '../../gateways/fake/index.js';
import { ManualClock } from '../../clock.js';
import { formatAmount } from '../../money/money.js';
import type { Hold } from '../../holds/types.js';

/** Runs the demo, writing its report to `out`; returns the final holds. */
export async function demoCommand(out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<Hold[]> {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-demo-'));
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9));
  const gateway = new FakeGateway({ now: () => clock.now() });
  gateway.setSource('sub-debit', { cardType: 'debit' });
  gateway.setSource('sub-credit', { cardType: 'credit' });
  gateway.setSource('sub-capture-decline', { cardType: 'credit', declineCapture: true });
  const hf = await openHoldfast({ database: join(dir, 'demo.db'), gateways: [gateway], clock, logger: pino({ level: 'silent' }) });
  try {
    const a = await hf.authorize({ gateway: 'fake', subscriptionId: 'sub-credit', amount: 6000, currency: 'PEN', orderId: 'order-1' });
    const b = await hf.authorize({ gateway: 'fake', subscriptionId: 'sub-debit', amount: 12550, currency: 'PEN', orderId: 'order-2' });
    const c = await hf.authorize({ gateway: 'fake', subscriptionId: 'sub-debit', amount: 15000, currency: 'CLP', orderId: 'order-3' });
    const d = await hf.authorize({ gateway: 'fake', subscriptionId: 'sub-capture-decline', amount: 9900, currency: 'USD', orderId: 'order-4' });
    out('Authorized:');
    table(out, await Promise.all([a, b, c, d].map((h) => hf.get(h.id))));
    clock.advance(2 * 24 * 3_600_000);
    await hf.capture(a.id);
    await hf.capture(b.id, { amount: 10000 });
    await hf.void(c.id);
    const declined = await hf.capture(d.id).catch((e: Error) => e.message);
    out(`\nTwo days later: captured order-1, captured 100.00 of order-2, voided order-3; order-4: ${String(declined)}`);
    const final = await Promise.all([a, b, c, d].map((h) => hf.get(h.id)));
    table(out, final);
    const effects = gateway.effects();
    out(`\nGateway ledger: ${effects.captures} captures, ${effects.voids} voids, ${gateway.calls.capture} capture calls`);
    return final;
  } finally {
    await hf.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(out: (line: string) => void, holds: Hold[]): void {
  out(['order', 'state', 'amount', 'captured', 'card', 'expires at'].map((h) => h.padEnd(20)).join(''));
  for (const h of holds) {
    out([
      h.orderId ?? '',
      h.state,
      `${formatAmount(h.amount, h.currency)} ${h.currency}`,
      formatAmount(h.capturedAmount, h.currency),
      h.cardType,
      h.expiresAt === null ? '' : new Date(h.expiresAt).toISOString().slice(0, 16),
    ].map((c) => c.padEnd(20)).join(''));
  }
}
