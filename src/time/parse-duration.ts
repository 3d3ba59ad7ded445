// Durations written the way operators say them: "36h", "2d", "90m", "45s", or combined largest
// unit first ("1d12h"). Anything else is refused rather than guessed (is "5" minutes or days?).
import { ValidationError } from '../errors.js';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Parses "36h", "2d", "90m", "45s" or "1d12h" into milliseconds; throws INVALID_DURATION otherwise. */
export function parseDuration(text: string, what = 'duration'): number {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  const match = DURATION.exec(trimmed);
  if (trimmed === '' || !match) {
    throw new ValidationError(
      'INVALID_DURATION',
      `invalid ${what} ${JSON.stringify(text)}: write a number with a unit d, h, m or s, e.g. 36h, 2d, 90m, 45s`,
    );
  }
  const [, d, h, m, s] = match;
  const ms = Number(d ?? 0) * UNIT_MS.d + Number(h ?? 0) * UNIT_MS.h + Number(m ?? 0) * UNIT_MS.m + Number(s ?? 0) * UNIT_MS.s;
  if (!Number.isSafeInteger(ms)) throw new ValidationError('INVALID_DURATION', `invalid ${what} ${JSON.stringify(text)}: too large`);
  return ms;
}
