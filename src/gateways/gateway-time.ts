// Gateways report when they authorized; the hold window counts from that moment. A replayed
// approval legitimately carries an older time, a clock far ahead of ours is a bug or a unit mix-up.

const MAX_AGE_MS = 29 * 24 * 60 * 60 * 1000; // longer than any documented hold window (28 days)
const MAX_SKEW_MS = 5 * 60 * 1000;

/** `at` (epoch ms) when it is a plausible authorization time as seen at `now`, else null. */
export function plausibleAuthorizationTime(at: number, now: number): number | null {
  if (!Number.isFinite(at) || at <= 0) return null;
  if (at > now + MAX_SKEW_MS || at < now - MAX_AGE_MS) return null;
  return Math.trunc(at);
}
