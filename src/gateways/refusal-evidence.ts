// Reading a gateway's refusal text for what it says about earlier attempts: "already captured" and
// "already voided" are evidence, not failures. The phrases are the simulator's and the ones seen in
// Kushki's and PayCertify's public SDK tests; the real gateways' exact texts are unverified, so an
// unrecognised text stays `invalid-request` (on a resumed call the hold then stays in flight).
import type { RefusalKind } from '../../machines/gateway-answer.js';

const ALREADY_CAPTURED = [/ya (fue|ha sido) capturad/i, /already (been )?captured/i, /already (been )?settled/i];
const ALREADY_VOIDED = [/ya (fue|ha sido) anulad/i, /already (been )?(voided|cancel+ed|reversed)/i];
const KEY_REUSED = [/idempotency[- ]?key/i, /llave de idempotencia/i];

/**
 * What a refusal says about the request or the authorization's state, or `fallback` when it says
 * nothing we know. HTTP 422 with an idempotency-key message is the key-reuse answer of the
 * idempotency layer, not a refusal of the operation.
 */
export function refusalFromText(message: string, fallback: RefusalKind): RefusalKind {
  if (KEY_REUSED.some((re) => re.test(message))) return 'key-reused';
  if (ALREADY_CAPTURED.some((re) => re.test(message))) return 'already-captured';
  if (ALREADY_VOIDED.some((re) => re.test(message))) return 'already-voided';
  return fallback;
}
