// Every gateway request the simulator received, in arrival order, for an oracle that counts
// requests rather than effects: replays, faulted, refused and key-reuse requests included.
// Requests refused at the TCP level (the simulator is down) never arrive and are not logged.
import type { FaultKind } from './fault-plan.js';
import type { SimGateway, SimOperation } from './sim-ledger.js';

/** How the simulator dealt with a request. */
export type SimRequestHandling =
  | 'executed' // the route ran (it may still have refused or declined: see status)
  | 'replayed' // the stored 2xx for its Idempotency-Key was sent again
  | 'key-reused' // its Idempotency-Key was stored for a different request: 422, nothing ran
  | 'dropped' // the simulator went down while the request waited for its latency: nothing ran
  | FaultKind; // the fault that was injected into it

/** One gateway request as the simulator saw it (no bodies: they may hold card data). */
export interface SimRequestLogEntry {
  /** 1, 2, … in arrival order (restarts at reset()). */
  seq: number;
  /** Arrival time on the simulator's (injected) clock, epoch ms. */
  at: number;
  gateway: SimGateway;
  operation: SimOperation;
  method: string;
  path: string;
  idempotencyKey: string | null;
  /** Kushki ticketNumber (capture body or void path), PayCertify transaction id (path); null for authorize. */
  authorizationRef: string | null;
  /** The amount the request asks for, minor units, when it states one. */
  amount: number | null;
  currency: string | null;
  /** sha256 (hex) of the raw body text: equal digests mean byte-identical bodies. */
  bodySha256: string;
  /** executed, replayed (stored 2xx sent again), key-reused, dropped, or the fault that was injected. */
  handling: SimRequestHandling;
  /** The injected fault, if any (handling alone cannot tell an injected key-reused from a real one). */
  fault: FaultKind | null;
  /** True when the route ran, so the request could have taken effect. */
  executed: boolean;
  /** The ledger seq of the effect this request produced, or null. */
  effectSeq: number | null;
  /** The status sent, or null when nothing was sent (reset, hang, dropped). */
  status: number | null;
  /** True when the targeted authorization's expiresAt ≤ at. */
  afterExpiry: boolean;
}

/** The append-only request log. */
export class RequestLog {
  private readonly entries: SimRequestLogEntry[] = [];

  /** Appends an entry and returns it for the handler to complete (status, handling). */
  append(entry: Omit<SimRequestLogEntry, 'seq'>): SimRequestLogEntry {
    const full = { seq: this.entries.length + 1, ...entry };
    this.entries.push(full);
    return full;
  }

  /** Copies of all entries, oldest first. */
  list(): SimRequestLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** Forgets everything (seq restarts at 1). */
  reset(): void {
    this.entries.length = 0;
  }
}
