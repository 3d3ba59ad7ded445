// Model-based: fast-check generates sequences of API calls, sweeps, unknown outcomes, restarts
// (close + reopen: what a crash leaves behind, minus the kill) and clock jumps against one Kushki hold
// on the simulator; a small reference model of the hold predicts state and amounts after each step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import fc from 'fast-check';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { ManualClock } from '../../src/clock.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';
import { UNKNOWN_RETRY_SCHEDULE_MS } from '../../machines/retry-schedule.js';
import { HoldfastError } from '../../src/errors.js';
import type { Holdfast } from '../../src/holds/holdfast.js';
import { tempDir } from '../helpers/harness.js';
import { openOnSimulator } from './kushki-holdfast.js';
import { recordResult, stopwatch } from './results.js';
import { sized, timeoutMs } from './scale.js';

type Cmd =
  | { t: 'capture'; share: number }
  | { t: 'void' }
  | { t: 'sweep' }
  | { t: 'jump'; ms: number }
  | { t: 'restart' }
  | { t: 'unknownNext'; committed: boolean };

/** The reference model of one Kushki hold (one capture, up to 110 %). */
interface Model {
  state: string;
  amount: number;
  captured: number;
  now: number;
  expiresAt: number;
  actBy: number;
  pending: { op: 'capture' | 'void'; amount: number; retryAt: number; attempts: number } | null;
  /** The next gateway answer is a 5xx; committed: the gateway acted anyway. */
  faultQueued: { committed: boolean } | null;
  /** What the gateway did (its ledger), which an unknown outcome may have changed already. */
  gateway: { captures: number[]; voids: number };
}

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ t: fc.constant('capture' as const), share: fc.constantFrom(0, 0.5, 1, 1.05, 1.2) }),
  fc.constant({ t: 'void' as const }),
  fc.constant({ t: 'sweep' as const }),
  fc.record({ t: fc.constant('jump' as const), ms: fc.constantFrom(20_000, 90_000, 3_600_000, DAY_MS, 10 * DAY_MS, 27 * DAY_MS) }),
  fc.constant({ t: 'restart' as const }),
  fc.record({ t: fc.constant('unknownNext' as const), committed: fc.boolean() }),
);

let sim: Simulator;
let current = new ManualClock(Date.UTC(2026, 0, 5));
const dir = tempDir();
const elapsed = stopwatch();
let steps = 0;
let runs = 0;
/** Comparisons of holdfast with the model (and the ledger with the model), and how many disagreed. */
let comparisons = 0;
let disagreements = 0;
/** Counts one comparison; the expect that follows it fails the property with a readable message. */
const compare = (agrees: boolean) => {
  comparisons++;
  if (!agrees) disagreements++;
};
beforeAll(async () => {
  sim = await startSimulator({ clock: { now: () => current.now() } });
});
afterAll(async () => {
  await sim.close();
  dir.cleanup();
});

/** What a gateway request does to the model: consumes a queued unknown-outcome fault, or succeeds. */
function send(m: Model, op: 'capture' | 'void', amount: number, attempts: number): 'unknown' | 'done' {
  const fault = m.faultQueued;
  // A retry under the same key replays a stored answer: the gateway acts once per key.
  const acted = m.pending !== null && m.pending.op === op && m.gateway.captures.length + m.gateway.voids > 0;
  if (fault === null || fault.committed) {
    if (!acted && op === 'capture') m.gateway.captures.push(amount);
    if (!acted && op === 'void') m.gateway.voids++;
  }
  if (fault) {
    m.faultQueued = null;
    const delay = UNKNOWN_RETRY_SCHEDULE_MS[Math.min(attempts, UNKNOWN_RETRY_SCHEDULE_MS.length - 1)]!;
    m.pending = { op, amount, retryAt: Math.max(m.now, Math.min(m.now + delay, m.expiresAt - 1)), attempts: attempts + 1 };
    m.state = op === 'capture' ? 'capturing' : 'voiding';
    return 'unknown';
  }
  m.pending = null;
  if (op === 'void') m.state = 'voided';
  else {
    m.captured = amount;
    m.state = amount >= m.amount ? 'captured' : 'partially_captured';
  }
  return 'done';
}

