// A named population of holds for the operations page, made through the real API on a harness whose
// fake gateway allows two captures: holds in every state, some that need a person, open holds whose
// actBy falls on known days, holds that expired on known days, and holds that must be left out.
// Every figure the page should show is derived here from the population, once.
import type { Harness } from './harness.js';
import type { Hold } from '../../machines/hold-types.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';

/** When the population is looked at: 2026-01-15T10:00Z (a Thursday). */
export const OPS_NOW = Date.UTC(2026, 0, 15, 10);

/** The holds of the population by name. */
export interface OpsPopulation {
  holds: Record<OpsHoldName, Hold>;
  /** Amounts (minor units) still held by actBy day, per currency, ISO day → amount. */
  stillHeld: Record<string, Record<string, number>>;
  /** Amounts (minor units) that expired uncaptured, per currency, ISO day → amount (last 30 days). */
  expired: Record<string, Record<string, number>>;
}

export type OpsHoldName =
  | 'ancientExpired' | 'expiredPen' | 'expiredUsd' | 'expiredPenLater'
  | 'flagged' | 'captured' | 'voided' | 'declinedAuthorization'
  | 'partOpen' | 'partClosed' | 'declinedCapture' | 'declinedThenNotSent' | 'declinedThenVoided'
  | 'openCapture' | 'openAuthorize'
  | 'overdue' | 'dueToday' | 'dueDay2' | 'clpDay3' | 'usdDay6' | 'usdDay7';

/** The holds that need a person, by kind. */
export const ATTENTION: Record<'needs_attention' | 'capture_declined' | 'outcome_open', OpsHoldName[]> = {
  needs_attention: ['flagged'],
  capture_declined: ['declinedCapture'],
  outcome_open: ['openCapture', 'openAuthorize'],
};

