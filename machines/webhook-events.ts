// Which webhook events a transition raises. Pure: decided from the event and the states around it.
import type { HoldContext, HoldEvent, HoldState } from './hold.machine.js';

export const WEBHOOK_EVENTS = [
  'hold.captured',
  'hold.voided',
  'hold.expired',
  'hold.capture_declined',
  'hold.needs_attention',
  'hold.expiring_soon',
  'hold.resolved',
  'hold.extended',
  'hold.replaced',
  'hold.adjusted',
  'hold.extension_failed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** The events a transition from `from` to `to` on `event` raises (usually none or one). */
export function eventsForTransition(event: HoldEvent, from: HoldState, to: HoldState, before: HoldContext): WebhookEventType[] {
  switch (event.type) {
    case 'CAPTURE_APPROVED':
      return ['hold.captured'];
    case 'VOID_APPROVED':
      // Releasing a replaced authorization is not the order's void: hold.replaced said it all.
      return to === 'replaced' ? [] : ['hold.voided'];
    case 'REPLACED':
      // The replacement carries the order's funds now; a different total also adjusted them.
      return event.amount !== before.amount ? ['hold.replaced', 'hold.extended', 'hold.adjusted'] : ['hold.replaced', 'hold.extended'];
    case 'REAUTHORIZED':
      // A reauthorization that added money adjusted the hold; every one extended it.
      return event.amount > 0 ? ['hold.extended', 'hold.adjusted'] : ['hold.extended'];
    case 'EXPIRE':
      // An extension abandoned at its deadline: the hold falls back while a person can still act.
      if (from === 'extending' && to === 'authorized') return ['hold.extension_failed'];
      if (to === 'replaced') return [];
      return [to === 'needs_attention' ? 'hold.needs_attention' : 'hold.expired'];
    case 'FLAG':
      return ['hold.needs_attention'];
    case 'OPERATION_NOT_SENT':
    case 'OUTCOME_UNKNOWN':
      return [];
    // An operator's resolution, then what it means for the hold.
    case 'RESOLVE':
      return ['hold.resolved', ...stateEvent(to)];
    case 'OPERATION_DECLINED':
      if (before.pending?.operation === 'capture' && from !== 'needs_attention') return ['hold.capture_declined'];
      if (before.pending?.operation === 'reauthorize' || before.pending?.operation === 'replace') return ['hold.extension_failed'];
      if (to === 'replaced') return [];
      return from === 'needs_attention' ? stateEvent(to) : [];
    default:
      return [];
  }
}

function stateEvent(to: HoldState): WebhookEventType[] {
  switch (to) {
    case 'captured':
    case 'partially_captured':
      return ['hold.captured'];
    case 'voided':
      return ['hold.voided'];
    case 'expired':
      return ['hold.expired'];
    default:
      return [];
  }
}
