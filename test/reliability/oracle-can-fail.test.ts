// Proof that the oracle can fail: the same kind of scenario the fault suite runs, against two
// deliberately broken gateway adapters, must show mismatched holds and double effects in the
// verdicts — and the unbroken adapter, under the same faults, none. Without this, zeros elsewhere
// could mean the checks cannot see what they count.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { ManualClock } from '../../src/clock.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';
import type { Gateway } from '../../src/gateways/types.js';
import type { Holdfast } from '../../src/holds/holdfast.js';
import { tempDir } from '../helpers/harness.js';
import { openOnSimulator } from './kushki-holdfast.js';
import { populate, registrarOf, type Planned } from './intents.js';
import { judge, verdictColumns, type Verdicts } from './judge.js';
import { recordResult, stopwatch, type FigureRow } from './results.js';

const T0 = Date.UTC(2026, 0, 5);
const HOLDS = 16;
const dir = tempDir();
const rows: FigureRow[] = [];
const elapsed = stopwatch();
let passed = 0;

afterAll(() => {
  dir.cleanup();
  if (passed !== 2) return;
  recordResult({
    suite: 'oracle',
    title: 'The oracle can fail (deliberately broken adapters; these figures must NOT be zero)',
    rows,
    violations: {},
    notes: [
      `each row: ${HOLDS} holds (capture all, void, capture part, capture declined → void) on a permissive simulator; the faults named are injected into every capture's first attempt`,
      'new key after unknown: the adapter re-sends a capture whose outcome was unknown under a NEW idempotency key',
      '429 as "not captured": after an unknown capture, the adapter reports the resumed attempt\'s 429 as an issuer decline',
      'the unbroken adapter under the same faults is the control: its holds must all be ok',
    ],
    durationMs: elapsed(),
  });
});

/** Re-sends a capture whose outcome is unknown under a new idempotency key (the double-capture bug). */
function resendsUnderNewKey(gateway: Gateway): Gateway {
  return {
    ...gateway,
    authorize: (req) => gateway.authorize(req),
    void: (req) => gateway.void(req),
    capture: async (req) => {
      const first = await gateway.capture(req);
      return first.kind === 'unknown' ? gateway.capture({ ...req, idempotencyKey: `${req.idempotencyKey}-again` }) : first;
    },
  };
}

/** Reports a throttled (429) capture as declined: "not captured" after all (the lost-capture bug). */
function throttledMeansNotCaptured(gateway: Gateway): Gateway {
  return {
    ...gateway,
    authorize: (req) => gateway.authorize(req),
    void: (req) => gateway.void(req),
    capture: async (req) => {
      const out = await gateway.capture(req);
      return out.kind === 'unavailable' && out.exchange.httpStatus === 429 ? { kind: 'declined', code: '429', message: 'not captured', refusal: 'issuer', exchange: out.exchange } : out;
    },
  };
}

/** Populates, faults every capture's first attempt (then `follow`), sweeps to the end and judges. */
async function scenario(label: string, wrap: (g: Gateway) => Gateway, follow: 'rate-limited' | null): Promise<Verdicts> {
  const clock = new ManualClock(T0);
  const sim: Simulator = await startSimulator({ clock, ledgerMode: 'permissive' });
  const hf: Holdfast = await openOnSimulator(join(dir.dir, `${label}.db`), sim, clock, 250, wrap);
  try {
    const planned: Planned[] = await populate(hf, registrarOf(sim), HOLDS, label, () => clock.advance(1_000));
    for (const p of planned) {
      const ref = (await hf.get(p.id)).gatewayRef!;
      sim.faults.inject({ kind: 'error-after-commit', operation: 'capture', authorizationRef: ref });
      if (follow) sim.faults.inject({ kind: follow, operation: 'capture', authorizationRef: ref });
    }
    clock.set(T0 + 27 * DAY_MS + HOLDS * 1_000);
    for (let pass = 0; pass < 40; pass++) {
      await hf.sweep({ concurrency: 4 });
      if ((await hf.list({ status: 'open', limit: 1_000 })).holds.filter((h) => !h.closed).length === 0) break;
      clock.advance(5 * 60_000);
    }
    const cases = await Promise.all(planned.map(async (p) => ({ intent: p.intent, hold: await hf.get(p.id) })));
    return judge(cases, sim.snapshot());
  } finally {
    await hf.close();
    await sim.close();
  }
}

describe('the oracle can fail', () => {
  it('a capture re-sent under a new idempotency key after an unknown outcome shows as double captures and mismatches', async () => {
    const broken = await scenario('new-key', resendsUnderNewKey, null);
    const control = await scenario('new-key-control', (g) => g, null);
    rows.push({ adapter: 'new key after unknown (broken)', ...verdictColumns(broken) }, { adapter: 'unbroken, same faults (control)', ...verdictColumns(control) });
    expect(broken.mismatch).toBeGreaterThan(0);
    expect(broken.doubleEffects).toBeGreaterThan(0);
    expect(control.ok).toBe(HOLDS);
    passed++;
  });

  it('a resumed 429 taken as "not captured" shows as captured-and-voided holds and mismatches', async () => {
    const broken = await scenario('throttled', throttledMeansNotCaptured, 'rate-limited');
    const control = await scenario('throttled-control', (g) => g, 'rate-limited');
    rows.push({ adapter: '429 as "not captured" (broken)', ...verdictColumns(broken) }, { adapter: 'unbroken, same faults (control)', ...verdictColumns(control) });
    expect(broken.mismatch + broken.wrong).toBeGreaterThan(0);
    expect(broken.doubleEffects).toBeGreaterThan(0);
    expect(control.ok).toBe(HOLDS);
    passed++;
  });
});
