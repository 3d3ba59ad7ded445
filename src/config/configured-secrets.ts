// The secret values a process is configured with, so that log redaction can remove them wherever
// they turn up (a gateway echoing its credential in an error, a URL in an exception).

// Each one is a credential in its own right; the database URL's password is handled by URL redaction.
const SECRET_VARIABLES = ['KUSHKI_PRIVATE_MERCHANT_ID', 'PAYCERTIFY_API_TOKEN', 'HOLDFAST_WEBHOOK_SECRET'] as const;

/** The configured gateway credentials and webhook secret found in `env` (trimmed, empty ones skipped). */
export function configuredSecrets(env: NodeJS.ProcessEnv): string[] {
  return SECRET_VARIABLES.map((name) => env[name]?.trim() ?? '').filter((value) => value !== '');
}
