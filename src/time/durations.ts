// Fixed durations in milliseconds, for constants such as the gateways' documented windows.

/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000;
/** One day (24 h; UTC has no daylight saving) in milliseconds. */
export const DAY_MS = 24 * HOUR_MS;
