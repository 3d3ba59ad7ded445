// The domain types the embedded API returns (defined below every layer, in machines/).
export type { Actor, Hold, HoldTransition, GatewayExchange } from '../../machines/hold-types.js';
