// When to try again under the same idempotency key after an unknown outcome.

/** Delays after the 1st, 2nd, … unknown outcome; the last one repeats. */
export const UNKNOWN_RETRY_SCHEDULE_MS: readonly number[] = [15_000, 60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000];

/**
 * The next retry time after `attempts` unknown outcomes, never later than `deadline` (a retry that
 * would land past the hold's expiry is pulled forward so one more attempt fits inside the window).
 */
export function nextRetryAt(now: number, attempts: number, deadline: number | null): number {
  const index = Math.min(Math.max(attempts - 1, 0), UNKNOWN_RETRY_SCHEDULE_MS.length - 1);
  const at = now + (UNKNOWN_RETRY_SCHEDULE_MS[index] ?? 0);
  if (deadline === null) return at;
  return Math.max(now, Math.min(at, deadline - 1));
}
