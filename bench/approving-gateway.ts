// A zero-latency in-process gateway that approves every capture and void and remembers nothing.
// The memory benchmark uses it instead of FakeGateway, whose ledger and replay store keep an entry
// per authorization and per call (O(n) by design, for exactly-once assertions): over 1 000 000 holds
// that would be the fake's memory, not holdfast's. A real gateway keeps its ledger elsewhere.
import type { AuthorizeOutcome, CaptureOutcome, CaptureRequest, ExchangeRecord, Gateway, VoidOutcome, VoidRequest } from '../src/gateways/types.js';

/** Creates the stateless approving gateway under `name`. */
export function approvingGateway(name: string): Gateway & { calls: number } {
  const exchange = (operation: ExchangeRecord['operation'], idempotencyKey: string, request: unknown, response: unknown): ExchangeRecord => ({
    operation, idempotencyKey, httpStatus: 201, request, response, latencyMs: 0, gatewayCode: null, message: null,
  });
  const gateway = {
    name,
    calls: 0,
    capabilities: { maxCaptures: 1, overcaptureBps: 1000, partialCapture: true, reauthorization: false, replacement: false, captureNeedsSubscription: false },
    async authorize(): Promise<AuthorizeOutcome> {
      throw new Error('the approving gateway only captures and voids');
    },
    async capture(req: CaptureRequest): Promise<CaptureOutcome> {
      gateway.calls++;
      return { kind: 'approved', amount: req.amount, captureRef: null, exchange: exchange('capture', req.idempotencyKey, req, { ref: req.gatewayRef, amount: req.amount }) };
    },
    async void(req: VoidRequest): Promise<VoidOutcome> {
      gateway.calls++;
      return { kind: 'approved', exchange: exchange('void', req.idempotencyKey, req, { ref: req.gatewayRef }) };
    },
  };
  return gateway;
}
