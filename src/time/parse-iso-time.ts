// ISO-8601 instants at the edges. Strict: a date and a time with an explicit zone (Z or ±hh:mm),
// because a zone-less time would be read in whatever zone the operator's machine is in, and
// impossible dates ("2026-02-30") are refused instead of rolled over as Date.parse does.
import { ValidationError } from '../errors.js';

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/** Parses an ISO-8601 date-time with a zone into UTC epoch ms; throws INVALID_DATE otherwise. */
export function parseIsoTime(text: string, what = 'date'): number {
  const fail = (reason: string) =>
    new ValidationError('INVALID_DATE', `invalid ${what} ${JSON.stringify(text)}: ${reason}, e.g. 2026-01-05T09:30:00Z`);
  const match = typeof text === 'string' ? ISO_INSTANT.exec(text.trim()) : null;
  if (!match) throw fail('write an ISO-8601 date and time with a zone');
  const [, y, mo, d, h, mi, s, frac, zone, sign, zh, zm] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const local = Date.UTC(year, month - 1, day, hour, minute, second, Number((frac ?? '').padEnd(3, '0')));
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day ||
    check.getUTCHours() !== hour || check.getUTCMinutes() !== minute || check.getUTCSeconds() !== second
  ) {
    throw fail('no such date or time');
  }
  if (zone === 'Z') return local;
  const offsetHours = Number(zh);
  const offsetMinutes = Number(zm);
  if (offsetHours > 14 || offsetMinutes > 59) throw fail('no such zone offset');
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  return sign === '+' ? local - offset : local + offset;
}

/** Formats UTC epoch ms as ISO-8601 (null stays null), the shape every JSON time has. */
export function toIsoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
