// Faults the simulator injects, per gateway and operation. "Commit" is the moment the simulated
// gateway records the effect (and stores the Idempotency-Key's response): a fault before it leaves
// no trace, a fault after it leaves the effect in place while the client learns nothing useful.
// The queue is ordered: `inject(a, b)` gives `a` to the first matching request and `b` to the next,
// which is how a test writes a sequence (unknown, then 429, then the replay). A seeded random plan
// (`random()`) starts a sequence on a drawn share of requests and scopes its tail to the same
// authorization and operation, so the retry of that very request meets the rest of the sequence.
import { seededRandom } from './seeded-random.js';
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
  /** Only requests on this authorization (Kushki ticketNumber, PayCertify transaction id); any when absent. */
  authorizationRef?: string | undefined;
  /**
   * already-done only: answer "already captured/voided" only when the authorization really was
   * (the request otherwise runs unfaulted), as an honest gateway would. Random plans set it.
   */
  onlyIfTrue?: boolean | undefined;
}

/** Seeded random injection: each matching request starts one of `sequences` with probability `rate`. */
export interface RandomFaults {
  seed: number;
  /** 0 … 1: the share of matching requests (with no queued fault) that start a sequence. */
  rate: number;
  /** Drawn uniformly; the first kind hits the drawn request, the rest its next attempts (same authorization and operation). */
  sequences: readonly (readonly FaultKind[])[];
  gateway?: SimGateway | undefined;
  /** Default: capture and void. */
  operations?: readonly SimOperation[] | undefined;
  /** Delay for slow-response faults (default 1000 ms). */
  delayMs?: number | undefined;
}

/** A queue of pending faults; the first match is consumed by each request. */
export class FaultPlan {
  private readonly pending: (FaultSpec & { remaining: number })[] = [];
  private randomPlan: { plan: RandomFaults; next: () => number } | null = null;

  /** Queues faults in order: the first matching request gets the first, the next one the second. */
  inject(...specs: FaultSpec[]): void {
    for (const spec of specs) {
      if (!ALL_FAULT_KINDS.includes(spec.kind)) throw new Error(`unknown fault kind ${JSON.stringify(spec.kind)}`);
      if (NOT_FOR_AUTHORIZE.has(spec.kind) && spec.operation === 'authorize') throw new Error(`fault ${spec.kind} applies to capture and void only`);
    }
    for (const spec of specs) this.pending.push({ ...spec, remaining: spec.times ?? 1 });
  }

  /**
   * Draws faults at random from now on (null stops): reproducible from the seed for the same order of
   * requests. Queued faults still come first.
   */
  random(plan: RandomFaults | null): void {
    if (plan !== null) {
      if (!(plan.rate >= 0 && plan.rate <= 1)) throw new Error(`random fault rate must be within 0 … 1, got ${plan.rate}`);
      if (plan.sequences.length === 0 || plan.sequences.some((s) => s.length === 0)) throw new Error('random faults need at least one non-empty sequence');
      for (const kind of plan.sequences.flat()) if (!ALL_FAULT_KINDS.includes(kind)) throw new Error(`unknown fault kind ${JSON.stringify(kind)}`);
      if ((plan.operations ?? []).includes('authorize') && plan.sequences.some((s) => s.some((k) => NOT_FOR_AUTHORIZE.has(k)))) throw new Error('already-done applies to capture and void only');
    }
    this.randomPlan = plan === null ? null : { plan, next: seededRandom(plan.seed) };
  }

  /** Consumes and returns the first pending fault matching this request, if any (else a random draw). */
  take(gateway: SimGateway, operation: SimOperation, authorizationRef: string | null = null): FaultSpec | undefined {
    const index = this.pending.findIndex(
      (f) =>
        (f.gateway === undefined || f.gateway === gateway) &&
        (f.operation === undefined || f.operation === operation) &&
        (f.authorizationRef === undefined || f.authorizationRef === authorizationRef) &&
        !(operation === 'authorize' && NOT_FOR_AUTHORIZE.has(f.kind)),
    );
    if (index < 0) return this.draw(gateway, operation, authorizationRef);
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

  /** Drops every pending fault and stops random injection. */
  clear(): void {
    this.pending.length = 0;
    this.randomPlan = null;
  }

  private draw(gateway: SimGateway, operation: SimOperation, authorizationRef: string | null): FaultSpec | undefined {
    if (this.randomPlan === null) return undefined;
    const { plan, next } = this.randomPlan;
    if ((plan.gateway !== undefined && plan.gateway !== gateway) || !(plan.operations ?? ['capture', 'void']).includes(operation)) return undefined;
    if (next() >= plan.rate) return undefined;
    const sequence = plan.sequences[Math.floor(next() * plan.sequences.length)]!;
    const spec = (kind: FaultKind): FaultSpec => ({
      kind, gateway, operation,
      ...(kind === 'slow-response' ? { delayMs: plan.delayMs ?? 1000 } : {}),
      ...(kind === 'already-done' ? { onlyIfTrue: true } : {}),
    });
    // The tail waits for this authorization's next attempt at the same operation (an authorization has no ref yet).
    if (authorizationRef !== null) for (const kind of sequence.slice(1)) this.pending.push({ ...spec(kind), authorizationRef, remaining: 1 });
    return spec(sequence[0]!);
  }
}
