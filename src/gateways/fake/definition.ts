// The in-process fake (HOLDFAST_FAKE_GATEWAY=1, tests, the demo) as the expiry policy knows it.
import { DAY_MS } from '../../time/durations.js';
import type { DocumentedGateway } from '../gateway-definition.js';

/** The fake holds like Kushki (debit 7 days, credit 28 days), so demos age holds the same way. */
export const FAKE_DEFINITION: DocumentedGateway = Object.freeze({
  name: 'fake',
  windows: Object.freeze({ debit: 7 * DAY_MS, credit: 28 * DAY_MS }),
});
