// The CLI's log redactor removes the configured credentials wherever they appear.
import { describe, expect, it } from 'vitest';
import { configuredSecrets } from '../../src/config/configured-secrets.js';
import { logRedactor } from '../../src/gateways/redact.js';

describe('configuredSecrets', () => {
  it('collects the gateway credentials and the webhook secret, skipping empty ones', () => {
    const env = { KUSHKI_PRIVATE_MERCHANT_ID: ' pm-7f3a ', PAYCERTIFY_API_TOKEN: '', HOLDFAST_WEBHOOK_SECRET: 'whsec_91ab', HOLDFAST_DB: 'x.db' };
    expect(configuredSecrets(env)).toEqual(['pm-7f3a', 'whsec_91ab']);
  });

  it('feeds a log redactor that removes them from nested fields', () => {
    const redactLog = logRedactor(configuredSecrets({ KUSHKI_PRIVATE_MERCHANT_ID: 'pm-7f3a', HOLDFAST_WEBHOOK_SECRET: 'whsec_91ab' }));
    expect(redactLog({ err: 'merchant pm-7f3a rejected', webhook: { note: 'signed with whsec_91ab' } })).toEqual({
      err: 'merchant [redacted] rejected',
      webhook: { note: 'signed with [redacted]' },
    });
  });
});
