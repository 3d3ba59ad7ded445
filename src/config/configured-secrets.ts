// The secret values a process is configured with, so that log redaction can remove them wherever
// they turn up (a gateway echoing its credential in an error, a URL in an exception).
import { secretVariables } from '../gateways/gateway-definition.js';
import { HTTP_GATEWAY_PROFILES } from '../gateways/gateway-registry.js';

// Each one is a credential in its own right: every registered gateway's secret variables, and the
// webhook secret. The database URL's password is handled by URL redaction.
const SECRET_VARIABLES: readonly string[] = [...secretVariables(HTTP_GATEWAY_PROFILES), 'HOLDFAST_WEBHOOK_SECRET'];

/** The configured gateway credentials and webhook secret found in `env` (trimmed, empty ones skipped). */
export function configuredSecrets(env: NodeJS.ProcessEnv): string[] {
  return SECRET_VARIABLES.map((name) => env[name]?.trim() ?? '').filter((value) => value !== '');
}
