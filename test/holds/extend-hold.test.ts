// Issue 13: keep the funds when fulfilment is late. A debit hold (7 days) whose order ships on day 20
// is reauthorized at each actBy and captured on day 20, over real HTTP to the simulator with faults
// on every reauthorization, on SQLite and PostgreSQL. The simulator's request log is the oracle: no
// request ever reaches an authorization at or after its expiresAt, and every retry of a key sends a
// byte-identical body.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { openHoldfast, type Holdfast } from '../../src/holds/holdfast.js';
import { createKushkiGateway } from '../../src/gateways/kushki/index.js';
import { ManualClock } from '../../src/clock.js';
import { createExpiryPolicy, DAY_MS, HOUR_MS } from '../../src/policy/expiry-policy.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { listOutboxEvents } from '../../db/webhooks.repository.js';
import { engineOf } from '../../src/holds/internals.js';
import { findHold } from '../../db/holds.repository.js';
import { DIALECTS, type TestDatabase } from '../helpers/dialects.js';
import { T0 } from '../helpers/harness.js';
import { typedError } from '../helpers/typed-error.js';
import { createMetrics } from '../../src/daemon/metrics.js';
import { onExpiryCommand } from '../../src/cli/commands/on-expiry.js';
import { adjustCommand, extendCommand } from '../../src/cli/commands/extend.js';
import { showCommand } from '../../src/cli/commands/show.js';
import { holdDetailText } from '../../src/cli/render/hold-detail-text.js';
import { terminalStyle } from '../../src/cli/render/terminal-style.js';
import { holdDetailToJson } from '../../machines/hold-json.js';

const MERCHANT = 'merchant-secret-ext-41c2';
const clock = new ManualClock(T0);
let sim: Simulator;
let n = 0;

beforeAll(async () => {
  sim = await startSimulator({ clock, kushkiPrivateMerchantId: MERCHANT });
});
afterAll(async () => {
  await sim.close();
});

/** Sweeps every `step` from now until `until` (inclusive), as a daemon would. */
async function sweepUntil(hf: Holdfast, until: number, step = 6 * HOUR_MS): Promise<void> {
  while (clock.now() < until) {
    clock.set(Math.min(clock.now() + step, until));
    await hf.sweep();
  }
}

function checkOracle(): void {
  const requests = sim.requests();
  // Nothing was ever sent at or after the targeted authorization's expiresAt.
  expect(requests.filter((r) => r.afterExpiry)).toEqual([]);
  // Every retry under a key sent the same bytes.
  const digests = new Map<string, Set<string>>();
  for (const r of requests) if (r.idempotencyKey) digests.set(r.idempotencyKey, (digests.get(r.idempotencyKey) ?? new Set()).add(r.bodySha256));
  for (const [key, set] of digests) expect(set.size, key).toBe(1);
  for (const s of sim.ledger.summaries()) expect(s.effectsAfterExpiry).toBe(0);
}

