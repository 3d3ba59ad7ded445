// Kushki OneClick over HTTP: URLs, headers and got calls. The wire format lives in transformers.ts.
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../clock.js';
import { performExchange, transportOutcome } from '../exchange-record.js';
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
  const redaction: RedactOptions = { secrets: [options.privateMerchantId] };

  async function send(operation: ExchangeRecord['operation'], idempotencyKey: string, built: KushkiCall) {
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

  function logged<T extends { kind: string; exchange: ExchangeRecord }>(outcome: T): T {
    options.logger?.info({ gateway: 'kushki', outcome: outcome.kind, exchange: outcome.exchange }, 'gateway exchange');
    return outcome;
  }

  return {
    name: 'kushki',
    capabilities: KUSHKI_CAPABILITIES,
    secrets: [options.privateMerchantId],
    checkAuthorize(req): void {
      buildAuthorizeCall(req);
    },
    async authorize(req): Promise<AuthorizeOutcome> {
      const { result, base } = await send('authorize', req.idempotencyKey, buildAuthorizeCall(req));
      if (result.kind === 'transport') return logged(transportOutcome(result, base));
      return logged(parseAuthorizeResponse(result, { base, requestedAmount: req.amount, currency: req.currency, now: clock.now() }));
    },
    async capture(req): Promise<CaptureOutcome> {
      const { result, base } = await send('capture', req.idempotencyKey, buildCaptureCall(req));
      if (result.kind === 'transport') return logged(transportOutcome(result, base));
      return logged(parseCaptureResponse(result, { base, requestedAmount: req.amount, currency: req.currency, now: clock.now() }));
    },
    async void(req): Promise<VoidOutcome> {
      const { result, base } = await send('void', req.idempotencyKey, buildVoidCall(req));
      if (result.kind === 'transport') return logged(transportOutcome(result, base));
      return logged(parseVoidResponse(result, { base, requestedAmount: req.amount, currency: req.currency, now: clock.now() }));
    },
    async close(): Promise<void> {
      client.close();
    },
  };
}

export { KUSHKI_CAPABILITIES };
