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
  SetOnExpiryOptions,
  ExtendOptions,
} from './holds/holdfast.js';
export type { Hold, HoldTransition, GatewayExchange, Actor } from './holds/types.js';
export { HOLD_STATES, HOLD_MACHINE_VERSION, type HoldState, type OnExpiry, type FinalPlan, type ExtensionMethod, type AuthorizationLink } from '../machines/hold.machine.js';
export * from './errors.js';
export { parseAmount, formatAmount, requireCurrency, type Money } from './money/money.js';
export { SUPPORTED_CURRENCIES, currencyExponent } from './money/currencies.js';
export { createExpiryPolicy, DOCUMENTED_WINDOWS, DAY_MS, HOUR_MS, type ExpiryPolicy } from './policy/expiry-policy.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { FakeGateway, type FakeSource, type FakeFault } from './gateways/fake/index.js';
export type {
  Gateway,
  GatewayCapabilities,
  GatewayWindows,
  CardType,
  CardInput,
  AuthorizeRequest,
  CaptureRequest,
  VoidRequest,
  AuthorizeOutcome,
  CaptureOutcome,
  VoidOutcome,
  RefusalKind,
  ExchangeRecord,
} from './gateways/types.js';
export { sweep, SWEEP_OUTCOMES, type SweepOptions, type SweepReport, type SweepItem, type SweepOutcome } from './sweeper/sweep.js';
export { startDaemon, type Daemon, type DaemonOptions } from './daemon/daemon.js';
export { verifyWebhook, signWebhook, type WebhookConfig } from './webhooks/deliver.js';
export { WEBHOOK_EVENTS, type WebhookEventType } from '../machines/webhook-events.js';
export { createKushkiGateway } from './gateways/kushki/index.js';
export { createPayCertifyGateway } from './gateways/paycertify/index.js';
export { gatewaysFromEnv } from './gateways/from-env.js';
// The provider interface: a gateway is a definition wired to HTTP by createHttpGateway (README, "Adding a gateway").
export { createHttpGateway, type HttpGatewayOptions } from './gateways/create-http-gateway.js';
export type { HttpGatewayDefinition, DocumentedGateway, EnvVariable, GatewaySettings, Transformers, WireCall } from './gateways/gateway-definition.js';
export { KNOWN_GATEWAY_NAMES } from './gateways/gateway-registry.js';
export {
  assertNever,
  classifyStatus,
  failureOutcome,
  parseJsonBody,
  parseJsonExact,
  readSuccessBody,
  unknownOutcome,
  type AuthorizeParseContext,
  type ErrorFormat,
  type Failure,
  type ParseContext,
  type StatusClass,
  type WireError,
  type WireResponse,
} from './gateways/wire.js';
export { refusalFromText } from './gateways/refusal-evidence.js';