describe.each(DIALECTS)('extending a hold on $name', (dialect) => {
  let db: TestDatabase;
  let hf: Holdfast;
  const outbox = async (id: string) => (await listOutboxEvents(engineOf(hf).store.db, id)).map((e) => e.event_type);

  beforeEach(async (ctx) => {
    if (dialect.skipReason) return ctx.skip();
    sim.reset();
    clock.set(T0);
    db = await dialect.create();
    hf = await openHoldfast({
      database: db.database,
      clock,
      logger: pino({ level: 'silent' }),
      gateways: [createKushkiGateway({ baseUrl: sim.url, privateMerchantId: MERCHANT, clock, timeouts: { connectMs: 500, responseMs: 800, requestMs: 1_200 } })],
      webhookUrl: 'https://hooks.example.test/holdfast',
      env: { HOLDFAST_WEBHOOK_SECRET: 'test-webhook-secret' },
    });
  });
  afterEach(async () => {
    if (dialect.skipReason) return;
    await hf.close();
    await db.drop();
  });

  const debitSub = (tag: string, profile: Parameters<Simulator['cards']['registerSubscription']>[1] = {}) => {
    const id = `sub-${tag}-debit-${++n}`;
    sim.cards.registerSubscription(id, { cardType: 'debit', ...profile });
    return id;
  };

  it('holdUntil 20 days after a debit authorization: extended at each actBy through a timeout and a 5xx, captured on day 20', async () => {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: debitSub('twenty'), amount: 250_000, currency: 'PEN', orderId: 'sofa-20' });
    expect(hold.expiresAt).toBe(T0 + 7 * DAY_MS);
    await hf.setOnExpiry(hold.id, 'extend', { holdUntil: T0 + 20 * DAY_MS, fallback: 'capture' });
    // First extension: the answer never comes (client timeout), the retry under the same key gets the replay.
    // Second: a 5xx before anything happened, then the retry executes. Third: clean.
    sim.faults.inject({ kind: 'hang-after-commit', operation: 'reauthorize' });

    await sweepUntil(hf, T0 + 6 * DAY_MS);
    let now = await hf.get(hold.id);
    expect(now.state).toBe('extending');
    expect(now.lastError?.code).toBe('OUTCOME_UNKNOWN');
    await sweepUntil(hf, T0 + 6 * DAY_MS + 6 * HOUR_MS);
    now = await hf.get(hold.id);
    expect(now).toMatchObject({ state: 'authorized', expiresAt: T0 + 13 * DAY_MS });
    sim.faults.inject({ kind: 'error-before-commit', operation: 'reauthorize' });
    await sweepUntil(hf, T0 + 20 * DAY_MS);

    const done = await hf.get(hold.id);
    expect(done.state).toBe('captured');
    expect(done.capturedAmount).toBe(250_000);
    expect(done.authorizations.map((a) => a.kind)).toEqual(['authorization', 'reauthorization', 'reauthorization', 'reauthorization']);
    const capture = sim.requests().filter((r) => r.operation === 'capture');
    expect(capture).toHaveLength(1);
    expect(capture[0]!.at).toBe(T0 + 20 * DAY_MS);
    // The capture names the ORIGINAL authorization, never a reauthorization.
    expect(capture[0]!.authorizationRef).toBe(hold.gatewayRef);
    const reauths = sim.requests().filter((r) => r.operation === 'reauthorize');
    expect(reauths.map((r) => r.handling)).toEqual(['hang-after-commit', 'replayed', 'error-before-commit', 'executed', 'executed']);
    expect(sim.ledger.authorization(hold.gatewayRef!)?.reauthorizations).toHaveLength(3);
    // Each window counted from no later than the intent: holdfast's expiry is never after the issuer's.
    now = done;
    expect(now.expiresAt!).toBeLessThanOrEqual(sim.ledger.authorization(hold.gatewayRef!)!.expiresAt);
    checkOracle();
    const events = await outbox(hold.id);
    expect(events.filter((e) => e === 'hold.extended')).toHaveLength(3);
    expect(events).toContain('hold.captured');
    expect(events).not.toContain('hold.extension_failed');
    // stats and /metrics count the reauthorization attempts by outcome.
    const stats = await hf.stats();
    expect(stats.extensions).toEqual([{ outcome: 'approved', count: 3 }, { outcome: 'unknown', count: 2 }]);
    const metrics = createMetrics(() => hf.stats());
    const text = await metrics.registry.metrics();
    expect(text).toContain('holdfast_extensions{outcome="approved"} 3');
    expect(text).toContain('holdfast_extensions{outcome="unknown"} 2');
  });

  it('a declined reauthorization leaves the original on its fallback, warns, and voids before expiry', async () => {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: debitSub('decline', { declineReauthorization: { code: '017', message: 'Tarjeta no válida' } }), amount: 9_000, currency: 'PEN' });
    await hf.setOnExpiry(hold.id, 'extend', { holdUntil: T0 + 20 * DAY_MS });
    await sweepUntil(hf, T0 + 6 * DAY_MS);
    const declined = await hf.get(hold.id);
    expect(declined).toMatchObject({ state: 'authorized', onExpiry: 'void', lastError: { code: '017', operation: 'reauthorize' } });
    expect(await outbox(hold.id)).toContain('hold.extension_failed');
    // Half the lead time for a person to act; then the fallback, with the other half to spare.
    expect(declined.actBy).toBe(T0 + 7 * DAY_MS - 12 * HOUR_MS);
    await sweepUntil(hf, T0 + 6 * DAY_MS + 12 * HOUR_MS, HOUR_MS);
    expect((await hf.get(hold.id)).state).toBe('voided');
    expect(sim.requests().filter((r) => r.operation === 'reauthorize').map((r) => r.status)).toEqual([400]);
    checkOracle();
  });

  it('a resumed reauthorization answered 429 stays in flight; at its deadline the fallback runs before expiresAt', async () => {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: debitSub('ambiguous'), amount: 5_000, currency: 'PEN' });
    await hf.setOnExpiry(hold.id, 'extend', { holdUntil: T0 + 20 * DAY_MS, fallback: 'capture' });
    sim.faults.inject({ kind: 'error-after-commit', operation: 'reauthorize' }, { kind: 'rate-limited', operation: 'reauthorize', times: 50 });
    await sweepUntil(hf, T0 + 6 * DAY_MS);
    await sweepUntil(hf, T0 + 6 * DAY_MS + 6 * HOUR_MS, HOUR_MS);
    const open = await hf.get(hold.id);
    expect(open.state).toBe('extending');
    expect(open.pending?.unknownAttempts).toBeGreaterThan(1);
    // The reauthorization's deadline (expiresAt − half the lead time): abandoned, the fallback capture runs.
    await sweepUntil(hf, T0 + 7 * DAY_MS - 12 * HOUR_MS, HOUR_MS);
    await hf.sweep();
    const after = await hf.get(hold.id);
    expect(after.state).toBe('captured');
    expect(after.expiresAt).toBe(T0 + 7 * DAY_MS);
    const reauths = sim.requests().filter((r) => r.operation === 'reauthorize');
    expect(Math.max(...reauths.map((r) => r.at))).toBeLessThan(T0 + 7 * DAY_MS - 12 * HOUR_MS);
    expect(await outbox(hold.id)).toContain('hold.extension_failed');
    checkOracle();
  });

  it('extend() now, and adjust() raises the total: the 110 % capture limit follows it', async () => {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: debitSub('adjust'), amount: 10_000, currency: 'PEN' });
    clock.set(T0 + 2 * DAY_MS);
    const extended = await hf.extend(hold.id);
    expect(extended).toMatchObject({ state: 'authorized', amount: 10_000, expiresAt: T0 + 9 * DAY_MS });
    clock.set(T0 + 3 * DAY_MS);
    sim.faults.inject({ kind: 'error-before-commit', operation: 'reauthorize' });
    expect((await typedError(hf.adjust(hold.id, { amount: 12_000 }))).code).toBe('GATEWAY_UNKNOWN_OUTCOME');
    const adjusted = await hf.retry(hold.id);
    expect(adjusted).toMatchObject({ state: 'authorized', amount: 12_000, expiresAt: T0 + 10 * DAY_MS });
    expect((await typedError(hf.adjust(hold.id, { amount: 11_000 }))).code).toBe('ADJUSTMENT_NOT_SUPPORTED');
    expect((await typedError(hf.capture(hold.id, { amount: 13_201 }))).code).toBe('AMOUNT_EXCEEDS_AUTHORIZED');
    const captured = await hf.capture(hold.id, { amount: 13_200 });
    expect(captured).toMatchObject({ state: 'captured', capturedAmount: 13_200 });
    const events = await outbox(hold.id);
    expect(events).toContain('hold.adjusted');
    expect(events.filter((e) => e === 'hold.extended')).toHaveLength(2);
    checkOracle();
  });

  it('refuses an extend plan without a future holdUntil, and as an authorization\'s first plan', async () => {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: debitSub('refuse'), amount: 1_000, currency: 'PEN' });
    expect((await typedError(hf.setOnExpiry(hold.id, 'extend'))).code).toBe('INVALID_HOLD_UNTIL');
    expect((await typedError(hf.setOnExpiry(hold.id, 'extend', { holdUntil: T0 - 1 }))).code).toBe('INVALID_HOLD_UNTIL');
    expect((await typedError(hf.authorize({ gateway: 'kushki', subscriptionId: debitSub('x'), amount: 1_000, currency: 'PEN', onExpiry: 'extend' }))).code).toBe('INVALID_ON_EXPIRY');
    // A lead time whose halves cannot each hold the first retries is refused for an extend plan.
    const short = await openHoldfast({
      database: db.database,
      clock,
      logger: pino({ level: 'silent' }),
      policy: createExpiryPolicy({ leadTimeMs: 12 * 60_000 }),
      gateways: [createKushkiGateway({ baseUrl: sim.url, privateMerchantId: MERCHANT, clock })],
    });
    try {
      expect((await typedError(short.setOnExpiry(hold.id, 'extend', { holdUntil: T0 + 20 * DAY_MS }))).code).toBe('LEAD_TIME_TOO_SHORT');
    } finally {
      await short.close();
    }
  });

  it('CLI: on-expiry extend --until, extend --amount, adjust --amount; show renders the chain', async () => {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: debitSub('cli'), amount: 4_000, currency: 'PEN' });
    const planned = await onExpiryCommand(hf, { holdId: hold.id, plan: 'extend', until: '2026-01-20T00:00:00Z', fallback: 'capture' });
    expect(planned).toMatchObject({ onExpiry: 'extend', holdUntil: Date.UTC(2026, 0, 20), fallback: 'capture' });
    expect((await typedError(onExpiryCommand(hf, { holdId: hold.id, plan: 'extend' }))).code).toBe('INVALID_HOLD_UNTIL');
    expect((await typedError(onExpiryCommand(hf, { holdId: hold.id, plan: 'void', until: '2026-01-20T00:00:00Z' }))).code).toBe('INVALID_HOLD_UNTIL');
    clock.set(T0 + DAY_MS);
    expect(await extendCommand(hf, { holdId: hold.id, amount: '45.00' })).toMatchObject({ amount: 4_500, expiresAt: T0 + 8 * DAY_MS });
    expect(await adjustCommand(hf, { holdId: hold.id, amount: '50.00' })).toMatchObject({ amount: 5_000 });
    const shown = await showCommand(hf, { holdId: hold.id });
    const json = holdDetailToJson(shown.hold, shown.history);
    expect(json.authorizations.map((a) => [a.kind, a.amount])).toEqual([['authorization', 4_000], ['reauthorization', 500], ['reauthorization', 500]]);
    expect(json.holdUntil).toBe('2026-01-20T00:00:00.000Z');
    const text = holdDetailText(shown, terminalStyle({ NO_COLOR: '1' }, { isTTY: false }, clock.now()));
    expect(text).toContain('Authorizations');
    expect(text).toContain('extend until');
    checkOracle();
  });

  it('an intent committed by a process that died before sending is resumed under its key; a sweeper back after expiresAt sends nothing', async () => {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: debitSub('crash'), amount: 3_000, currency: 'PEN' });
    await hf.setOnExpiry(hold.id, 'extend', { holdUntil: T0 + 20 * DAY_MS });
    clock.set(T0 + 6 * DAY_MS);
    const engine = engineOf(hf);
    const stored = (await findHold(engine.store.db, hold.id))!;
    // The write-ahead intent alone, as if the process died right after committing it.
    const key = `${hold.id}:reauthorize:1`;
    await engine.commit(stored, { type: 'EXTEND', amount: 0, idempotencyKey: key, deadline: T0 + 7 * DAY_MS - 12 * HOUR_MS, at: clock.now() }, 'sweeper');
    expect(sim.requests().filter((r) => r.operation === 'reauthorize')).toEqual([]);
    clock.set(T0 + 6 * DAY_MS + 2 * 60_000);
    await hf.sweep();
    const resumed = await hf.get(hold.id);
    expect(resumed).toMatchObject({ state: 'authorized', expiresAt: T0 + 13 * DAY_MS });
    expect(sim.requests().filter((r) => r.operation === 'reauthorize').map((r) => r.idempotencyKey)).toEqual([key]);

    // A second hold whose sweeper was down through its whole window: it expires, nothing is sent.
    const other = await hf.authorize({ gateway: 'kushki', subscriptionId: debitSub('down'), amount: 3_000, currency: 'PEN' });
    await hf.setOnExpiry(other.id, 'extend', { holdUntil: clock.now() + 20 * DAY_MS });
    const before = sim.requests().length;
    clock.set(other.expiresAt!);
    await hf.sweep();
    expect((await hf.get(other.id)).state).toBe('expired');
    expect(sim.requests().slice(before).filter((r) => r.authorizationRef === other.gatewayRef)).toEqual([]);
    checkOracle();
  });
});
