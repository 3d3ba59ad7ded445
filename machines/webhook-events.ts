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
      return ['hold.voided'];
    case 'REAUTHORIZED':
      // A reauthorization that added money adjusted the hold; every one extended it.
      return event.amount > 0 ? ['hold.extended', 'hold.adjusted'] : ['hold.extended'];
    case 'EXPIRE':
      // An extension abandoned at its deadline: the hold falls back while a person can still act.
      if (from === 'extending' && to === 'authorized') return ['hold.extension_failed'];
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
      if (before.pending?.operation === 'reauthorize') return ['hold.extension_failed'];
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