/** Applies a command to the model; returns whether the real call should succeed. */
function step(m: Model, c: Cmd): boolean {
  switch (c.t) {
    case 'capture': {
      const amount = Math.floor(m.amount * c.share);
      if (m.state !== 'authorized' || m.now >= m.expiresAt || amount <= 0 || amount > Math.floor(m.amount * 1.1)) return false;
      return send(m, 'capture', amount, 0) === 'done';
    }
    case 'void':
      if (m.state !== 'authorized' || m.now >= m.expiresAt) return false;
      return send(m, 'void', m.amount, 0) === 'done';
    case 'sweep':
      if (m.pending) {
        if (m.now >= m.expiresAt) {
          m.state = 'needs_attention';
          m.pending = null;
        } else if (m.now >= m.pending.retryAt) send(m, m.pending.op, m.pending.amount, m.pending.attempts);
      } else if (m.state === 'authorized') {
        if (m.now >= m.expiresAt) m.state = 'expired';
        else if (m.now >= m.actBy) send(m, 'void', m.amount, 0);
      }
      return true;
    case 'jump':
      m.now += c.ms;
      return true;
    default:
      return true;
  }
}

describe('model-based: random API calls, sweeps, unknown outcomes, restarts and clock jumps', () => {
  it('the hold agrees with the reference model after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 25 }), async (cmds) => {
        runs++;
        current = new ManualClock(Date.UTC(2026, 0, 5) + runs * 60 * DAY_MS);
        sim.faults.clear();
        const database = join(dir.dir, `model-${runs}.db`);
        let hf: Holdfast = await openOnSimulator(database, sim, current, 500);
        try {
          const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: `model-${runs}`, amount: 10_000, currency: 'PEN' });
          const m: Model = { state: 'authorized', amount: 10_000, captured: 0, now: current.now(), expiresAt: hold.expiresAt!, actBy: hold.actBy!, pending: null, faultQueued: null, gateway: { captures: [], voids: 0 } };
          for (const c of cmds) {
            steps++;
            const expectOk = step(m, c);
            const where = `${JSON.stringify(c)} in ${JSON.stringify(cmds)}`;
            if (c.t === 'jump') current.set(m.now);
            else if (c.t === 'restart') {
              await hf.close();
              hf = await openOnSimulator(database, sim, current, 500);
            } else if (c.t === 'unknownNext') {
              if (!m.faultQueued && !sim.faults.list().length) {
                m.faultQueued = { committed: c.committed };
                sim.faults.inject({ kind: c.committed ? 'error-after-commit' : 'error-before-commit', gateway: 'kushki' });
              }
            } else if (c.t === 'sweep') {
              await hf.sweep();
            } else {
              const call = c.t === 'void' ? hf.void(hold.id) : hf.capture(hold.id, { amount: Math.floor(10_000 * c.share) });
              const result = await call.then(() => null, (e: unknown) => e);
              compare(expectOk ? result === null : result instanceof HoldfastError);
              if (expectOk) expect(result, where).toBeNull();
              else expect(result, where).toBeInstanceOf(HoldfastError);
            }
            const real = await hf.get(hold.id);
            compare(real.state === m.state && real.capturedAmount === m.captured);
            expect(real.state, where).toBe(m.state);
            expect(real.capturedAmount, where).toBe(m.captured);
          }
          // The gateway agrees with the model too: exactly the effects the final state implies.
          const auth = sim.ledger.authorization(hold.gatewayRef!)!;
          compare(JSON.stringify(auth.captures.map((e) => e.amount)) === JSON.stringify(m.gateway.captures) && auth.voids.length === m.gateway.voids);
          expect(auth.captures.map((e) => e.amount)).toEqual(m.gateway.captures);
          expect(auth.voids).toHaveLength(m.gateway.voids);
        } finally {
          await hf.close();
        }
      }),
      { numRuns: sized(40, 600), seed: 20260105 },
    );
    expect(comparisons).toBeGreaterThanOrEqual(steps);
    expect(disagreements).toBe(0);
    recordResult({
      suite: 'model',
      title: 'Model-based (fast-check against a reference model of a hold)',
      rows: [{ 'generated sequences': runs, 'steps checked': steps, comparisons, disagreements, seed: 20260105 }],
      violations: { modelDisagreements: disagreements },
      notes: ['commands: capture (0, 50 %, 100 %, 105 %, 120 %), void, sweep, clock jump (20 s … 27 days), restart (close + reopen), next gateway answer unknown (5xx before or after commit)', 'after every step: state and captured amount equal the model; at the end the simulator ledger holds exactly the implied effects'],
      durationMs: elapsed(),
    });
  }, timeoutMs(120_000));
});
