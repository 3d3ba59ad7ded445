// holdfast's public API for embedding in an order-fulfilment system.
export { openHoldfast } from './holds/holdfast.js';
export type {
  Holdfast,
  OpenHoldfastOptions,
  AuthorizeInput,
  TrackInput,
  CaptureOptions,
  ListOptions,
  HoldPage,
  HoldHistory,
  HoldStats,
  ResolveInput,
} from './holds/holdfast.js';
export type { Hold, HoldTransition, GatewayExchange, Actor } from './holds/types.js';
export { HOLD_STATES, HOLD_MACHINE_VERSION, type HoldState, type OnExpiry } from '../machines/hold.machine.js';
export * from './errors.js';
export { parseAmount, formatAmount, requireCurrency, type Money } from './money/money.js';
export { SUPPORTED_CURRENCIES, currencyExponent } from './money/currencies.js';
export { createExpiryPolicy, DOCUMENTED_WINDOWS, DAY_MS, HOUR_MS, type ExpiryPolicy } from './policy/expiry-policy.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { FakeGateway, type FakeSource, type FakeFault } from './gateways/fake/index.js';
export type { Gateway, GatewayCapabilities, CardType, CardInput } from './gateways/types.js';
export { sweep, SWEEP_OUTCOMES, type SweepOptions, type SweepReport, type SweepItem, type SweepOutcome } from './sweeper/sweep.js';
export { startDaemon, type Daemon, type DaemonOptions } from './daemon/daemon.js';
export { verifyWebhook, signWebhook, type WebhookConfig } from './webhooks/deliver.js';
export { WEBHOOK_EVENTS, type WebhookEventType } from '../machines/webhook-events.js';
export { createKushkiGateway } from './gateways/kushki/index.js';
export { createPayCertifyGateway } from './gateways/paycertify/index.js';
export { gatewaysFromEnv } from './gateways/from-env.js';