/** Builds the population; the harness must have a fake gateway with `maxCaptures: 2`. */
export async function seedOpsPopulation(h: Harness): Promise<OpsPopulation> {
  const { hf, clock, fake } = h;
  const debit = (sub: string) => {
    fake.setSource(sub, { cardType: 'debit' });
    return sub;
  };
  const authorize = (order: string, amount: number, currency: string, subscriptionId: string, extra: { metadata?: Record<string, unknown> } = {}) =>
    hf.authorize({ gateway: 'fake', orderId: order, amount, currency, subscriptionId, ...extra });
  const byOrder = async (order: string) => (await hf.list({ orderId: order })).holds[0]!;
  const failing = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected the gateway call to fail'); }, () => undefined);

  // Expired 48 days before OPS_NOW: outside the 30-day chart.
  clock.set(Date.UTC(2025, 10, 20, 8));
  await authorize('order-0900', 900, 'PEN', debit('sub-ancient'));
  clock.set(Date.UTC(2025, 10, 28, 9));
  await hf.sweep();

  clock.set(Date.UTC(2026, 0, 5, 1));
  await authorize('order-1001', 4000, 'PEN', debit('sub-exp-pen'));
  await authorize('order-1002', 1250, 'USD', debit('sub-exp-usd'));
  const flagged = await authorize('order-1003', 6000, 'PEN', debit('sub-flagged'), { metadata: { note: 'gift wrap <b>please</b>' } });
  fake.injectFault('capture', 'commit-then-fail');
  await failing(hf.capture(flagged.id));
  const captured = await authorize('order-1004', 3300, 'PEN', debit('sub-captured'));
  await hf.capture(captured.id);
  const voided = await authorize('order-1005', 4400, 'USD', debit('sub-voided'));
  await hf.void(voided.id);
  fake.setSource('sub-declined-auth', { declineAuthorize: true });
  await failing(authorize('order-1006', 5500, 'PEN', 'sub-declined-auth'));

  clock.set(Date.UTC(2026, 0, 6, 4));
  await authorize('order-1007', 2500, 'PEN', debit('sub-exp-later'));

  clock.set(Date.UTC(2026, 0, 10, 12));
  const partOpen = await authorize('order-1008', 10000, 'PEN', debit('sub-part-open'));
  await hf.capture(partOpen.id, { amount: 3000 });
  const partClosed = await authorize('order-1009', 5000, 'PEN', debit('sub-part-closed'));
  await hf.capture(partClosed.id, { amount: 1000, final: true });

  // Past the first three windows: two expire, the unknown capture goes to an operator.
  clock.set(Date.UTC(2026, 0, 12, 3));
  await hf.sweep();
  clock.set(Date.UTC(2026, 0, 13, 5));
  await hf.sweep();

  clock.set(OPS_NOW);
  fake.setSource('sub-capture-declines', { declineCapture: true });
  const declinedCapture = await authorize('order-2001', 8000, 'PEN', 'sub-capture-declines');
  await failing(hf.capture(declinedCapture.id));
  const declinedThenNotSent = await authorize('order-2002', 1500, 'USD', 'sub-declined-not-sent');
  fake.injectFault('capture', 'decline');
  await failing(hf.capture(declinedThenNotSent.id));
  fake.injectFault('capture', 'unavailable');
  await failing(hf.capture(declinedThenNotSent.id));
  const declinedThenVoided = await authorize('order-2003', 1600, 'USD', 'sub-declined-voided');
  fake.injectFault('capture', 'decline');
  await failing(hf.capture(declinedThenVoided.id));
  await hf.void(declinedThenVoided.id);
  const openCapture = await authorize('order-2004', 3000, 'USD', 'sub-open-capture');
  fake.injectFault('capture', 'timeout');
  await failing(hf.capture(openCapture.id));
  fake.injectFault('authorize', 'timeout');
  await failing(authorize('order-2005', 500, 'USD', 'sub-open-authorize'));

  // Tracked authorizations whose actBy falls on known days (debit: actBy = authorizedAt + 6 d; credit: + 27 d).
  const track = (order: string, ref: string, amount: number, currency: string, cardType: 'debit' | 'credit', actBy: number) =>
    hf.track({ gateway: 'fake', gatewayRef: ref, orderId: order, amount, currency, cardType, authorizedAt: actBy - (cardType === 'debit' ? 6 : 27) * DAY_MS });
  const overdue = await track('order-3001', 'trk-3001', 7000, 'PEN', 'debit', Date.UTC(2026, 0, 14, 22));
  const dueToday = await track('order-3002', 'trk-3002', 1500, 'PEN', 'debit', Date.UTC(2026, 0, 15, 13));
  const dueDay2 = await track('order-3003', 'trk-3003', 2000, 'PEN', 'debit', Date.UTC(2026, 0, 17, 12));
  const clpDay3 = await track('order-3004', 'trk-3004', 15000, 'CLP', 'debit', Date.UTC(2026, 0, 18, 8));
  const usdDay6 = await track('order-3005', 'trk-3005', 9999, 'USD', 'credit', Date.UTC(2026, 0, 21, 23, 59, 59));
  const usdDay7 = await track('order-3006', 'trk-3006', 1000, 'USD', 'credit', Date.UTC(2026, 0, 22));

  const holds: Record<OpsHoldName, Hold> = {
    ancientExpired: await byOrder('order-0900'),
    expiredPen: await byOrder('order-1001'),
    expiredUsd: await byOrder('order-1002'),
    expiredPenLater: await byOrder('order-1007'),
    flagged: await hf.get(flagged.id),
    captured: await hf.get(captured.id),
    voided: await hf.get(voided.id),
    declinedAuthorization: await byOrder('order-1006'),
    partOpen: await hf.get(partOpen.id),
    partClosed: await hf.get(partClosed.id),
    declinedCapture: await hf.get(declinedCapture.id),
    declinedThenNotSent: await hf.get(declinedThenNotSent.id),
    declinedThenVoided: await hf.get(declinedThenVoided.id),
    openCapture: await hf.get(openCapture.id),
    openAuthorize: await byOrder('order-2005'),
    overdue, dueToday, dueDay2, clpDay3, usdDay6, usdDay7,
  };
  assertStates(holds);
  return {
    holds,
    stillHeld: {
      PEN: { '2026-01-15': 7000 + 1500, '2026-01-16': 10000 - 3000, '2026-01-17': 2000 },
      CLP: { '2026-01-18': 15000 },
      USD: { '2026-01-21': 9999 },
    },
    expired: {
      PEN: { '2026-01-12': 4000, '2026-01-13': 2500 },
      USD: { '2026-01-12': 1250 },
    },
  };
}

// The population is only useful if each hold really is where its name says.
function assertStates(holds: Record<OpsHoldName, Hold>): void {
  const expected: Record<OpsHoldName, string> = {
    ancientExpired: 'expired', expiredPen: 'expired', expiredUsd: 'expired', expiredPenLater: 'expired',
    flagged: 'needs_attention', captured: 'captured', voided: 'voided', declinedAuthorization: 'declined',
    partOpen: 'partially_captured', partClosed: 'partially_captured', declinedCapture: 'authorized',
    declinedThenNotSent: 'authorized', declinedThenVoided: 'voided', openCapture: 'capturing', openAuthorize: 'authorizing',
    overdue: 'authorized', dueToday: 'authorized', dueDay2: 'authorized', clpDay3: 'authorized', usdDay6: 'authorized', usdDay7: 'authorized',
  };
  const wrong = Object.entries(expected).filter(([name, state]) => holds[name as OpsHoldName].state !== state);
  if (wrong.length > 0) {
    throw new Error(`population: ${wrong.map(([name, state]) => `${name} is ${holds[name as OpsHoldName].state}, expected ${state}`).join('; ')}`);
  }
  if (holds.partClosed.closed !== true || holds.partOpen.closed !== false) throw new Error('population: partial captures are not as planned');
  if (holds.declinedThenNotSent.lastError?.code !== 'NOT_SENT') throw new Error('population: declinedThenNotSent has no NOT_SENT error');
}
