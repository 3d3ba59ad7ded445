// Populations whose every hold carries an intended outcome: capture all, capture part, void, or a
// capture the issuer declines (the plan then becomes a void). An operator capture is made by the
// test itself through the API and recorded with `operatorCapture`.
import type { Holdfast } from '../../src/holds/holdfast.js';
import type { Simulator } from '../../src/simulator/index.js';
import type { Intent } from './verdict.js';

/** The intents a population cycles through, in this order. */
export const POPULATION_INTENTS = ['capture-all', 'void', 'capture-part', 'capture-declined-void'] as const;

/** A hold and what should become of it. */
export interface Planned {
  id: string;
  intent: Intent;
}

/** Where a population's subscriptions are registered: an in-process simulator or a remote one's client. */
export interface Registrar {
  registerSubscription(subscriptionId: string, profile: { cardType: 'credit'; declineCapture?: { code: string; message: string } }): unknown;
}

/** The simulator's card registry, as a Registrar. */
export function registrarOf(sim: Simulator): Registrar {
  return { registerSubscription: (id, profile) => sim.cards.registerSubscription(id, profile) };
}

/** Authorizes one Kushki credit hold of `amount` planned for `kind`, registering its subscription. */
export async function authorizeFor(hf: Holdfast, cards: Registrar, kind: (typeof POPULATION_INTENTS)[number], subscriptionId: string, amount: number): Promise<Planned> {
  await cards.registerSubscription(subscriptionId, { cardType: 'credit', ...(kind === 'capture-declined-void' ? { declineCapture: { code: '017', message: 'Tarjeta no válida' } } : {}) });
  const hold = await hf.authorize({ gateway: 'kushki', subscriptionId, amount, currency: 'USD', onExpiry: kind === 'void' ? 'void' : 'capture' });
  if (kind !== 'capture-part') return { id: hold.id, intent: { kind } };
  const part = Math.max(1, Math.floor(amount / 2));
  await hf.setOnExpiry(hold.id, 'capture', { amount: part });
  return { id: hold.id, intent: { kind: 'capture-part', amount: part } };
}

/** `count` holds cycling through POPULATION_INTENTS, one `stepMs` apart on `advance` (claims come in index order). */
export async function populate(hf: Holdfast, cards: Registrar, count: number, tag: string, advance: () => void = () => undefined): Promise<Planned[]> {
  const out: Planned[] = [];
  for (let i = 0; i < count; i++) {
    out.push(await authorizeFor(hf, cards, POPULATION_INTENTS[i % POPULATION_INTENTS.length]!, `${tag}-${i}`, 1_000 + ((i * 7_919) % 40_000)));
    advance();
  }
  return out;
}
