// Durations for people: the two largest units that matter ("3d 4h", "2h 5m", "45s").

const UNITS: readonly [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** Formats a non-negative duration in ms as its two largest non-zero units, e.g. "3d 4h". */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.floor(Math.abs(ms) / 1_000) * 1_000);
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count}${unit}`);
    else if (parts.length > 0) break; // "3d 4m" would read as a typo for "3d 4h"
    if (parts.length === 2) break;
  }
  return parts.length > 0 ? parts.join(' ') : '0s';
}

/**
 * A duration written the way a user types one and `parseDuration` reads it back, every unit kept:
 * `1d6m15s`, `36h`, `500ms`. For messages about configured values, where rounding would mislead.
 */
export function formatDurationExact(ms: number): string {
  let rest = Math.max(0, Math.trunc(ms));
  let out = '';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) out += `${count}${unit}`;
  }
  if (rest > 0) out += `${rest}ms`;
  return out === '' ? '0s' : out;
}
