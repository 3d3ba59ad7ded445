// The JSON body a webhook receiver gets, fixed when the transition that raised it commits. Built
// from the hold as stored, whose lastError the engine has already redacted.
import type { Hold } from './hold-types.js';
import { holdToJson, type HoldJson } from './hold-json.js';
import type { WebhookEventType } from './webhook-events.js';

/** The JSON body of one webhook event. */
export interface WebhookPayload {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  data: { hold: HoldJson & { lastError: { code: string; message: string } | null } };
}

/** The payload of event `id` of `type` about `hold` (as it is after the transition), at `at`. */
export function webhookPayload(id: string, type: WebhookEventType, hold: Hold, at: number): WebhookPayload {
  const lastError = hold.lastError && { code: hold.lastError.code, message: hold.lastError.message };
  return { id, type, createdAt: new Date(at).toISOString(), data: { hold: { ...holdToJson(hold), lastError } } };
}
