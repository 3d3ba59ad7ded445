// Replacement authorizations: a new hold on the same stored card takes over an authorization whose
// window is closing (or whose amount must change). The order of writes is what makes it safe:
//   1. the original commits REPLACE (write-ahead) in the same transaction as the new hold's insert,
//      `authorizing` under its own key, with a void plan;
//   2. the new hold authorizes like any authorization (ambiguity rule, same-key retries by the sweeper);
//   3. its outcome is applied to the original: authorized → REPLACED, and in the same transaction the
//      new hold adopts the original's plan; then the original is released (voided) and ends `replaced`.
//      Refused → the original keeps its funds and falls back.
// Until step 3 the new hold's plan is void, so a replacement the original never adopted (its answer
// came after the deadline) is released, never captured. The original is never voided before its
// replacement is known to be authorized.
import type { HoldEvent } from '../../machines/hold.machine.js';
import { replacementKey, voidKey } from '../../machines/idempotency-keys.js';
import { adoptedPlan, replacementVerdict } from '../../machines/replacement.js';
import { isPastExpiry } from '../../machines/hold-rules.js';
import type { Actor } from '../../machines/hold-types.js';
import type { StoredHold } from '../../db/stored-hold.js';
import { findHold, insertHold, insertTransition } from '../../db/holds.repository.js';
import { HoldfastError, InvalidTransitionError } from '../errors.js';
import { minimumLeadTimeMs } from '../policy/expiry-policy.js';
import { parseAuthorizeRequest, serializeAuthorizeRequest } from './authorize-request.js';
import type { Fence, HoldEngine, PerformOutcome, PerformResult } from './hold-engine.js';
import { newHold } from './new-hold.js';
import { newHoldId } from './ids.js';
import { crashPoint } from './crash-point.js';

/** Why this hold cannot be replaced on this gateway, or null when it can. */
export function replacementObstacle(engine: HoldEngine, hold: StoredHold): string | null {
  if (!engine.hasGateway(hold.gateway) || !engine.gateway(hold.gateway).capabilities.replacement) {
    return `${hold.gateway} cannot authorize a replacement on a stored card`;
  }
  if (!hold.subscriptionId) return 'it has no subscription id (stored card) to authorize a replacement on';
  if (parseAuthorizeRequest(hold.authorizeRequest).hasCard) return 'its authorization carried card data, which holdfast never stores';
  return null;
}

/** Commits the original's REPLACE and the replacement hold's insert, in one transaction. */
export async function startReplacement(
  engine: HoldEngine,
  original: StoredHold,
  total: number,
  deadline: number,
  actor: Actor,
  options: { fence?: Fence; detail?: Record<string, unknown> } = {},
): Promise<{ original: StoredHold; replacement: StoredHold }> {
  const obstacle = replacementObstacle(engine, original);
  if (obstacle !== null) throw new HoldfastError('EXTENSION_NOT_SUPPORTED', `hold ${original.id} cannot be replaced: ${obstacle}`, { usage: true, details: { holdId: original.id } });
  const gateway = engine.gateway(original.gateway);
  const now = engine.clock.now();
  const request = parseAuthorizeRequest(original.authorizeRequest);
  const id = newHoldId();
  const key = replacementKey(original.id, original.context.reauthorizeAttempts + 1);
  const replacement = newHold(
    {
      id,
      gateway: original.gateway,
      capabilities: gateway.capabilities,
      currency: original.currency,
      amount: total,
      // Void until the original adopts it: an orphan is released, never captured.
      onExpiry: 'void',
      onExpiryExplicit: true,
      idempotencyKey: key,
      requestKey: null,
      authorizeRequest: serializeAuthorizeRequest({
        subscriptionId: original.subscriptionId ?? undefined,
        orderId: request.orderId ?? original.orderId ?? undefined,
        metadata: request.metadata,
        hasCard: false,
      }),
      deadline,
      orderId: original.orderId,
      subscriptionId: original.subscriptionId,
      cardType: original.cardType,
      replaces: original.id,
    },
    now,
  );
  const event: HoldEvent = { type: 'REPLACE', replacementId: id, amount: total, idempotencyKey: key, deadline, at: now };
  const db = engine.store.db;
  const { hold: next } = await engine.commit(original, event, actor, {
    ...(options.fence ? { fence: options.fence } : {}),
    detail: { replacement: id, ...options.detail },
    also: [
      { query: insertHold(db, replacement) },
      { query: insertTransition(db, { hold_id: id, seq: 1, from_state: null, to_state: 'authorizing', event: 'AUTHORIZE', actor, detail: JSON.stringify({ replaces: original.id }), at: now }) },
    ],
  });
  crashPoint('after-intent');
  return { original: next, replacement };
}

