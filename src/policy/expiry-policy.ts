// How long a gateway's issuers hold funds, and when holdfast must act before that. All times are
// UTC epoch milliseconds.
import { DOCUMENTED_GATEWAYS } from '../gateways/gateway-registry.js';
import type { CardType, GatewayWindows } from '../gateways/types.js';
import { ConfigError } from '../errors.js';
import { HOUR_MS } from '../time/durations.js';
import { formatDurationExact as formatDuration } from '../time/format-duration.js';
import { UNKNOWN_RETRY_SCHEDULE_MS } from '../../machines/retry-schedule.js';

export { DAY_MS, HOUR_MS } from '../time/durations.js';
export type { GatewayWindows };

export interface ExpiryPolicy {
  /** Windows per gateway name. A gateway that is not listed cannot be used. */
  windows: Record<string, GatewayWindows>;
  /** How long before `expiresAt` the sweeper acts (`actBy = expiresAt − leadTime`). */
  leadTimeMs: number;
}

/**
 * The gateways' documented windows, by name, from each gateway's definition (Kushki: debit 7 days,
 * credit 28 days; PayCertify: 7 days for all; the fake: as Kushki). A configured window may be
 * shorter, never longer.
 */
export const DOCUMENTED_WINDOWS: Readonly<Record<string, GatewayWindows>> = Object.freeze(
  Object.fromEntries(DOCUMENTED_GATEWAYS.map((gateway) => [gateway.name, { credit: gateway.windows.credit, debit: gateway.windows.debit }])),
);

export const DEFAULT_LEAD_TIME_MS = 24 * HOUR_MS;

/** The sweeper's default interval (the daemon's default schedule runs every five minutes). */
export const DEFAULT_SWEEP_INTERVAL_MS = 5 * 60_000;

/** How many retries under the same key a lead time must leave room for after the first attempt. */
const RETRIES_THE_LEAD_TIME_MUST_HOLD = 3;

/**
 * The shortest usable lead time: one sweep interval for the sweeper to notice the hold is due, plus
 * the first retries after an unknown outcome (15 s + 1 min + 5 min). Anything shorter lets every
 * plan lapse as soon as one answer is ambiguous.
 */
export function minimumLeadTimeMs(sweepIntervalMs: number = DEFAULT_SWEEP_INTERVAL_MS): number {
  return sweepIntervalMs + UNKNOWN_RETRY_SCHEDULE_MS.slice(0, RETRIES_THE_LEAD_TIME_MUST_HOLD).reduce((a, b) => a + b, 0);
}

/** Refuses a lead time that leaves no time to act, with the figures in the user's units. */
export function checkLeadTime(leadTimeMs: number, sweepIntervalMs: number = DEFAULT_SWEEP_INTERVAL_MS): void {
  const minimum = minimumLeadTimeMs(sweepIntervalMs);
  if (leadTimeMs < minimum) {
    throw new ConfigError(
      `lead time ${formatDuration(leadTimeMs)} leaves no time to act: it must be at least ${formatDuration(minimum)} ` +
        `(a sweep interval of ${formatDuration(sweepIntervalMs)} plus the first retries after an unknown outcome, ${formatDuration(minimum - sweepIntervalMs)})`,
    );
  }
}

/** Builds a policy from the documented windows, overridden (only ever shortened) by configuration. */
export function createExpiryPolicy(
  overrides: { windows?: Record<string, Partial<GatewayWindows>>; leadTimeMs?: number; sweepIntervalMs?: number } = {},
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
          `window for ${gateway}/${cardType} (${formatDuration(value)}) is longer than the gateway's documented ${formatDuration(documented[cardType])}; a hold would lapse before holdfast acts`,
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
  checkLeadTime(leadTimeMs, overrides.sweepIntervalMs);
  for (const [gateway, w] of Object.entries(windows)) {
    if (leadTimeMs >= Math.min(w.credit, w.debit)) {
      throw new ConfigError(`lead time ${formatDuration(leadTimeMs)} must be shorter than ${gateway}'s shortest window (${formatDuration(Math.min(w.credit, w.debit))})`);
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
