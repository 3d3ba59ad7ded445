// PayCertify as holdfast knows it without its wire format: what it allows, how long its holds last
// and the variables that configure it. definition.ts adds the bearer token and the transformers.
import { DAY_MS } from '../../time/durations.js';
import type { HttpGatewayProfile } from '../gateway-definition.js';

/** The QA environment; production is https://gateway-api.paycertify.com. */
export const PAYCERTIFY_QA_URL = 'https://qa-gateway-api.paycertify.com';

/** What a PayCertify gateway is created with. */
export type PayCertifySettings = {
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; never stored or logged. */
  apiToken: string;
  /** PayCertify picks a processor at random when none is given. */
  processorId?: string | undefined;
  /** ip_address to send when the request's metadata has none (seed 003 lists it as required). */
  defaultIpAddress?: string | undefined;
};

/** PayCertify: auth, capture and void of a card transaction; the raw card stays in memory only. */
export const PAYCERTIFY_PROFILE: Readonly<HttpGatewayProfile<PayCertifySettings>> = Object.freeze<HttpGatewayProfile<PayCertifySettings>>({
  name: 'paycertify',
  /**
   * Seed 003 shows one capture of part of an authorization (0.50 of 1.00) and says nothing about a
   * second capture or capturing more than authorized: one capture, no overcapture.
   */
  capabilities: Object.freeze({
    maxCaptures: 1,
    overcaptureBps: 0,
    partialCapture: true,
    reauthorization: false,
    /** Every authorization carries the raw card, which holdfast never stores. */
    replacement: false,
    captureNeedsSubscription: false,
  }),
  /** PayCertify responses carry no card type, so 7 days (the shorter usual window) for all. */
  windows: Object.freeze({ debit: 7 * DAY_MS, credit: 7 * DAY_MS }),
  env: {
    apiToken: { name: 'PAYCERTIFY_API_TOKEN', format: 'credential', required: true, secret: true },
    baseUrl: { name: 'PAYCERTIFY_BASE_URL', format: 'url', default: PAYCERTIFY_QA_URL },
    processorId: { name: 'PAYCERTIFY_PROCESSOR_ID', format: 'text' },
    defaultIpAddress: { name: 'PAYCERTIFY_DEFAULT_IP_ADDRESS', format: 'text' },
  },
});