/** What settling a replacement did to the hold it replaces. */
export interface SettleResult {
  /** The replaced hold as it is now (null when it could not be read). */
  original: StoredHold | null;
  replacement: StoredHold;
  /** approved: the original was replaced (and its release sent); unknown: still waiting; others: it falls back. */
  outcome: PerformOutcome | 'waiting' | 'none';
  /** What an API caller should be told (null on approval and when nothing was settled). */
  error: HoldfastError | null;
}

type CallSlot = <T>(call: () => Promise<T>) => Promise<T>;

/** Applies a replacement hold's outcome to the hold it replaces (called right after its authorization). */
export async function settleReplacement(engine: HoldEngine, replacement: StoredHold, actor: Actor, options: { callSlot?: CallSlot } = {}): Promise<SettleResult> {
  const originalId = replacement.context.replaces;
  const original = originalId === null ? undefined : await findHold(engine.store.db, originalId);
  if (!original) return { original: null, replacement, outcome: 'none', error: null };
  return settle(engine, original, replacement, actor, options);
}

/**
 * After a retried authorization: when it was a replacement's and it has an outcome now, applies it
 * to the hold it replaces (null when there is nothing to settle).
 */
export async function settleIfReplacement(engine: HoldEngine, authorized: StoredHold, actor: Actor, options: { callSlot?: CallSlot } = {}): Promise<SettleResult | null> {
  if (authorized.context.replaces === null || authorized.state === 'authorizing') return null;
  return settleReplacement(engine, authorized, actor, options);
}

/** Checks on the replacement an original is waiting for (the sweeper's `settle`), applying its outcome. */
export async function settleOriginal(engine: HoldEngine, original: StoredHold, actor: Actor, options: { fence?: Fence; callSlot?: CallSlot } = {}): Promise<SettleResult | null> {
  const replacementId = original.context.pending?.replacementId;
  const replacement = replacementId === undefined ? undefined : await findHold(engine.store.db, replacementId);
  if (!replacement) return null;
  return settle(engine, original, replacement, actor, options);
}

