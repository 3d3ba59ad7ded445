// `holdfast track`: register an authorization made elsewhere so holdfast acts on it before it lapses.
import type { OnExpiry } from '../../../machines/hold.machine.js';
import type { CardType } from '../../gateways/types.js';
import type { Holdfast } from '../../holds/holdfast.js';
import type { Hold } from '../../holds/types.js';
import { parseAmount } from '../../money/money.js';
import { parseIsoTime } from '../../time/parse-iso-time.js';
import { parseChoice } from '../parse-args.js';

export interface TrackCommandOptions {
  gateway: string;
  ref: string;
  /** Decimal in major units, e.g. "60.00". */
  amount: string;
  currency: string;
  /** ISO-8601 with a zone, e.g. "2026-01-05T09:30:00Z". */
  authorizedAt: string;
  cardType?: string | undefined;
  subscriptionId?: string | undefined;
  order?: string | undefined;
  onExpiry?: string | undefined;
}

/** Records an existing authorization as an authorized hold and returns it. */
export async function trackCommand(hf: Holdfast, options: TrackCommandOptions): Promise<Hold> {
  const amount = parseAmount(options.amount, options.currency);
  const authorizedAt = parseIsoTime(options.authorizedAt, '--authorized-at');
  const cardType = options.cardType === undefined ? undefined : parseChoice<CardType>(options.cardType, ['credit', 'debit', 'unknown'], 'card type', 'INVALID_CARD_TYPE');
  const onExpiry = options.onExpiry === undefined ? undefined : parseChoice<OnExpiry>(options.onExpiry, ['capture', 'void'], 'on-expiry', 'INVALID_ON_EXPIRY');
  return hf.track({
    gateway: options.gateway,
    gatewayRef: options.ref,
    amount,
    currency: options.currency,
    authorizedAt,
    ...(cardType !== undefined ? { cardType } : {}),
    ...(options.subscriptionId !== undefined ? { subscriptionId: options.subscriptionId } : {}),
    ...(options.order !== undefined ? { orderId: options.order } : {}),
    ...(onExpiry !== undefined ? { onExpiry } : {}),
  });
}
