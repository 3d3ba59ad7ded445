// Which HTTP gateways are configured, from environment variables: every definition of http-gateways.ts
// whose required variables are set (gateway-env.ts reads and checks them), created by
// createHttpGateway. Error messages name the variable, never its value.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { createHttpGateway } from './create-http-gateway.js';
import type { HttpGatewayDefinition } from './gateway-definition.js';
import { readGatewayEnv } from './gateway-env.js';
import { HTTP_GATEWAY_DEFINITIONS } from './http-gateways.js';
import type { Gateway } from './types.js';

/** Things the environment does not decide: the clock and the logger (and, for tests, the definitions). */
export interface GatewaysFromEnvOptions {
  clock?: Clock | undefined;
  logger?: Logger | undefined;
  /** Default: every registered HTTP gateway. */
  definitions?: readonly HttpGatewayDefinition[] | undefined;
}

/** Builds every registered gateway whose required variables are set (Kushki: KUSHKI_PRIVATE_MERCHANT_ID; PayCertify: PAYCERTIFY_API_TOKEN). */
export function gatewaysFromEnv(env: NodeJS.ProcessEnv, options: GatewaysFromEnvOptions = {}): Gateway[] {
  const { gateways, timeouts } = readGatewayEnv(options.definitions ?? HTTP_GATEWAY_DEFINITIONS, env);
  return gateways.map(({ definition, settings }) => createHttpGateway(definition, { settings, timeouts, clock: options.clock, logger: options.logger }));
}
