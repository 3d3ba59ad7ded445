// Pure rules shared by the machine's guards and by the service, which turns a refusal into a typed
// error. Nothing here reads a clock or does I/O: time arrives as `at` (UTC epoch ms).

/** What a gateway allows on one authorization. */
export interface Capabilities {
  /** How many captures one authorization accepts (Kushki: 1). */
  maxCaptures: number;
  /** Overcapture allowance in basis points of the authorized amount (Kushki: 1000 = 10 %). */
  overcaptureBps: number;
}

/** Why the machine refuses a command; the service maps each code to an error class. */
export interface Refusal {
  code: 'INVALID_AMOUNT' | 'HOLD_EXPIRED' | 'CAPTURE_LIMIT_REACHED' | 'AMOUNT_EXCEEDS_AUTHORIZED' | 'INVALID_RESOLUTION' | 'INVALID_HOLD_UNTIL';
  message: string;
  /** For AMOUNT_EXCEEDS_AUTHORIZED, in minor units: the service words them in the hold's currency. */
  amounts?: { asked: number; total: number; limit: number; authorized: number };
}

/** The facts about a hold that the capture and void rules look at. */
export interface RuleContext {
  amount: number;
  capturedAmount: number;
  captureCount: number;
  capabilities: Capabilities;
  expiresAt: number | null;
}

/** Largest total that may be captured: authorized × (1 + allowance), rounded down, in exact integers. */
export function maxCapturable(amount: number, overcaptureBps: number): number {
  return Number((BigInt(amount) * BigInt(10_000 + overcaptureBps)) / 10_000n);
}

/** Everything still capturable without overcapture: the default capture amount. */
export function remainingAmount(ctx: Pick<RuleContext, 'amount' | 'capturedAmount'>): number {
  return Math.max(0, ctx.amount - ctx.capturedAmount);
}

/** True when `at` is at or past the hold's expiry; nothing may be sent to a gateway from then on. */
export function isPastExpiry(ctx: Pick<RuleContext, 'expiresAt'>, at: number): boolean {
  return ctx.expiresAt === null || at >= ctx.expiresAt;
}

/** Why a capture of `amount` at `at` is not allowed, or null when it is. */
export function captureRefusal(ctx: RuleContext, amount: number, at: number): Refusal | null {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    return { code: 'INVALID_AMOUNT', message: `capture amount must be a positive integer of minor units, got ${String(amount)}` };
  }
  if (isPastExpiry(ctx, at)) {
    return { code: 'HOLD_EXPIRED', message: 'the authorization has expired; nothing can be captured any more' };
  }
  if (ctx.captureCount >= ctx.capabilities.maxCaptures) {
    return {
      code: 'CAPTURE_LIMIT_REACHED',
      message: `the gateway allows ${ctx.capabilities.maxCaptures} capture(s) per authorization and ${ctx.captureCount} happened`,
    };
  }
  const limit = maxCapturable(ctx.amount, ctx.capabilities.overcaptureBps);
  if (ctx.capturedAmount + amount > limit) {
    return {
      code: 'AMOUNT_EXCEEDS_AUTHORIZED',
      message: `capturing ${amount} minor units would bring the total to ${ctx.capturedAmount + amount}, above the limit of ${limit}`,
      amounts: { asked: amount, total: ctx.capturedAmount + amount, limit, authorized: ctx.amount },
    };
  }
  return null;
}

/** Why a void at `at` is not allowed, or null when it is. */
export function voidRefusal(ctx: RuleContext, at: number): Refusal | null {
  if (isPastExpiry(ctx, at)) {
    return { code: 'HOLD_EXPIRED', message: 'the authorization has expired; a void now would be a refund, so none is sent' };
  }
  return null;
}

