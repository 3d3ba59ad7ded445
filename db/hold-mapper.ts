// Maps journal and exchange rows to domain objects (a hold's own row: db/stored-hold.ts).
import type { Selectable } from 'kysely';
import type { GatewayExchangesTable, HoldTransitionsTable } from './schema.js';
import type { GatewayExchange, HoldTransition } from '../machines/hold-types.js';

/** Maps a hold_transitions row. */
export function toTransition(row: Selectable<HoldTransitionsTable>): HoldTransition {
  return {
    holdId: row.hold_id,
    seq: Number(row.seq),
    from: row.from_state,
    to: row.to_state,
    event: row.event,
    actor: row.actor,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
    at: Number(row.at),
  };
}

/** Maps a gateway_exchanges row. */
export function toExchange(row: Selectable<GatewayExchangesTable>): GatewayExchange {
  return {
    id: row.id,
    holdId: row.hold_id,
    operation: row.operation,
    idempotencyKey: row.idempotency_key,
    httpStatus: row.http_status === null ? null : Number(row.http_status),
    outcome: row.outcome,
    gatewayCode: row.gateway_code,
    message: row.message,
    request: row.request === null ? null : JSON.parse(row.request),
    response: row.response === null ? null : JSON.parse(row.response),
    latencyMs: Number(row.latency_ms),
    at: Number(row.at),
  };
}
