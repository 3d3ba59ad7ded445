// How the operations page writes money and time: major units with the currency (`70.00 PEN`) from
// src/money, ISO-8601 UTC times and days.
import { formatAmount } from '../money/money.js';

/** Minor units as `70.00 PEN`. */
export function formatMoney(minor: number, currency: string): string {
  return `${formatAmount(minor, currency)} ${currency}`;
}

/** Epoch ms as an ISO-8601 UTC time without milliseconds (`2026-01-15T10:00:00Z`), or an em dash. */
export function formatTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Epoch ms as its ISO-8601 UTC day (`2026-01-15`). */
export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A duration from `now` to `at` for people: `in 3 h`, `2 d ago`. */
export function formatRelative(at: number, now: number): string {
  const delta = at - now;
  const abs = Math.abs(delta);
  const text = abs < 3_600_000 ? `${Math.max(1, Math.round(abs / 60_000))} min` : abs < 2 * 86_400_000 ? `${Math.round(abs / 3_600_000)} h` : `${Math.round(abs / 86_400_000)} d`;
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}

/** A hold's amount; before its authorization is approved (or when it was declined), the amount asked for. */
export function formatHoldAmount(hold: { amount: number; currency: string; authorizedAt: number | null }): string {
  return hold.authorizedAt === null ? `${formatMoney(hold.amount, hold.currency)} asked` : formatMoney(hold.amount, hold.currency);
}
