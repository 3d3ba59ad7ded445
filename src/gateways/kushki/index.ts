// Kushki OneClick over HTTP: URLs, headers and got calls. The wire format lives in transformers.ts.
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../clock.js';
import { performExchange, redactOutcome, transportOutcome } from '../exchange-record.js';
import { createHttpClient, type HttpTimeouts } from '../http.js';
import type { RedactOptions } from '../redact.js';
import type { AuthorizeOutcome, CaptureOutcome, ExchangeRecord, Gateway, VoidOutcome } from '../types.js';
import {
  buildAuthorizeCall,
  buildCaptureCall,
  buildVoidCall,
  KUSHKI_CAPABILITIES,
  type KushkiCall,
  parseAuthorizeResponse,
  parseCaptureResponse,
  parseVoidResponse,
} from './transformers.js';

/** The UAT environment; production is https://api.kushkipagos.com. */
export const KUSHKI_UAT_URL = 'https://api-uat.kushkipagos.com';

export interface KushkiGatewayOptions {
  baseUrl?: string | undefined;
  /** Sent as Private-Merchant-Id; never stored or logged. */
  privateMerchantId: string;
  timeouts?: Partial<HttpTimeouts> | undefined;
  maxResponseBytes?: number | undefined;
  clock?: Clock | undefined;
  /** Receives one redacted line per exchange. */
  logger?: Logger | undefined;
}

/** Creates the Kushki OneClick adapter (authorize, capture, void over a subscription). */
export function createKushkiGateway(options: KushkiGatewayOptions): Gateway {
  const client = createHttpClient({
    baseUrl: options.baseUrl ?? KUSHKI_UAT_URL,
    timeouts: options.timeouts,
    maxResponseBytes: options.maxResponseBytes,
  });
  const clock = options.clock ?? systemClock;
  // The merchant id is removed wherever a gateway echoes it; the subscription, the ticket and the
  // order id are this exchange's references, never mistaken for card numbers.
  function redactionFor(references: readonly (string | null | undefined)[]): RedactOptions {
    return { secrets: [options.privateMerchantId], references: references.filter((r): r is string => typeof r === 'string' && r !== '') };
  }

  async function send(operation: ExchangeRecord['operation'], idempotencyKey: string, built: KushkiCall, redaction: RedactOptions) {
    return performExchange(
      client,
      operation,
      idempotencyKey,
      {
        method: built.method,
        path: built.path,
        headers: { 'private-merchant-id': options.privateMerchantId, 'content-type': 'application/json' },
        body: built.body,
      },
      redaction,
    );
  }

  function finish<T extends { kind: string; exchange: ExchangeRecord }>(outcome: T, redaction: RedactOptions): T {
    const safe = redactOutcome(outcome, redaction);
    options.logger?.info({ gateway: 'kushki', outcome: safe.kind, exchange: safe.exchange }, 'gateway exchange');
    return safe;
  }

  return {
    name: 'kushki',
    capabilities: KUSHKI_CAPABILITIES,
    secrets: [options.privateMerchantId],
    checkAuthorize(req): void {
      buildAuthorizeCall(req);
    },
    async authorize(req): Promise<AuthorizeOutcome> {
      const redaction = redactionFor([req.subscriptionId, req.orderId]);
      const { result, base } = await send('authorize', req.idempotencyKey, buildAuthorizeCall(req), redaction);
      if (result.kind === 'transport') return finish(transportOutcome(result, base), redaction);
      return finish(parseAuthorizeResponse(result, { base, requestedAmount: req.amount, currency: req.currency, now: clock.now() }), redaction);
    },
    async capture(req): Promise<CaptureOutcome> {
      const redaction = redactionFor([req.gatewayRef, req.subscriptionId]);
      const { result, base } = await send('capture', req.idempotencyKey, buildCaptureCall(req), redaction);
      if (result.kind === 'transport') return finish(transportOutcome(result, base), redaction);
      return finish(parseCaptureResponse(result, { base, requestedAmount: req.amount, currency: req.currency, now: clock.now() }), redaction);
    },
    async void(req): Promise<VoidOutcome> {
      const redaction = redactionFor([req.gatewayRef, req.subscriptionId]);
      const { result, base } = await send('void', req.idempotencyKey, buildVoidCall(req), redaction);
      if (result.kind === 'transport') return finish(transportOutcome(result, base), redaction);
      return finish(parseVoidResponse(result, { base, requestedAmount: req.amount, currency: req.currency, now: clock.now() }), redaction);
    },
    async close(): Promise<void> {
      client.close();
    },
  };
}

export { KUSHKI_CAPABILITIES };
