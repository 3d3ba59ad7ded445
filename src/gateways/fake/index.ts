// An in-process gateway with a real ledger, for tests, the demo and benchmarks. It keeps the same
// rules as a strict gateway (one ledger entry per idempotency key, capture limits, void only while
// authorized) so that a double effect shows up as data, not as a log line.
import type {
  AuthorizeOutcome,
  AuthorizeRequest,
  CaptureOutcome,
  CaptureRequest,
  CardType,
  ExchangeRecord,
  Gateway,
  GatewayCapabilities,
  VoidOutcome,
  VoidRequest,
} from '../types.js';
import { maxCapturable } from '../../../machines/hold-rules.js';
import { refusalFromText } from '../refusal-evidence.js';

/** How the fake answers for one subscription. */
export interface FakeSource {
  cardType?: CardType;
  /** Decline at authorization. */
  declineAuthorize?: boolean;
  /** Approve the authorization, decline its capture (the seed's 4547004841271012). */
  declineCapture?: boolean;
  /** Approve only this many minor units. */
  approveAmount?: number;
}

/**
 * A one-shot fault for the next call of an operation:
 * - `unavailable`: nothing happens, the caller learns it was not sent;
 * - `error` / `timeout`: nothing happens, the caller cannot tell (unknown);
 * - `commit-then-fail`: the effect happens, the caller still sees unknown;
 * - `decline`: a final refusal.
 */
export type FakeFault = 'unavailable' | 'error' | 'timeout' | 'commit-then-fail' | 'decline';

export type FakeOperation = 'authorize' | 'capture' | 'void';

/** One authorization in the fake's ledger. */
export interface FakeAuthorization {
  ref: string;
  amount: number;
  currency: string;
  status: 'authorized' | 'captured' | 'voided';
  captures: { amount: number; idempotencyKey: string; at: number }[];
  voids: { idempotencyKey: string; at: number }[];
}

export interface FakeGatewayOptions {
  name?: string;
  capabilities?: Partial<GatewayCapabilities>;
  /** Time for the ledger's entries; defaults to Date.now. */
  now?: () => number;
  /** Artificial latency per call (real timers): for concurrency tests and benchmarks. */
  latencyMs?: number;
}

const DEFAULT_CAPABILITIES: GatewayCapabilities = {
  maxCaptures: 1,
  overcaptureBps: 1000,
  partialCapture: true,
  reauthorization: false,
  replacement: false,
  captureNeedsSubscription: false,
};

type StoredOutcome = AuthorizeOutcome | CaptureOutcome | VoidOutcome;

/** An in-process gateway whose ledger tests can inspect; see FakeSource and FakeFault. */
export class FakeGateway implements Gateway {
  /** Optional pre-flight check, as real adapters have; tests set it. */
  checkAuthorize?: (req: AuthorizeRequest) => void;
  readonly name: string;
  readonly capabilities: GatewayCapabilities;
  /** Every authorization by reference. */
  readonly ledger = new Map<string, FakeAuthorization>();
  /** How many calls each operation received (including replays and faults). */
  readonly calls: Record<FakeOperation, number> = { authorize: 0, capture: 0, void: 0 };
  private readonly sources = new Map<string, FakeSource>();
  private readonly faults: Record<FakeOperation, FakeFault[]> = { authorize: [], capture: [], void: [] };
  private readonly replies = new Map<string, StoredOutcome>();
  private readonly now: () => number;
  private readonly latencyMs: number;
  private nextRef = 1;

  constructor(options: FakeGatewayOptions = {}) {
    this.name = options.name ?? 'fake';
    this.capabilities = { ...DEFAULT_CAPABILITIES, ...options.capabilities };
    this.now = options.now ?? Date.now;
    this.latencyMs = options.latencyMs ?? 0;
  }

  /** Sets how the fake answers for a subscription id. */
  setSource(subscriptionId: string, source: FakeSource): void {
    this.sources.set(subscriptionId, source);
  }

  /** Queues a fault for the next call(s) of an operation. */
  injectFault(operation: FakeOperation, fault: FakeFault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults[operation].push(fault);
  }

  /** Total captured and voided effects across the ledger, for exactly-once assertions. */
  effects(): { captures: number; voids: number } {
    let captures = 0;
    let voids = 0;
    for (const auth of this.ledger.values()) {
      captures += auth.captures.length;
      voids += auth.voids.length;
    }
    return { captures, voids };
  }