async function settle(engine: HoldEngine, original: StoredHold, replacement: StoredHold, actor: Actor, options: { fence?: Fence; callSlot?: CallSlot }): Promise<SettleResult> {
  const pending = original.context.pending;
  const waiting = pending?.operation === 'replace' && pending.replacementId === replacement.id && (original.state === 'extending' || original.state === 'needs_attention');
  const verdict = replacementVerdict(replacement.state, replacement.context, replacement.expiresAt);
  const fence = options.fence && { epoch: options.fence.epoch, release: true };
  const withFence = fence ? { fence } : {};
  if (!waiting || pending === null) {
    // Authorized after the original stopped waiting for it (its deadline came first): release it.
    if (verdict.kind === 'authorized' && original.context.replacedBy !== replacement.id) await releaseOrphan(engine, replacement, actor, options.callSlot);
    return { original, replacement, outcome: 'none', error: null };
  }
  const now = engine.clock.now();
  // A declined replacement falls back at the extension's deadline, not at once: the time until then
  // is for a person to act on hold.extension_failed (as for a declined reauthorization).
  const fallbackFacts = original.context.onExpiry === 'extend' && pending.deadline !== null ? { facts: { ownActBy: pending.deadline } } : {};
  switch (verdict.kind) {
    case 'open':
      return { original, replacement, outcome: 'waiting', error: null };
    case 'declined':
    case 'not_sent': {
      // Never sent: the original returns to authorized and the extension is tried again later (a
      // flagged original has nothing to return to but its fallback, as for a refusal).
      const event: HoldEvent =
        verdict.kind === 'declined' || original.state === 'needs_attention'
          ? { type: 'OPERATION_DECLINED', code: verdict.code, message: verdict.message, at: now }
          : { type: 'OPERATION_NOT_SENT', code: verdict.code, reason: verdict.message, resumed: false, retryAt: now, at: now };
      const { hold: next } = await engine.commit(original, event, actor, { ...withFence, ...(verdict.kind === 'declined' ? fallbackFacts : {}), detail: { replacement: replacement.id } });
      const error = new HoldfastError(verdict.kind === 'declined' ? 'GATEWAY_DECLINED' : 'GATEWAY_UNAVAILABLE', `hold ${original.id}: the replacement authorization ${replacement.id} was ${verdict.kind === 'declined' ? 'declined' : 'not sent'} (${verdict.code}: ${verdict.message}); the hold keeps its funds and its fallback plan`, { details: { holdId: original.id, replacementId: replacement.id, code: verdict.code } });
      return { original: next, replacement, outcome: verdict.kind === 'declined' ? 'declined' : 'unavailable', error };
    }
    case 'authorized': {
      if (verdict.amount < pending.amount) {
        // Less than asked: keeping it would lose funds the order needs. The original keeps its own
        // authorization and falls back; the smaller replacement is released.
        const message = `the replacement authorization ${replacement.id} was approved for ${verdict.amount} of the ${pending.amount} minor units asked; it is released and the hold keeps its own authorization`;
        const { hold: next } = await engine.commit(original, { type: 'OPERATION_DECLINED', code: 'PARTIAL_APPROVAL', message, at: now }, actor, { ...withFence, ...fallbackFacts, detail: { replacement: replacement.id } });
        await releaseOrphan(engine, replacement, actor, options.callSlot);
        return { original: next, replacement, outcome: 'declined', error: new HoldfastError('GATEWAY_DECLINED', `hold ${original.id}: ${message}`, { details: { holdId: original.id, replacementId: replacement.id } }) };
      }
      const replaced: HoldEvent = { type: 'REPLACED', replacementId: replacement.id, amount: verdict.amount, expiresAt: verdict.expiresAt, idempotencyKey: voidKey(original.id, original.context.captureCount), at: now };
      const adopt = replacement.state === 'authorized' ? adoption(original, replacement, now) : null;
      const [next, adopted] = await engine.commitTogether(
        [
          { hold: original, event: replaced, options: { ...(options.fence ? { fence: { epoch: options.fence.epoch, release: isPastExpiry(original.context, now) } } : {}), detail: { replacement: replacement.id } } },
          ...(adopt ? [{ hold: replacement, event: adopt.event, options: { facts: adopt.facts, detail: { adoptedFrom: original.id } } }] : []),
        ],
        actor,
      );
      crashPoint('after-result');
      const current = adopted ?? replacement;
      const after = next as StoredHold;
      if (after.state !== 'voiding') return { original: after, replacement: current, outcome: 'approved', error: null };
      // Release the replaced authorization (its void follows the ambiguity rule like any other).
      const released: PerformResult = await engine.perform(after, actor, { resumed: false, fence: options.fence, callSlot: options.callSlot });
      return { original: released.stored, replacement: current, outcome: 'approved', error: null };
    }
    default: {
      const never: never = verdict;
      throw new Error(`unhandled verdict ${JSON.stringify(never)}`);
    }
  }
}

// The original's plan on the replacement, and its own actBy when it still leaves room to act.
function adoption(original: StoredHold, replacement: StoredHold, now: number) {
  const event = adoptedPlan(original.context, replacement.context, now);
  const room = minimumLeadTimeMs(0);
  const ownActBy = event.onExpiry !== 'extend' && original.ownActBy !== null && replacement.expiresAt !== null && original.ownActBy <= replacement.expiresAt - room && original.ownActBy > now ? original.ownActBy : null;
  return { event, facts: { onExpiryExplicit: original.onExpiryExplicit, ownActBy } };
}

// A replacement nobody adopted holds the customer's funds for nothing: void it now.
async function releaseOrphan(engine: HoldEngine, replacement: StoredHold, actor: Actor, callSlot: CallSlot | undefined): Promise<void> {
  if (replacement.state !== 'authorized') return;
  try {
    const { hold: inFlight } = await engine.commit(replacement, { type: 'VOID', idempotencyKey: voidKey(replacement.id, 0), at: engine.clock.now() }, actor, { detail: { reason: 'replacement not adopted' } });
    await engine.perform(inFlight, actor, { resumed: false, callSlot });
  } catch (error) {
    // Its plan is void: the sweeper releases it at its actBy if this attempt could not.
    if (!(error instanceof InvalidTransitionError) && !(error instanceof HoldfastError)) throw error;
  }
}
