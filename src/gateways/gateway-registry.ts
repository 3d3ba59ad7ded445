// The gateways holdfast knows. The expiry policy reads their documented windows from here and the
// environment loader their variables; adding a gateway means adding its definition to this file.
// Definitions are data plus pure functions: importing this file loads no HTTP client.
import { FAKE_DEFINITION } from './fake/definition.js';
import type { DocumentedGateway, HttpGatewayDefinition } from './gateway-definition.js';
import { KUSHKI_DEFINITION } from './kushki/definition.js';
import { PAYCERTIFY_DEFINITION } from './paycertify/definition.js';

/** The HTTP gateways the environment can configure, in the order gatewaysFromEnv builds them. */
export const HTTP_GATEWAY_DEFINITIONS: readonly HttpGatewayDefinition[] = Object.freeze([KUSHKI_DEFINITION, PAYCERTIFY_DEFINITION]);

/** Every gateway with documented windows: the HTTP ones and the in-process fake. */
export const DOCUMENTED_GATEWAYS: readonly DocumentedGateway[] = Object.freeze([...HTTP_GATEWAY_DEFINITIONS, FAKE_DEFINITION]);

/** The gateway names a configuration may use (`windows`, a hold's gateway); anything else is unknown. */
export const KNOWN_GATEWAY_NAMES: readonly string[] = Object.freeze(DOCUMENTED_GATEWAYS.map((gateway) => gateway.name));
