// PayCertify over HTTP: URLs, headers and got calls. The wire format lives in transformers.ts.
// The card number and CVV exist only in the request object handed to got; the exchange record gets
// a redacted copy in which the card number is masked (even when it fails the Luhn check) and every
// CVV-like field is dropped.
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

  // The token is removed wherever a gateway echoes it, the card sent is masked even when it fails the
  // Luhn check, and the transaction and order ids are this exchange's references.
  function redactionFor(references: readonly (string | null | undefined)[], pans: readonly string[] = []): RedactOptions {
    return { secrets: [options.apiToken], pans, references: references.filter((r): r is string => typeof r === 'string' && r !== '') };
  }

  async function send(operation: ExchangeRecord['operation'], idempotencyKey: string, built: PayCertifyCall, redaction: RedactOptions) {
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

  function finish<T extends { kind: string; exchange: ExchangeRecord }>(outcome: T, redaction: RedactOptions): T {
    const safe = redactOutcome(outcome, redaction);
    options.logger?.info({ gateway: 'paycertify', outcome: safe.kind, exchange: safe.exchange }, 'gateway exchange');
    return safe;
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
      const redaction = redactionFor([req.orderId], req.card ? [req.card.number] : []);
      const { result, base } = await send('authorize', req.idempotencyKey, built, redaction);
      if (result.kind === 'transport') return finish(transportOutcome(result, base), redaction);
      const ctx = { base, requestedAmount: req.amount, currency: req.currency, now: clock.now(), maskedCard: maskedCardOf(req) };
      return finish(parseAuthorizeResponse(result, ctx), redaction);
    },
    async capture(req): Promise<CaptureOutcome> {
      const redaction = redactionFor([req.gatewayRef]);
      const { result, base } = await send('capture', req.idempotencyKey, buildCaptureCall(req), redaction);
      if (result.kind === 'transport') return finish(transportOutcome(result, base), redaction);
      return finish(parseCaptureResponse(result, { base, requestedAmount: req.amount, currency: req.currency, now: clock.now() }), redaction);
    },
    async void(req): Promise<VoidOutcome> {
      const redaction = redactionFor([req.gatewayRef]);
      const { result, base } = await send('void', req.idempotencyKey, buildVoidCall(req), redaction);
      if (result.kind === 'transport') return finish(transportOutcome(result, base), redaction);
      return finish(parseVoidResponse(result, { base, requestedAmount: req.amount, currency: req.currency, now: clock.now() }), redaction);
    },
    async close(): Promise<void> {
      client.close();
    },
  };
}

export { PAYCERTIFY_CAPABILITIES };
