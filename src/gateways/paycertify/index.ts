// The PayCertify adapter: its definition (definition.ts, transformers.ts) wired to HTTP by
// createHttpGateway. The card number and CVV exist only in the request object handed to got; the
// exchange record gets a redacted copy in which the card number is masked (even when it fails the
// Luhn check) and every CVV-like field is dropped.
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import { createHttpGateway } from '../create-http-gateway.js';
import type { HttpTimeouts } from '../http.js';
import type { Gateway } from '../types.js';
import { PAYCERTIFY_CAPABILITIES, PAYCERTIFY_DEFINITION, PAYCERTIFY_QA_URL } from './definition.js';

export { PAYCERTIFY_CAPABILITIES, PAYCERTIFY_DEFINITION, PAYCERTIFY_QA_URL };

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
  const { baseUrl, apiToken, processorId, defaultIpAddress, ...rest } = options;
  const settings = { baseUrl: baseUrl ?? PAYCERTIFY_QA_URL, apiToken, processorId, defaultIpAddress };
  return createHttpGateway(PAYCERTIFY_DEFINITION, { ...rest, settings });
}
