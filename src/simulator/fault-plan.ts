// Faults the simulator injects, per gateway and operation. "Commit" is the moment the simulated
// gateway records the effect (and stores the Idempotency-Key's response): a fault before it leaves
// no trace, a fault after it leaves the effect in place while the client learns nothing useful.
// The queue is ordered: `inject(a, b)` gives `a` to the first matching request and `b` to the next,
// which is how a test writes a sequence (unknown, then 429, then the replay).
import type { SimGateway, SimOperation } from './sim-ledger.js';

export type FaultKind =
  | 'error-before-commit' // 5xx, nothing happened
  | 'error-after-commit' // 5xx, the effect happened
  | 'hang-before-commit' // no answer ever (client times out), nothing happened
  | 'hang-after-commit' // no answer ever, the effect happened
  | 'reset-before-commit' // connection destroyed, nothing happened
  | 'reset-after-commit' // connection destroyed, the effect happened
  | 'malformed-json' // the effect happened, the 2xx body is not JSON
  | 'slow-response' // the effect happened, the answer comes after `delayMs`
  | 'rate-limited' // 429 before anything happened
  | 'numeric-ticket' // Kushki only: the effect happened, ticketNumber is sent as a bare JSON number
  | 'key-reused' // the gateway's Idempotency-Key-reuse 4xx, nothing happened
  | 'already-done'; // capture/void only: "already captured" / "already voided" 4xx, nothing happened

/**
 * The transport and format faults. Kept to its original ten members because the reliability suite
 * draws "every fault class" from it; the gateway-answer kinds are in ANSWER_FAULT_KINDS.
 */
export const FAULT_KINDS: readonly FaultKind[] = Object.freeze([
  'error-before-commit', 'error-after-commit', 'hang-before-commit', 'hang-after-commit', 'reset-before-commit',
  'reset-after-commit', 'malformed-json', 'slow-response', 'rate-limited', 'numeric-ticket',
]);

/** Faults that are a definite refusal from the gateway rather than a transport failure. */
export const ANSWER_FAULT_KINDS: readonly FaultKind[] = Object.freeze(['key-reused', 'already-done']);

/** Every fault kind the simulator knows. */
export const ALL_FAULT_KINDS: readonly FaultKind[] = Object.freeze([...FAULT_KINDS, ...ANSWER_FAULT_KINDS]);

/** Faults answered without executing anything (the request leaves no effect). */
export const BEFORE_COMMIT_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>([
  'error-before-commit', 'hang-before-commit', 'reset-before-commit', 'rate-limited', 'key-reused', 'already-done',
]);

// "Already captured / already voided" has no meaning for an authorization: such a fault only ever
// matches a capture or a void, so an unscoped one waits for the next of those.
const NOT_FOR_AUTHORIZE: ReadonlySet<FaultKind> = new Set<FaultKind>(['already-done']);

/** One fault to inject into the next matching request(s). */
export interface FaultSpec {
  kind: FaultKind;
  /** Only this gateway's requests; both when absent. */
  gateway?: SimGateway | undefined;
  /** Only this operation; all when absent. */
  operation?: SimOperation | undefined;
  /** How many matching requests it affects (default 1). */
  times?: number | undefined;
  /** HTTP status for error faults (default 500, or 503 for error-before-commit). */
  status?: number | undefined;
  /** Delay for slow-response (default 1000 ms). */
  delayMs?: number | undefined;
}

/** A queue of pending faults; the first match is consumed by each request. */
export class FaultPlan {
  private readonly pending: (FaultSpec & { remaining: number })[] = [];

  /** Queues faults in order: the first matching request gets the first, the next one the second. */
  inject(...specs: FaultSpec[]): void {
    for (const spec of specs) {
      if (!ALL_FAULT_KINDS.includes(spec.kind)) throw new Error(`unknown fault kind ${JSON.stringify(spec.kind)}`);
      if (NOT_FOR_AUTHORIZE.has(spec.kind) && spec.operation === 'authorize') throw new Error(`fault ${spec.kind} applies to capture and void only`);
    }
    for (const spec of specs) this.pending.push({ ...spec, remaining: spec.times ?? 1 });
  }

  /** Consumes and returns the first pending fault matching this request, if any. */
  take(gateway: SimGateway, operation: SimOperation): FaultSpec | undefined {
    const index = this.pending.findIndex(
      (f) =>
        (f.gateway === undefined || f.gateway === gateway) &&
        (f.operation === undefined || f.operation === operation) &&
        !(operation === 'authorize' && NOT_FOR_AUTHORIZE.has(f.kind)),
    );
    if (index < 0) return undefined;
    const fault = this.pending[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.pending.splice(index, 1);
    const { remaining: _remaining, ...spec } = fault;
    return spec;
  }

  /** Faults not yet consumed. */
  list(): FaultSpec[] {
    return this.pending.map(({ remaining, ...spec }) => ({ ...spec, times: remaining }));
  }

  /** Drops every pending fault. */
  clear(): void {
    this.pending.length = 0;
  }
}