/** Why an on-expiry plan is not allowed, or null when it is (its amount is checked as a capture would be). */
export function onExpiryRefusal(
  ctx: RuleContext,
  onExpiry: 'capture' | 'void' | 'extend',
  amount: number | null,
  at: number,
  holdUntil: number | null = null,
): Refusal | null {
  if (isPastExpiry(ctx, at)) {
    return { code: 'HOLD_EXPIRED', message: 'the authorization has expired; its plan can no longer change' };
  }
  if (onExpiry === 'extend') {
    if (amount !== null) return { code: 'INVALID_AMOUNT', message: 'an amount only goes with a capture plan' };
    if (ctx.captureCount > 0) return { code: 'CAPTURE_LIMIT_REACHED', message: 'a hold that was already captured from cannot be extended' };
    if (holdUntil === null || !Number.isSafeInteger(holdUntil) || holdUntil <= at) {
      return { code: 'INVALID_HOLD_UNTIL', message: 'an extend plan needs holdUntil, a time in the future' };
    }
    return null;
  }
  if (amount === null) return null;
  if (onExpiry === 'void') {
    return { code: 'INVALID_AMOUNT', message: 'an amount only goes with a capture plan' };
  }
  return captureRefusal(ctx, amount, at);
}

/**
 * Why a reauthorization adding `amount` (0 only extends the validity) at `at`, to be sent before
 * `deadline`, is not allowed, or null when it is.
 */
export function extendRefusal(ctx: RuleContext, amount: number, deadline: number, at: number): Refusal | null {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    return { code: 'INVALID_AMOUNT', message: `a reauthorization adds a non-negative integer of minor units, got ${String(amount)}` };
  }
  if (isPastExpiry(ctx, at) || !Number.isSafeInteger(deadline) || at >= deadline || (ctx.expiresAt !== null && deadline > ctx.expiresAt)) {
    return { code: 'HOLD_EXPIRED', message: 'too close to the authorization\'s expiry to reauthorize it and still act on the fallback plan' };
  }
  if (ctx.captureCount > 0) {
    return { code: 'CAPTURE_LIMIT_REACHED', message: 'a hold that was already captured from cannot be reauthorized' };
  }
  return null;
}

/**
 * Why replacing the authorization by a new one for `amount` (the new total) at `at`, to be sent
 * before `deadline`, is not allowed, or null when it is.
 */
export function replaceRefusal(ctx: RuleContext, amount: number, deadline: number, at: number): Refusal | null {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    return { code: 'INVALID_AMOUNT', message: `a replacement authorization is for a positive integer of minor units, got ${String(amount)}` };
  }
  return extendRefusal(ctx, 0, deadline, at);
}

/** Why an operator's resolution of a flagged hold is not allowed, or null when it is. */
export function resolutionRefusal(
  ctx: RuleContext & { pending: { operation: 'authorize' | 'capture' | 'void' | 'reauthorize' | 'replace' } | null },
  resolution: 'captured' | 'voided' | 'not_captured',
  amount: number | null,
  reason: string,
): Refusal | null {
  if (typeof reason !== 'string' || reason.trim() === '') {
    return { code: 'INVALID_RESOLUTION', message: 'a resolution needs a reason (what the gateway console shows)' };
  }
  if (ctx.pending === null) {
    return { code: 'INVALID_RESOLUTION', message: 'the hold has no gateway call to resolve' };
  }
  if (resolution !== 'captured') {
    return amount === null ? null : { code: 'INVALID_RESOLUTION', message: 'an amount only goes with --captured' };
  }
  if (ctx.pending.operation === 'authorize') {
    return {
      code: 'INVALID_RESOLUTION',
      message: 'the authorization itself is in question: resolve it as voided or not captured, or retry it to learn its outcome',
    };
  }
  if (amount === null || !Number.isSafeInteger(amount) || amount <= 0) {
    return { code: 'INVALID_AMOUNT', message: 'a captured resolution needs the captured amount, a positive number of minor units' };
  }
  const limit = maxCapturable(ctx.amount, ctx.capabilities.overcaptureBps);
  if (ctx.capturedAmount + amount > limit) {
    return {
      code: 'AMOUNT_EXCEEDS_AUTHORIZED',
      message: `a capture of ${amount} minor units would bring the total to ${ctx.capturedAmount + amount}, above the limit of ${limit}`,
      amounts: { asked: amount, total: ctx.capturedAmount + amount, limit, authorized: ctx.amount },
    };
  }
  return null;
}
