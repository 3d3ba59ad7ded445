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
import { startOpsServer } from '../../src/ops/ops-server.js';

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
    expect(stats.extensions).toEqual([{ method: 'reauthorization', outcome: 'approved', count: 3 }, { method: 'reauthorization', outcome: 'unknown', count: 2 }]);
    const metrics = createMetrics(() => hf.stats());
    const text = await metrics.registry.metrics();
    expect(text).toContain('holdfast_extensions{method="reauthorization",outcome="approved"} 3');
    expect(text).toContain('holdfast_extensions{method="reauthorization",outcome="unknown"} 2');
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
    expect((await typedError(hf.capture(hold.id, { amount: 13_201 }))).code).toBe('AMOUNT_EXCEEDS_AUTHORIZED');
    const captured = await hf.capture(hold.id, { amount: 13_200 });
    expect(captured).toMatchObject({ state: 'captured', capturedAmount: 13_200 });
    const events = await outbox(hold.id);
    expect(events).toContain('hold.adjusted');
    expect(events.filter((e) => e === 'hold.extended')).toHaveLength(2);
    checkOracle();
  });

  /** The holds from `id` along replacedBy, oldest first. */
  async function chainFrom(id: string) {
    const chain = [await hf.get(id)];
    while (chain.at(-1)!.replacedBy !== null) chain.push(await hf.get(chain.at(-1)!.replacedBy!));
    return chain;
  }

  /** The ledger's word on a chain: each authorization voided only after the next was authorized, and before it lapsed. */
  function checkHandOver(chain: Awaited<ReturnType<typeof chainFrom>>): void {
    for (let i = 0; i + 1 < chain.length; i++) {
      const old = sim.ledger.authorization(chain[i]!.gatewayRef!)!;
      const next = sim.ledger.authorization(chain[i + 1]!.gatewayRef!)!;
      expect(next.authorizedAt, `${chain[i + 1]!.id} authorized before ${chain[i]!.id} lapsed`).toBeLessThan(old.expiresAt);
      expect(old.status, `${chain[i]!.id} released`).toBe('voided');
      expect(old.voids).toHaveLength(1);
      expect(old.voids[0]!.at, `${chain[i]!.id} voided only once ${chain[i + 1]!.id} was authorized`).toBeGreaterThanOrEqual(next.authorizedAt);
    }
  }

  it('by replacement: holdUntil 20 days after a debit authorization, each hold replaced before its window through faults on every new call, captured on day 20', async () => {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: debitSub('replace20'), amount: 250_000, currency: 'PEN', orderId: 'sofa-r20' });
    await hf.setOnExpiry(hold.id, 'extend', { holdUntil: T0 + 20 * DAY_MS, fallback: 'capture', by: 'replacement' });
    // First hand-over: the replacement's authorization answer is lost (timeout) and replayed under its
    // key; the release of the old authorization gets a 5xx before anything happened and is retried.
    sim.faults.inject({ kind: 'hang-after-commit', operation: 'authorize' }, { kind: 'error-before-commit', operation: 'void' });
    await sweepUntil(hf, T0 + 6 * DAY_MS);
    let original = await hf.get(hold.id);
    expect(original).toMatchObject({ state: 'extending', pending: { operation: 'replace' } });
    expect(original.lastError).toBeNull();
    await sweepUntil(hf, T0 + 7 * DAY_MS - 12 * HOUR_MS);
    original = await hf.get(hold.id);
    expect(original.state).toBe('replaced');
    const second = await hf.get(original.replacedBy!);
    expect(second).toMatchObject({ state: 'authorized', replaces: hold.id, onExpiry: 'extend', holdUntil: T0 + 20 * DAY_MS, fallback: 'capture', amount: 250_000, orderId: 'sofa-r20' });
    // Second hand-over: a 5xx before the authorization executed, then a release whose answer is lost.
    sim.faults.inject({ kind: 'error-before-commit', operation: 'authorize' }, { kind: 'hang-after-commit', operation: 'void' });
    await sweepUntil(hf, T0 + 20 * DAY_MS);

    const chain = await chainFrom(hold.id);
    expect(chain.map((h) => h.state)).toEqual(['replaced', 'replaced', 'replaced', 'captured']);
    const last = chain.at(-1)!;
    expect(last).toMatchObject({ capturedAmount: 250_000, replaces: chain[2]!.id });
    const captures = sim.requests().filter((r) => r.operation === 'capture');
    expect(captures.map((r) => [r.at, r.authorizationRef])).toEqual([[T0 + 20 * DAY_MS, last.gatewayRef]]);
    const authorizes = sim.requests().filter((r) => r.operation === 'authorize');
    expect(authorizes.map((r) => r.handling)).toEqual(['executed', 'hang-after-commit', 'replayed', 'error-before-commit', 'executed', 'executed']);
    expect(authorizes.slice(1).map((r) => r.idempotencyKey)).toEqual([`${chain[0]!.id}:replace:1`, `${chain[0]!.id}:replace:1`, `${chain[1]!.id}:replace:1`, `${chain[1]!.id}:replace:1`, `${chain[2]!.id}:replace:1`]);
    expect(sim.requests().filter((r) => r.operation === 'void').map((r) => r.handling)).toEqual(['error-before-commit', 'executed', 'hang-after-commit', 'replayed', 'executed']);
    checkHandOver(chain);
    expect(sim.ledger.summaries().filter((a) => a.status === 'captured').map((a) => a.ref)).toEqual([last.gatewayRef]);
    checkOracle();
    // The order sees one logical hold: a command on the first id acts on the last authorization.
    expect((await typedError(hf.capture(hold.id))).code).toBe('INVALID_TRANSITION');
    for (const [i, h] of chain.slice(0, -1).entries()) {
      const events = await outbox(h.id);
      expect(events, h.id).toContain('hold.replaced');
      expect(events, h.id).not.toContain('hold.extension_failed');
      expect(i === 0 ? events : events.filter((e) => e !== 'hold.authorized'), h.id).not.toContain('hold.voided');
    }
    expect(await outbox(last.id)).toContain('hold.captured');
    const stats = await hf.stats();
    expect(stats.extensions).toEqual([{ method: 'replacement', outcome: 'approved', count: 3 }, { method: 'replacement', outcome: 'unknown', count: 2 }]);
    const text = await createMetrics(() => hf.stats()).registry.metrics();
    expect(text).toContain('holdfast_extensions{method="replacement",outcome="approved"} 3');
  });

  it('by replacement: a declined replacement leaves the original its funds and its fallback, warns, and voids it before expiry; a partial one is released', async () => {
    const sub = debitSub('replace-decline');
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: sub, amount: 9_000, currency: 'PEN' });
    await hf.setOnExpiry(hold.id, 'extend', { holdUntil: T0 + 20 * DAY_MS, by: 'replacement' });
    sim.cards.registerSubscription(sub, { cardType: 'debit', declineAuthorization: { code: '017', message: 'Tarjeta no válida' } });
    await sweepUntil(hf, T0 + 6 * DAY_MS);
    const declined = await hf.get(hold.id);
    expect(declined).toMatchObject({ state: 'authorized', onExpiry: 'void', replacedBy: null, lastError: { code: '017', operation: 'replace' } });
    expect(declined.actBy).toBe(T0 + 7 * DAY_MS - 12 * HOUR_MS);
    expect(await outbox(hold.id)).toContain('hold.extension_failed');
    await sweepUntil(hf, T0 + 6 * DAY_MS + 12 * HOUR_MS, HOUR_MS);
    expect((await hf.get(hold.id)).state).toBe('voided');
    expect(sim.requests().filter((r) => r.operation === 'authorize').map((r) => r.status)).toEqual([201, 400]);

    // Approved for less than asked: keeping it would lose funds the order needs, so it is released.
    const partialSub = debitSub('replace-partial');
    const other = await hf.authorize({ gateway: 'kushki', subscriptionId: partialSub, amount: 8_000, currency: 'PEN' });
    sim.cards.registerSubscription(partialSub, { cardType: 'debit', approveUpTo: 5_000 });
    const refused = await typedError(hf.extend(other.id, { by: 'replacement' }));
    expect(refused.code).toBe('GATEWAY_DECLINED');
    const kept = await hf.get(other.id);
    expect(kept).toMatchObject({ state: 'authorized', amount: 8_000, replacedBy: null, lastError: { code: 'PARTIAL_APPROVAL' } });
    const orphans = sim.ledger.authorizations().filter((a) => a.subscriptionId === partialSub && a.ref !== other.gatewayRef);
    expect(orphans.map((a) => [a.authorizedAmount, a.status])).toEqual([[5_000, 'voided']]);
    expect(sim.ledger.authorization(other.gatewayRef!)!.status).toBe('authorized');
    checkOracle();
  });

  it('by replacement: a replacement whose outcome stays open is flagged; the original waits without being swept at every pass and falls back at its deadline', async () => {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: debitSub('replace-open'), amount: 4_000, currency: 'PEN' });
    await hf.setOnExpiry(hold.id, 'extend', { holdUntil: T0 + 20 * DAY_MS, fallback: 'capture', by: 'replacement' });
    sim.faults.inject({ kind: 'error-after-commit', operation: 'authorize' }, { kind: 'rate-limited', operation: 'authorize', times: 50 });
    await sweepUntil(hf, T0 + 6 * DAY_MS);
    await sweepUntil(hf, T0 + 6 * DAY_MS + 6 * HOUR_MS, 10 * 60_000);
    const waiting = await hf.get(hold.id);
    expect(waiting).toMatchObject({ state: 'extending', pending: { operation: 'replace' } });
    const replacement = await hf.get(waiting.pending!.replacementId!);
    expect(replacement).toMatchObject({ state: 'needs_attention', replaces: hold.id, gatewayRef: null });
    // Its replacement's flag made it due once; with nothing to apply it is due again only at its deadline.
    expect((await findHold(engineOf(hf).store.db, hold.id))!.nextActionAt).toBe(T0 + 7 * DAY_MS - 12 * HOUR_MS);
    clock.set(clock.now() + 10 * 60_000);
    expect((await hf.sweep()).items.map((i) => i.holdId)).not.toContain(hold.id);
    await sweepUntil(hf, T0 + 7 * DAY_MS - 12 * HOUR_MS, HOUR_MS);
    await hf.sweep();
    expect(await hf.get(hold.id)).toMatchObject({ state: 'captured', capturedAmount: 4_000, replacedBy: null });
    expect(await outbox(hold.id)).toContain('hold.extension_failed');
    // The flagged replacement is left to a person (its authorization may exist); nothing was captured on it.
    expect(sim.requests().filter((r) => r.operation === 'capture').map((r) => r.authorizationRef)).toEqual([hold.gatewayRef]);
    checkOracle();
  });

  it('adjust() lowers the total by replacement; commands on the first id reach the replacement, and the 110 % limit follows it', async () => {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: debitSub('lower'), amount: 10_000, currency: 'PEN', orderId: 'order-lower' });
    clock.set(T0 + DAY_MS);
    sim.faults.inject({ kind: 'hang-after-commit', operation: 'authorize' });
    const unknown = await typedError(hf.adjust(hold.id, { amount: 7_000 }));
    expect(unknown.code).toBe('GATEWAY_UNKNOWN_OUTCOME');
    const waiting = await hf.get(hold.id);
    expect(waiting).toMatchObject({ state: 'extending', pending: { operation: 'replace', amount: 7_000 } });
    // While the replacement's outcome is open the original keeps its funds: nothing may capture or release it.
    expect((await typedError(hf.capture(hold.id))).code).toBe('INVALID_TRANSITION');
    const replacement = await hf.retry(waiting.pending!.replacementId!);
    expect(replacement).toMatchObject({ state: 'authorized', amount: 7_000, replaces: hold.id, expiresAt: T0 + 8 * DAY_MS, orderId: 'order-lower' });
    expect(await hf.get(hold.id)).toMatchObject({ state: 'replaced', replacedBy: replacement.id });
    expect((await typedError(hf.capture(hold.id, { amount: 7_701 }))).code).toBe('AMOUNT_EXCEEDS_AUTHORIZED');
    expect(await hf.capture(hold.id, { amount: 7_700 })).toMatchObject({ id: replacement.id, state: 'captured', capturedAmount: 7_700 });
    expect(sim.ledger.authorization(hold.gatewayRef!)!.status).toBe('voided');
    expect(await outbox(hold.id)).toEqual(expect.arrayContaining(['hold.replaced', 'hold.adjusted']));
    checkHandOver(await chainFrom(hold.id));
    // show, from either end, renders the order's chain of holds.
    for (const id of [hold.id, replacement.id]) {
      const shown = await showCommand(hf, { holdId: id });
      const json = holdDetailToJson(shown.hold, shown.history, shown.chain);
      expect(json.replacementChain.map((h) => [h.id, h.state, h.amount])).toEqual([[hold.id, 'replaced', 10_000], [replacement.id, 'captured', 7_000]]);
      const text = holdDetailText(shown, terminalStyle({ NO_COLOR: '1' }, { isTTY: false }, clock.now()));
      expect(text).toContain('Replacement chain');
      expect(text).toMatch(id === hold.id ? new RegExp(`replaced by\\W+${replacement.id}`) : new RegExp(`replaces\\W+${hold.id}`));
    }
    // The operations page links the two holds.
    const ops = await startOpsServer(hf, { port: 0 });
    try {
      const first = await (await fetch(new URL(`/holds/${hold.id}`, ops.url))).text();
      expect(first).toMatch(new RegExp(`<dt>Replaced by</dt><dd><a class="mono" href="/holds/${replacement.id}">`));
      const second = await (await fetch(new URL(`/holds/${replacement.id}`, ops.url))).text();
      expect(second).toMatch(new RegExp(`<dt>Replaces</dt><dd><a class="mono" href="/holds/${hold.id}">`));
    } finally {
      await ops.close();
    }
    checkOracle();
  });

  it('a replacement intent committed by a process that died before sending is resumed under its key; the original is then released', async () => {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: debitSub('replace-crash'), amount: 3_000, currency: 'PEN' });
    await hf.setOnExpiry(hold.id, 'extend', { holdUntil: T0 + 20 * DAY_MS, by: 'replacement' });
    clock.set(T0 + 6 * DAY_MS);
    const engine = engineOf(hf);
    const { startReplacement } = await import('../../src/engine/replacement.js');
    const { replacement } = await startReplacement(engine, (await findHold(engine.store.db, hold.id))!, 3_000, T0 + 7 * DAY_MS - 12 * HOUR_MS, 'sweeper');
    expect(sim.requests().filter((r) => r.operation === 'authorize')).toHaveLength(1);
    clock.set(T0 + 6 * DAY_MS + 2 * 60_000);
    await hf.sweep();
    await hf.sweep();
    expect(await hf.get(hold.id)).toMatchObject({ state: 'replaced', replacedBy: replacement.id });
    // Its window counts from the intent, not the later send: holdfast's expiry is never after the issuer's.
    expect(await hf.get(replacement.id)).toMatchObject({ state: 'authorized', onExpiry: 'extend', expiresAt: T0 + 13 * DAY_MS });
    expect(sim.ledger.authorization((await hf.get(replacement.id)).gatewayRef!)!.expiresAt).toBe(T0 + 13 * DAY_MS + 2 * 60_000);
    expect(sim.requests().filter((r) => r.operation === 'authorize').map((r) => r.idempotencyKey).slice(1)).toEqual([`${hold.id}:replace:1`]);
    checkHandOver(await chainFrom(hold.id));

    // A process that died after its replacement was authorized, before applying it, and no sweeper
    // until past the original's deadline: the replacement authorized in time is applied, not orphaned.
    const late = await hf.authorize({ gateway: 'kushki', subscriptionId: debitSub('replace-late'), amount: 2_000, currency: 'PEN' });
    await hf.setOnExpiry(late.id, 'extend', { holdUntil: clock.now() + 20 * DAY_MS, fallback: 'capture', by: 'replacement' });
    clock.set(late.actBy!);
    const lateDeadline = late.expiresAt! - 12 * HOUR_MS;
    const started = await startReplacement(engine, (await findHold(engine.store.db, late.id))!, 2_000, lateDeadline, 'sweeper');
    expect((await engine.perform(started.replacement, 'sweeper', { resumed: false })).stored.state).toBe('authorized');
    clock.set(lateDeadline + 5 * 60_000);
    await hf.sweep();
    expect(await hf.get(late.id)).toMatchObject({ state: 'replaced', replacedBy: started.replacement.id });
    expect(await hf.get(started.replacement.id)).toMatchObject({ state: 'authorized', onExpiry: 'extend', fallback: 'capture' });
    expect(sim.requests().filter((r) => r.operation === 'capture')).toEqual([]);
    checkHandOver(await chainFrom(late.id));
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
    expect((await typedError(extendCommand(hf, { holdId: hold.id, by: 'magic' }))).code).toBe('INVALID_EXTENSION_METHOD');
    expect((await typedError(onExpiryCommand(hf, { holdId: hold.id, plan: 'void', by: 'replacement' }))).code).toBe('INVALID_HOLD_UNTIL');
    // --by replacement: the hold is replaced now and the command prints the new hold.
    const replaced = await extendCommand(hf, { holdId: hold.id, by: 'replacement' });
    expect(replaced).toMatchObject({ replaces: hold.id, state: 'authorized', amount: 5_000, onExpiry: 'extend', holdUntil: Date.UTC(2026, 0, 20) });
    expect(await hf.get(hold.id)).toMatchObject({ state: 'replaced', replacedBy: replaced.id, version: expect.any(Number) });
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
