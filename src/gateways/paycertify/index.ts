// PayCertify over HTTP: URLs, headers and got calls. The wire format lives in transformers.ts.
// The card number and CVV exist only in the request object handed to got; the exchange record gets
// a redacted copy in which the card number is masked (even when it fails the Luhn check) and every
// CVV-like field is dropped.
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
  maskedCardOf,
  PAYCERTIFY_CAPABILITIES,
  type PayCertifyCall,
  parseAuthorizeResponse,
  parseCaptureResponse,
  parseVoidResponse,
} from './transformers.js';

/** The QA environment; production is https://gateway-api.paycertify.com. */
export const PAYCERTIFY_QA_URL = 'https://qa-gateway-api.paycertify.com';

export interface PayCertifyGatewayOptions {
  baseUrl?: string | undefined;
  /** Sent as `Authorization: Bearer …`; never stored or logged. */
  apiToken: string;
  /** PayCertify picks a processor at random when none is given. */
  processorId?: string | undefined;
  /** ip_address to send when the request's metadata has none (seed 003 lists it as required). */
  defaultIpAddress?: string | undefined;
  timeouts?: Partial<HttpTimeouts> | undefined;
  maxResponseBytes?: number | undefined;
  clock?: Clock | undefined;
  /** Receives one redacted line per exchange. */
  logger?: Logger | undefined;
}

/** Creates the PayCertify adapter (auth, capture, void of a card transaction). */
export function createPayCertifyGateway(options: PayCertifyGatewayOptions): Gateway {
  const client = createHttpClient({
    baseUrl: options.baseUrl ?? PAYCERTIFY_QA_URL,
    timeouts: options.timeouts,
    maxResponseBytes: options.maxResponseBytes,
  });
  const clock = options.clock ?? systemClock;

  async function send(operation: ExchangeRecord['operation'], idempotencyKey: string, built: PayCertifyCall, pans: string[] = []) {
    const redaction: RedactOptions = { secrets: [options.apiToken], pans };
    return performExchange(
      client,
      operation,
      idempotencyKey,
      {
        method: built.method,
        path: built.path,
        headers: { authorization: `Bearer ${options.apiToken}`, 'content-type': 'application/json' },
        body: built.body,
      },
      redaction,
    );
  }

  function logged<T extends { kind: string; exchange: ExchangeRecord }>(outcome: T): T {
    options.logger?.info({ gateway: 'paycertify', outcome: outcome.kind, exchange: outcome.exchange }, 'gateway exchange');
    return outcome;
  }

  return {
    name: 'paycertify',
    capabilities: PAYCERTIFY_CAPABILITIES,
    secrets: [options.apiToken],
    checkAuthorize(req): void {
      buildAuthorizeCall(req, { processorId: options.processorId, ipAddress: options.defaultIpAddress });
    },
    async authorize(req): Promise<AuthorizeOutcome> {
      const built = buildAuthorizeCall(req, { processorId: options.processorId, ipAddress: options.defaultIpAddress });
      const { result, base } = await send('authorize', req.idempotencyKey, built, req.card ? [req.card.number] : []);
      if (result.kind === 'transport') return logged(transportOutcome(result, base));
      const ctx = { base, requestedAmount: req.amount, currency: req.currency, now: clock.now(), maskedCard: maskedCardOf(req) };
      return logged(parseAuthorizeResponse(result, ctx));
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

export { PAYCERTIFY_CAPABILITIES };
