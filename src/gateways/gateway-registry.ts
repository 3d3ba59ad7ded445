// The gateways holdfast knows, as profiles (name, windows, capabilities, variables): the expiry
// policy reads their documented windows from here, the configuration their names, the secret list
// and `holdfast config` their variables. Profiles carry no wire format, so importing this file loads
// neither an HTTP client nor the transformers (and zod): read-only commands start faster. Their
// definitions, with the wire format, are listed in http-gateways.ts, in the same order.
import { FAKE_DEFINITION } from './fake/definition.js';
import type { DocumentedGateway, HttpGatewayProfile } from './gateway-definition.js';
import { KUSHKI_PROFILE } from './kushki/profile.js';
import { PAYCERTIFY_PROFILE } from './paycertify/profile.js';

/** The HTTP gateways the environment can configure, in the order gatewaysFromEnv builds them. */
export const HTTP_GATEWAY_PROFILES: readonly HttpGatewayProfile[] = Object.freeze([KUSHKI_PROFILE, PAYCERTIFY_PROFILE]);

/** Every gateway with documented windows: the HTTP ones and the in-process fake. */
export const DOCUMENTED_GATEWAYS: readonly DocumentedGateway[] = Object.freeze([...HTTP_GATEWAY_PROFILES, FAKE_DEFINITION]);

/** The gateway names a configuration may use (`windows`, a hold's gateway); anything else is unknown. */
export const KNOWN_GATEWAY_NAMES: readonly string[] = Object.freeze(DOCUMENTED_GATEWAYS.map((gateway) => gateway.name));