  async authorize(req: AuthorizeRequest): Promise<AuthorizeOutcome> {
    // Card data never enters the fake's exchange records, as it must not enter anyone's.
    const { card: _card, ...logged } = req;
    return this.call('authorize', req.idempotencyKey, logged, () => {
      const source = this.sources.get(req.subscriptionId ?? '') ?? {};
      if (source.declineAuthorize) return this.decline('authorize', req.idempotencyKey, logged, '017', 'Tarjeta no válida');
      const ref = String(100_000_000_000_000_000n + BigInt(this.nextRef++));
      const amount = Math.min(req.amount, source.approveAmount ?? req.amount);
      this.ledger.set(ref, { ref, amount, currency: req.currency, status: 'authorized', captures: [], voids: [] });
      const response = { ref, amount, cardType: source.cardType ?? 'credit' };
      return {
        kind: 'approved',
        gatewayRef: ref,
        amount,
        cardType: source.cardType ?? 'credit',
        authorizedAt: this.now(),
        exchange: this.exchange('authorize', req.idempotencyKey, 201, logged, response),
      };
    });
  }

  async capture(req: CaptureRequest): Promise<CaptureOutcome> {
    return this.call('capture', req.idempotencyKey, req, () => {
      const auth = this.ledger.get(req.gatewayRef);
      const source = this.sources.get(req.subscriptionId ?? '') ?? {};
      if (!auth) return this.decline('capture', req.idempotencyKey, req, 'K012', 'unknown authorization');
      if (source.declineCapture) return this.decline('capture', req.idempotencyKey, req, '017', 'capture declined');
      if (auth.status === 'voided') return this.decline('capture', req.idempotencyKey, req, 'K014', 'authorization was voided');
      if (auth.captures.length >= this.capabilities.maxCaptures) {
        return this.decline('capture', req.idempotencyKey, req, 'K014', 'already captured');
      }
      const total = auth.captures.reduce((sum, c) => sum + c.amount, 0) + req.amount;
      if (total > maxCapturable(auth.amount, this.capabilities.overcaptureBps)) {
        return this.decline('capture', req.idempotencyKey, req, 'K014', 'capture amount above the allowed limit');
      }
      auth.captures.push({ amount: req.amount, idempotencyKey: req.idempotencyKey, at: this.now() });
      auth.status = 'captured';
      return {
        kind: 'approved',
        amount: req.amount,
        captureRef: `${auth.ref}-c${auth.captures.length}`,
        authorizationRef: auth.ref,
        exchange: this.exchange('capture', req.idempotencyKey, 201, req, { ref: auth.ref, amount: req.amount }),
      };
    });
  }

  async void(req: VoidRequest): Promise<VoidOutcome> {
    return this.call('void', req.idempotencyKey, req, () => {
      const auth = this.ledger.get(req.gatewayRef);
      if (!auth) return this.decline('void', req.idempotencyKey, req, 'K012', 'unknown authorization');
      if (auth.status === 'voided') return this.decline('void', req.idempotencyKey, req, 'K015', 'already voided');
      if (auth.captures.length > 0 && auth.captures.length >= this.capabilities.maxCaptures) {
        return this.decline('void', req.idempotencyKey, req, 'K015', 'authorization already captured');
      }
      auth.voids.push({ idempotencyKey: req.idempotencyKey, at: this.now() });
      if (auth.captures.length === 0) auth.status = 'voided';
      return { kind: 'approved', exchange: this.exchange('void', req.idempotencyKey, 200, req, { ref: auth.ref }) };
    });
  }

  // Applies a queued fault, replays a stored 2xx for a repeated key, or runs the operation once.
  private async call<T extends StoredOutcome>(
    operation: FakeOperation,
    key: string,
    request: object,
    run: () => T,
  ): Promise<T> {
    this.calls[operation]++;
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const replyKey = `${operation}:${key}`;
    const stored = this.replies.get(replyKey);
    const fault = this.faults[operation].shift();
    if (fault === 'unavailable') {
      return { kind: 'unavailable', reason: 'connection refused (injected)', exchange: this.exchange(operation, key, null, request, null) } as T;
    }
    if (fault === 'error' || fault === 'timeout') {
      const status = fault === 'error' ? 500 : null;
      return { kind: 'unknown', reason: `${fault} (injected)`, exchange: this.exchange(operation, key, status, request, null) } as T;
    }
    if (fault === 'decline' && !stored) return this.decline(operation, key, request, '017', 'declined (injected)') as T;
    if (stored) return stored as T;
    const outcome = run();
    if (outcome.kind === 'approved') this.replies.set(replyKey, outcome);
    if (fault === 'commit-then-fail') {
      return { kind: 'unknown', reason: 'connection reset after commit (injected)', exchange: this.exchange(operation, key, null, request, null) } as T;
    }
    return outcome;
  }

  private decline(operation: FakeOperation, key: string, request: object, code: string, message: string) {
    return {
      kind: 'declined' as const,
      code,
      message,
      refusal: refusalFromText(message, code === '017' ? 'issuer' : 'invalid-request'),
      exchange: { ...this.exchange(operation, key, 400, request, { code, message }), gatewayCode: code, message },
    };
  }

  private exchange(operation: FakeOperation, key: string, httpStatus: number | null, request: unknown, response: unknown): ExchangeRecord {
    return { operation, idempotencyKey: key, httpStatus, request, response, latencyMs: this.latencyMs, gatewayCode: null, message: null };
  }
}
