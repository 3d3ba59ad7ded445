// The Kushki OneClick adapter: its definition (definition.ts, transformers.ts) wired to HTTP by
// createHttpGateway.
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import { createHttpGateway } from '../create-http-gateway.js';
import type { HttpTimeouts } from '../http.js';
import type { Gateway } from '../types.js';
import { KUSHKI_CAPABILITIES, KUSHKI_DEFINITION, KUSHKI_UAT_URL } from './definition.js';

export { KUSHKI_CAPABILITIES, KUSHKI_DEFINITION, KUSHKI_UAT_URL };

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
  const { baseUrl, privateMerchantId, ...rest } = options;
  return createHttpGateway(KUSHKI_DEFINITION, { ...rest, settings: { baseUrl: baseUrl ?? KUSHKI_UAT_URL, privateMerchantId } });
}
