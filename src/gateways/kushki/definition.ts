// Kushki OneClick as createHttpGateway wires it: its profile (profile.ts: capabilities, windows,
// variables), its credential header and its wire format (transformers.ts).
import type { HttpGatewayDefinition } from '../gateway-definition.js';
import { KUSHKI_PROFILE, KUSHKI_UAT_URL, type KushkiSettings } from './profile.js';
import {
  buildAuthorizeCall,
  buildCaptureCall,
  buildReauthorizeCall,
  buildVoidCall,
  parseAuthorizeResponse,
  parseCaptureResponse,
  parseReauthorizeResponse,
  parseVoidResponse,
} from './transformers.js';

export { KUSHKI_UAT_URL, type KushkiSettings };

/** Kushki OneClick: its profile, the Private-Merchant-Id header and its wire format. */
export const KUSHKI_DEFINITION: Readonly<HttpGatewayDefinition<KushkiSettings>> = Object.freeze<HttpGatewayDefinition<KushkiSettings>>({
  ...KUSHKI_PROFILE,
  auth: (settings: KushkiSettings) => ({ 'private-merchant-id': settings.privateMerchantId }),
  transformers: {
    buildAuthorizeCall,
    buildCaptureCall,
    buildVoidCall,
    parseAuthorizeResponse,
    parseCaptureResponse,
    parseVoidResponse,
    buildReauthorizeCall,
    parseReauthorizeResponse,
  },
});

/** Kept for callers of the earlier export. */
export const KUSHKI_CAPABILITIES = KUSHKI_PROFILE.capabilities;
