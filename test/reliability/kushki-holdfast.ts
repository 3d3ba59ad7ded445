// holdfast wired to the loopback simulator's Kushki endpoints (populations with intents: intents.ts).
import pino from 'pino';
import { openHoldfast, type Holdfast } from '../../src/holds/holdfast.js';
import { createKushkiGateway } from '../../src/gateways/kushki/index.js';
import type { Clock } from '../../src/clock.js';
import type { Gateway } from '../../src/gateways/types.js';
import type { Simulator } from '../../src/simulator/index.js';

/** Opens holdfast on `database` with the Kushki adapter pointed at the simulator (`wrap` may replace it: a deliberately broken variant). */
export function openOnSimulator(database: string, sim: Simulator, clock: Clock, responseMs = 2_000, wrap: (gateway: Gateway) => Gateway = (g) => g): Promise<Holdfast> {
  return openHoldfast({
    database,
    clock,
    logger: pino({ level: 'silent' }),
    gateways: [wrap(createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'test-merchant', clock, timeouts: { connectMs: 1_000, responseMs, requestMs: responseMs + 1_000 } }))],
  });
}
