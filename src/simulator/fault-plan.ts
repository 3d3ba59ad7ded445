// Faults the simulator injects, per gateway and operation. "Commit" is the moment the simulated
// gateway records the effect (and stores the Idempotency-Key's response): a fault before it leaves
// no trace, a fault after it leaves the effect in place while the client learns nothing useful.
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
  | 'numeric-ticket'; // Kushki only: the effect happened, ticketNumber is sent as a bare JSON number

export const FAULT_KINDS: readonly FaultKind[] = Object.freeze([
  'error-before-commit', 'error-after-commit', 'hang-before-commit', 'hang-after-commit', 'reset-before-commit',
  'reset-after-commit', 'malformed-json', 'slow-response', 'rate-limited', 'numeric-ticket',
]);

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

  /** Queues a fault (or several). */
  inject(...specs: FaultSpec[]): void {
    for (const spec of specs) {
      if (!FAULT_KINDS.includes(spec.kind)) throw new Error(`unknown fault kind ${JSON.stringify(spec.kind)}`);
      this.pending.push({ ...spec, remaining: spec.times ?? 1 });
    }
  }

  /** Consumes and returns the first pending fault matching this request, if any. */
  take(gateway: SimGateway, operation: SimOperation): FaultSpec | undefined {
    const index = this.pending.findIndex(
      (f) => (f.gateway === undefined || f.gateway === gateway) && (f.operation === undefined || f.operation === operation),
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
