// The gateways a process may use: the real ones enabled by their environment variables, plus the
// fake when HOLDFAST_FAKE_GATEWAY=1 (a testing aid).
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { gatewaysFromEnv } from '../gateways/from-env.js';
import type { Gateway } from '../gateways/types.js';
import { fakeGatewayFromEnv } from './fake-gateway-from-env.js';

/** Builds every gateway the environment configures. */
export function configuredGateways(env: NodeJS.ProcessEnv, options: { clock: Clock; logger: Logger }): Gateway[] {
  const gateways = gatewaysFromEnv(env, { clock: options.clock, logger: options.logger });
  const fake = fakeGatewayFromEnv(env, options.clock);
  return fake ? [...gateways, fake] : gateways;
}
