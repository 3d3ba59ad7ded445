// The idempotency keys holdfast sends to gateways. Derived from the hold, so that the API and the
// sweeper compute the same key for the same operation (whichever commits its intent first is the
// one sent), and a caller's key can never reach another hold's operation.

/** The key of a hold's `n`-th capture (1-based) when the caller gave none. */
export function captureKey(holdId: string, n: number): string {
  return `${holdId}:capture:${n}`;
}

/** A caller's capture key, namespaced to the hold (and apart from holdfast's own keys). */
export function callerCaptureKey(holdId: string, callerKey: string): string {
  return `${holdId}:capture-key:${callerKey}`;
}

/** The key of the void that follows `captureCount` captures. */
export function voidKey(holdId: string, captureCount: number): string {
  return `${holdId}:void:${captureCount}`;
}

/** The key of a hold's `n`-th reauthorization (1-based), whether the sweeper or the API asks for it. */
export function reauthorizeKey(holdId: string, n: number): string {
  return `${holdId}:reauthorize:${n}`;
}

/** The longest caller key that still fits the 255-character gateway limit once namespaced. */
export const MAX_CALLER_KEY_LENGTH = 200;

/** The authorization key of the hold that replaces `holdId` in its `n`-th extension attempt (1-based, shared with reauthorizations). */
export function replacementKey(holdId: string, n: number): string {
  return `${holdId}:replace:${n}`;
}

/** What the keys of replacement authorizations contain (for counting them). */
export const REPLACEMENT_KEY_MARK = ':replace:';
