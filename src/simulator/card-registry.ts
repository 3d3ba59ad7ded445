// What the simulated issuer does for a card or a subscription. The seed's test cards behave as
// documented; any other card approves. Subscriptions map to cards; unregistered ones get a
// deterministic default so that tests and the demo need no set-up.
import type { CardType } from '../gateways/types.js';

/** Kushki's documented sandbox cards (seed 001, fixture kushki-test-cards.json). */
export const TEST_CARDS = Object.freeze({
  approved: '5451951574925480',
  declinedOnAuthorization: '4349003000047015',
  declinedOnCapture: '4547004841271012',
});

/** A refusal the simulated issuer gives: Kushki-style code and message. */
export interface IssuerDecline {
  code: string;
  message: string;
}

/** How the simulated issuer treats one card or subscription. */
export interface CardProfile {
  /** The card behind a subscription; defaults to the approved test card. */
  pan?: string;
  cardType?: CardType;
  declineAuthorization?: IssuerDecline;
  declineCapture?: IssuerDecline;
  /** The issuer refuses reauthorizations of this card's authorizations. */
  declineReauthorization?: IssuerDecline;
  /** Partial approval: approve at most this many minor units. */
  approveUpTo?: number;
  /** Partial approval: approve this share of the request, in basis points (5000 = half). */
  approveBps?: number;
}

/** A card profile with every decision made. */
export interface ResolvedCard {
  pan: string;
  cardType: CardType;
  declineAuthorization: IssuerDecline | null;
  declineCapture: IssuerDecline | null;
  declineReauthorization: IssuerDecline | null;
  approveUpTo: number | null;
  approveBps: number | null;
}

const BUILT_IN_CARDS: Record<string, CardProfile> = {
  [TEST_CARDS.approved]: { cardType: 'credit' },
  [TEST_CARDS.declinedOnAuthorization]: { cardType: 'credit', declineAuthorization: { code: '017', message: 'Tarjeta no válida' } },
  [TEST_CARDS.declinedOnCapture]: { cardType: 'credit', declineCapture: { code: '017', message: 'Tarjeta no válida' } },
  '4349008516656431': { declineAuthorization: { code: '019', message: 'Tarjeta no soportada' } },
  '4349001210846432': { declineAuthorization: { code: '021', message: 'Fondos insuficientes' } },
  '4349003243371321': { declineAuthorization: { code: '022', message: 'No se pudo verificar el CVV' } },
  '4349001386781322': { declineAuthorization: { code: '023', message: 'Tarjeta bloqueada por el banco' } },
};

// Named subscriptions for tests and the demo; any other id resolves to the approved test card,
// as debit when the id contains "debit" and as credit otherwise.
const BUILT_IN_SUBSCRIPTIONS: Record<string, CardProfile> = {
  'sub-approved': { pan: TEST_CARDS.approved, cardType: 'credit' },
  'sub-debit': { pan: TEST_CARDS.approved, cardType: 'debit' },
  'sub-unknown-type': { pan: TEST_CARDS.approved, cardType: 'unknown' },
  'sub-decline-auth': { pan: TEST_CARDS.declinedOnAuthorization },
  'sub-decline-capture': { pan: TEST_CARDS.declinedOnCapture },
  'sub-partial': { pan: TEST_CARDS.approved, cardType: 'credit', approveBps: 5000 },
};

/** Subscriptions and cards known to the simulator. */
export class CardRegistry {
  private readonly subscriptions = new Map<string, CardProfile>(Object.entries(BUILT_IN_SUBSCRIPTIONS));
  private readonly cards = new Map<string, CardProfile>(Object.entries(BUILT_IN_CARDS));

  /** Registers (or replaces) what a subscription id stands for. */
  registerSubscription(subscriptionId: string, profile: CardProfile): void {
    this.subscriptions.set(subscriptionId, profile);
  }

  /** Registers (or replaces) how the issuer treats a card number. */
  registerCard(pan: string, profile: CardProfile): void {
    this.cards.set(pan, profile);
  }

  /** True when the id was registered or is built in (strict mode refuses the others). */
  knowsSubscription(subscriptionId: string): boolean {
    return this.subscriptions.has(subscriptionId);
  }

  /** The card behind a subscription: its own profile over its card's profile over the defaults. */
  forSubscription(subscriptionId: string): ResolvedCard {
    const sub = this.subscriptions.get(subscriptionId) ?? { cardType: /debit/i.test(subscriptionId) ? 'debit' : 'credit' };
    const pan = sub.pan ?? TEST_CARDS.approved;
    return resolve(pan, { ...(this.cards.get(pan) ?? {}), ...stripUndefined(sub) });
  }

  /** How the issuer treats a raw card number (PayCertify). */
  forCard(pan: string): ResolvedCard {
    return resolve(pan, this.cards.get(pan) ?? {});
  }
}

function stripUndefined(profile: CardProfile): CardProfile {
  return Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== undefined)) as CardProfile;
}

function resolve(pan: string, p: CardProfile): ResolvedCard {
  return {
    pan,
    cardType: p.cardType ?? 'credit',
    declineAuthorization: p.declineAuthorization ?? null,
    declineCapture: p.declineCapture ?? null,
    declineReauthorization: p.declineReauthorization ?? null,
    approveUpTo: p.approveUpTo ?? null,
    approveBps: p.approveBps ?? null,
  };
}

/** The amount the issuer approves for a request of `requested` minor units (partial approval). */
export function approvedAmount(card: ResolvedCard, requested: number): number {
  let amount = requested;
  if (card.approveUpTo !== null) amount = Math.min(amount, card.approveUpTo);
  if (card.approveBps !== null) amount = Math.min(amount, Number((BigInt(requested) * BigInt(card.approveBps)) / 10_000n));
  return amount;
}
