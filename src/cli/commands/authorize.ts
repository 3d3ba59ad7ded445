// `holdfast authorize`: authorize an amount against a stored card (subscription) at a gateway.
import type { OnExpiry } from '../../../machines/hold.machine.js';
import type { Holdfast } from '../../holds/holdfast.js';
import type { Hold } from '../../holds/types.js';
import { parseAmount } from '../../money/money.js';
import { parseChoice } from '../parse-args.js';

export interface AuthorizeCommandOptions {
  gateway: string;
  /** Decimal in major units, e.g. "60.00". */
  amount: string;
  currency: string;
  subscriptionId: string;
  order?: string | undefined;
  onExpiry?: string | undefined;
  idempotencyKey?: string | undefined;
}

/** Authorizes at the gateway and returns the hold (a decline throws GATEWAY_DECLINED with the gateway's code). */
export async function authorizeCommand(hf: Holdfast, options: AuthorizeCommandOptions): Promise<Hold> {
  const amount = parseAmount(options.amount, options.currency);
  const onExpiry = options.onExpiry === undefined ? undefined : parseChoice<OnExpiry>(options.onExpiry, ['capture', 'void'], 'on-expiry', 'INVALID_ON_EXPIRY');
  return hf.authorize({
    gateway: options.gateway,
    amount,
    currency: options.currency,
    subscriptionId: options.subscriptionId,
    ...(options.order !== undefined ? { orderId: options.order } : {}),
    ...(onExpiry !== undefined ? { onExpiry } : {}),
    ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
  });
}
