// How long until holdfast acts on a hold, for people: "3d 4h", "overdue 2h", or "—".
import type { Hold } from '../../holds/types.js';
import { formatDuration } from '../../time/format-duration.js';

/** Time from `now` to the hold's actBy; "—" for holds nothing more will happen to. */
export function timeLeftText(hold: Pick<Hold, 'actBy' | 'closed' | 'state'>, now: number): string {
  if (hold.actBy === null || hold.closed || hold.state === 'needs_attention') return '—';
  const left = hold.actBy - now;
  return left >= 0 ? formatDuration(left) : `overdue ${formatDuration(-left)}`;
}

/** An instant as "2026-01-05 09:30Z": minutes are precise enough for a table. */
export function shortTime(ms: number | null): string {
  return ms === null ? '—' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}
