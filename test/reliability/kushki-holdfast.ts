// holdfast wired to the loopback simulator's Kushki endpoints, and populations of due holds.
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

/**
 * Authorizes `count` credit holds through `hf` (whose clock should sit 27.5 days before the moment
 * they must be due): even ones planned for capture, odd ones for void, amounts varied.
 */
export async function authorizeDue(hf: Holdfast, count: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: `${tag}-${i}`, amount: 1_000 + ((i * 37) % 5_000), currency: 'PEN', onExpiry: i % 2 === 0 ? 'capture' : 'void' });
    ids.push(hold.id);
  }
  return ids;
}
