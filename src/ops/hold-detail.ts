// What a hold's own page shows: the hold, why it needs a person (if it does), its stored
// authorization request (order, subscription, metadata — never card data), its journal and its
// redacted gateway exchanges, oldest first.
import type { GatewayExchange, Hold, HoldTransition } from '../../machines/hold-types.js';
import { findHold, listExchanges, listTransitions } from '../../db/holds.repository.js';
import { type AttentionKind, attentionKindOf } from '../../db/operations.repository.js';
import { toHold } from '../../db/stored-hold.js';
import type { HoldEngine } from '../engine/hold-engine.js';
import { parseAuthorizeRequest, type StoredAuthorizeRequest } from '../engine/authorize-request.js';

/** One hold with everything its page shows. */
export interface HoldDetail {
  at: number;
  hold: Hold;
  kind: AttentionKind | null;
  request: StoredAuthorizeRequest | null;
  transitions: HoldTransition[];
  exchanges: GatewayExchange[];
}

/** The hold's page data, or null when no hold has that id. */
export async function loadHoldDetail(engine: HoldEngine, id: string): Promise<HoldDetail | null> {
  const db = engine.store.db;
  const stored = await findHold(db, id);
  if (!stored) return null;
  const [transitions, exchanges] = await Promise.all([listTransitions(db, id), listExchanges(db, id)]);
  const hold = toHold(stored, engine.policy.leadTimeMs);
  return {
    at: engine.clock.now(),
    hold,
    kind: attentionKindOf(hold),
    request: stored.authorizeRequest === null ? null : parseAuthorizeRequest(stored.authorizeRequest),
    transitions,
    exchanges,
  };
}
