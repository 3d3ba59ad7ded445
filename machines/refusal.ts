// Why a command an operator or order system gives would be refused, decided from the stored hold
// alone — so the API refuses with a typed error before anything is written, instead of re-checking
// states by hand. The machine's guards say the same (they call the same rules).
import type { HoldContext, HoldEvent, HoldState } from './hold.machine.js';
import { IN_FLIGHT_STATES } from './hold.machine.js';
import { captureRefusal, extendRefusal, onExpiryRefusal, type Refusal, replaceRefusal, resolutionRefusal, voidRefusal } from './hold-rules.js';

/** A refusal: one of the rules' codes, or a state that does not take the command at all. */
export type CommandRefusal = Refusal | { code: 'INVALID_TRANSITION'; verb: string; message: string; hint?: string };

/** The verb an event stands for, in messages ("cannot capture hold …"). */
export function commandVerb(event: HoldEvent): string {
  switch (event.type) {
    case 'CAPTURE':
      return 'capture';
    case 'VOID':
      return 'void';
    case 'SET_ON_EXPIRY':
      return 'change the on-expiry plan of';
    case 'EXPIRE':
      return 'expire';
    case 'RESOLVE':
      return 'resolve';
    case 'RETRY':
      return 'retry the gateway call of';
    case 'EXTEND':
      return 'reauthorize';
    case 'REPLACE':
      return 'replace the authorization of';
    default:
      return `apply ${event.type} to`;
  }
}

function isOpen(state: HoldState, context: HoldContext): boolean {
  return (state === 'authorized' || state === 'partially_captured') && !context.remainderReleased;
}

/** What a person should know when a state does not accept a command. */
export function stateHint(state: HoldState, context: HoldContext): string | undefined {
  if (context.replacedBy !== null) return `its authorization was replaced by ${context.replacedBy}; act on that hold`;
  if (state === 'extending' && context.pending?.operation === 'replace') return `its replacement ${context.pending.replacementId ?? ''} is being authorized; the sweeper settles it`;
  if (state === 'capturing' || state === 'voiding' || state === 'extending') return 'a gateway call is in flight; the sweeper reconciles it';
  if (state === 'partially_captured' && context.remainderReleased) return 'its remainder was released';
  if (state === 'needs_attention') return 'it needs an operator: resolve or retry it';
  return undefined;
}

/** Why `event` would be refused for a hold in (state, context), or null when it is accepted. */
export function refusalFor(state: HoldState, context: HoldContext, event: HoldEvent): CommandRefusal | null {
  const wrongState = (hint = stateHint(state, context)): CommandRefusal => ({
    code: 'INVALID_TRANSITION',
    verb: commandVerb(event),
    message: `cannot ${commandVerb(event)} a hold that is ${state}`,
    ...(hint === undefined ? {} : { hint }),
  });
  switch (event.type) {
    case 'CAPTURE':
      return isOpen(state, context) && context.replacedBy === null ? captureRefusal(context, event.amount, event.at) : wrongState();
    case 'VOID':
      return isOpen(state, context) ? voidRefusal(context, event.at) : wrongState();
    case 'SET_ON_EXPIRY':
      return isOpen(state, context) && context.replacedBy === null ? onExpiryRefusal(context, event.onExpiry, event.amount, event.at, event.holdUntil ?? null) : wrongState();
    case 'EXTEND':
      return state === 'authorized' && !context.remainderReleased && context.replacedBy === null ? extendRefusal(context, event.amount, event.deadline, event.at) : wrongState();
    case 'REPLACE':
      return state === 'authorized' && !context.remainderReleased && context.replacedBy === null ? replaceRefusal(context, event.amount, event.deadline, event.at) : wrongState();
    case 'RESOLVE':
      if (state !== 'needs_attention') return wrongState('only a hold that needs attention is resolved by hand');
      return resolutionRefusal(context, event.resolution, event.amount, event.reason);
    case 'RETRY': {
      const inFlight = (IN_FLIGHT_STATES as readonly HoldState[]).includes(state);
      if ((!inFlight && state !== 'needs_attention') || context.pending === null) {
        return wrongState('only a gateway call in flight (or flagged before its deadline) can be re-sent');
      }
      if (context.pending.operation === 'replace') return wrongState(`retry its replacement ${context.pending.replacementId ?? ''} instead`);
      const deadline = context.pending.deadline ?? context.expiresAt;
      if (deadline === null || event.at >= deadline) {
        return { code: 'HOLD_EXPIRED', message: 'the window has closed; nothing is sent to the gateway any more — resolve the hold instead' };
      }
      return null;
    }
    default:
      return null;
  }
}
