// PayCertify as createHttpGateway wires it: its profile (profile.ts: capabilities, windows,
// variables), its bearer token and its wire format (transformers.ts).
import type { HttpGatewayDefinition } from '../gateway-definition.js';
import { PAYCERTIFY_PROFILE, PAYCERTIFY_QA_URL, type PayCertifySettings } from './profile.js';
import {
  buildAuthorizeCall,
  buildCaptureCall,
  buildVoidCall,
  parseAuthorizeResponse,
  parseCaptureResponse,
  parseVoidResponse,
} from './transformers.js';

export { PAYCERTIFY_QA_URL, type PayCertifySettings };

/** PayCertify: its profile, the bearer token and its wire format. */
export const PAYCERTIFY_DEFINITION: Readonly<HttpGatewayDefinition<PayCertifySettings>> = Object.freeze<HttpGatewayDefinition<PayCertifySettings>>({
  ...PAYCERTIFY_PROFILE,
  auth: (settings: PayCertifySettings) => ({ authorization: `Bearer ${settings.apiToken}` }),
  transformers: {
    buildAuthorizeCall: (req, settings: PayCertifySettings) =>
      buildAuthorizeCall(req, { processorId: settings.processorId, ipAddress: settings.defaultIpAddress }),
    buildCaptureCall,
    buildVoidCall,
    parseAuthorizeResponse,
    parseCaptureResponse,
    parseVoidResponse,
  },
});

/** Kept for callers of the earlier export. */
export const PAYCERTIFY_CAPABILITIES = PAYCERTIFY_PROFILE.capabilities;
