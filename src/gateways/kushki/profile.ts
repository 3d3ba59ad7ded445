// Kushki OneClick as holdfast knows it without its wire format: what it allows, how long its holds
// last and the variables that configure it. definition.ts adds the credential header and the
// transformers.
import { DAY_MS } from '../../time/durations.js';
import type { HttpGatewayProfile } from '../gateway-definition.js';

/** The UAT environment; production is https://api.kushkipagos.com. */
export const KUSHKI_UAT_URL = 'https://api-uat.kushkipagos.com';

/** What a Kushki gateway is created with. */
export type KushkiSettings = {
  baseUrl: string;
  /** Sent as Private-Merchant-Id; never stored or logged. */
  privateMerchantId: string;
};

/** Kushki OneClick: authorize and capture on a subscription, void a ticket. */
export const KUSHKI_PROFILE: Readonly<HttpGatewayProfile<KushkiSettings>> = Object.freeze<HttpGatewayProfile<KushkiSettings>>({
  name: 'kushki',
  /**
   * One capture per authorization, up to 110 % of it plus its reauthorizations (fixture
   * kushki-oneclick-auth-rules). Reauthorization of a pre-authorization is documented by Kushki; its
   * Card API body is not (see REAUTHORIZATION.md): the wire format here is unverified.
   */
  capabilities: Object.freeze({
    maxCaptures: 1,
    overcaptureBps: 1000,
    partialCapture: true,
    reauthorization: true,
    /** OneClick authorizes on a subscription (the stored card) as often as asked: the verified path. */
    replacement: true,
    captureNeedsSubscription: true,
  }),
  /** Debit 7 days, credit 28 days (seed 000). */
  windows: Object.freeze({ debit: 7 * DAY_MS, credit: 28 * DAY_MS }),
  env: {
    privateMerchantId: { name: 'KUSHKI_PRIVATE_MERCHANT_ID', format: 'credential', required: true, secret: true },
    baseUrl: { name: 'KUSHKI_BASE_URL', format: 'url', default: KUSHKI_UAT_URL },
  },
});
