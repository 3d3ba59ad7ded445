// How long a gateway's issuers hold funds, and when holdfast must act before that. All times are
// UTC epoch milliseconds.
import type { CardType } from '../gateways/types.js';
import { ConfigError } from '../errors.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Authorization windows of one gateway, per card type. */
export interface GatewayWindows {
  credit: number;
  debit: number;
}

export interface ExpiryPolicy {
  /** Windows per gateway name. A gateway that is not listed cannot be used. */
  windows: Record<string, GatewayWindows>;
  /** How long before `expiresAt` the sweeper acts (`actBy = expiresAt − leadTime`). */
  leadTimeMs: number;
}

/**
 * The gateways' documented windows: Kushki holds debit 7 days and credit 28 days (seed 000);
 * PayCertify responses carry no card type, so 7 days for all. A configured window may be shorter,
 * never longer.
 */
export const DOCUMENTED_WINDOWS: Readonly<Record<string, GatewayWindows>> = Object.freeze({
  kushki: { debit: 7 * DAY_MS, credit: 28 * DAY_MS },
  paycertify: { debit: 7 * DAY_MS, credit: 7 * DAY_MS },
  fake: { debit: 7 * DAY_MS, credit: 28 * DAY_MS },
});

export const DEFAULT_LEAD_TIME_MS = 24 * HOUR_MS;

/** Builds a policy from the documented windows, overridden (only ever shortened) by configuration. */
export function createExpiryPolicy(
  overrides: { windows?: Record<string, Partial<GatewayWindows>>; leadTimeMs?: number } = {},
): ExpiryPolicy {
  const windows: Record<string, GatewayWindows> = {};
  for (const [gateway, documented] of Object.entries(DOCUMENTED_WINDOWS)) windows[gateway] = { ...documented };
  for (const [gateway, override] of Object.entries(overrides.windows ?? {})) {
    const documented = DOCUMENTED_WINDOWS[gateway];
    for (const cardType of ['credit', 'debit'] as const) {
      const value = override[cardType];
      if (value === undefined) continue;
      if (!Number.isSafeInteger(value) || value <= 0) {
        throw new ConfigError(`window for ${gateway}/${cardType} must be a positive number of milliseconds`);
      }
      if (documented && value > documented[cardType]) {
        throw new ConfigError(
          `window for ${gateway}/${cardType} (${value} ms) is longer than the gateway's documented ${documented[cardType]} ms; a hold would lapse before holdfast acts`,
        );
      }
    }
    const base = windows[gateway] ?? documented;
    if (!base && (override.credit === undefined || override.debit === undefined)) {
      throw new ConfigError(`gateway ${gateway} has no documented window: configure both credit and debit`);
    }
    windows[gateway] = { credit: override.credit ?? base!.credit, debit: override.debit ?? base!.debit };
  }
  const leadTimeMs = overrides.leadTimeMs ?? DEFAULT_LEAD_TIME_MS;
  if (!Number.isSafeInteger(leadTimeMs) || leadTimeMs < 0) {
    throw new ConfigError('lead time must be a non-negative number of milliseconds');
  }
  for (const [gateway, w] of Object.entries(windows)) {
    if (leadTimeMs >= Math.min(w.credit, w.debit)) {
      throw new ConfigError(`lead time (${leadTimeMs} ms) must be shorter than ${gateway}'s shortest window`);
    }
  }
  return { windows, leadTimeMs };
}

/** The window for a gateway and card type; an unknown card type gets the gateway's shortest window. */
export function windowFor(policy: ExpiryPolicy, gateway: string, cardType: CardType): number {
  const w = policy.windows[gateway];
  if (!w) throw new ConfigError(`no authorization window is configured for gateway ${JSON.stringify(gateway)}`);
  return cardType === 'unknown' ? Math.min(w.credit, w.debit) : w[cardType];
}

/** `expiresAt = authorizedAt + window` and `actBy = expiresAt − leadTime`. */
export function deadlines(
  policy: ExpiryPolicy,
  gateway: string,
  cardType: CardType,
  authorizedAt: number,
): { expiresAt: number; actBy: number } {
  const expiresAt = authorizedAt + windowFor(policy, gateway, cardType);
  return { expiresAt, actBy: expiresAt - policy.leadTimeMs };
}
