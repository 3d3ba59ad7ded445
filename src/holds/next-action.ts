// When the sweeper must next look at a hold, stored as `next_action_at` so that its claim query
// touches due holds only.
import type { HoldContext, HoldState } from '../../machines/hold.machine.js';

/** How long an in-flight call may run before a sweeper treats it as interrupted and resumes it. */
export const IN_FLIGHT_GRACE_MS = 60_000;

/** The next instant at which a hold needs attention from the sweeper, or null when none will. */
export function nextActionAt(state: HoldState, context: HoldContext, actBy: number | null, now: number): number | null {
  switch (state) {
    case 'authorized':
      return actBy;
    case 'partially_captured':
      return context.remainderReleased ? null : actBy;
    case 'authorizing':
    case 'capturing':
    case 'voiding':
      return context.pending?.retryAt ?? now + IN_FLIGHT_GRACE_MS;
    case 'captured':
    case 'voided':
    case 'expired':
    case 'declined':
    case 'needs_attention':
      return null;
    default: {
      const never: never = state;
      throw new Error(`unhandled state ${String(never)}`);
    }
  }
}
