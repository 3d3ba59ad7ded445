// The definitions of the registry's HTTP gateways (gateway-registry.ts lists their profiles, in the
// same order; a test checks that the two lists agree): what gatewaysFromEnv builds gateways from.
import type { HttpGatewayDefinition } from './gateway-definition.js';
import { KUSHKI_DEFINITION } from './kushki/definition.js';
import { PAYCERTIFY_DEFINITION } from './paycertify/definition.js';

/** The HTTP gateways the environment can configure, with their wire formats. */
export const HTTP_GATEWAY_DEFINITIONS: readonly HttpGatewayDefinition[] = Object.freeze([KUSHKI_DEFINITION, PAYCERTIFY_DEFINITION]);
