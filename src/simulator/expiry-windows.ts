// How long the simulated issuers hold an authorization's funds, per gateway and card type. The table
// comes from the fixtures (kushki-oneclick-auth-rules.json: debit 7 days, credit 28 days, counted
// from the time the authorization is generated; PayCertify answers carry no card type, 7 days), not
// from holdfast's expiry policy: the simulator is the oracle that policy is checked against, so the
// two must not share a table.
import type { CardType } from '../gateways/types.js';
import type { SimGateway } from './sim-ledger.js';

const DAY_MS = 86_400_000;

/** Authorization windows in milliseconds, per gateway and card type. */
export type SimExpiryWindows = Record<SimGateway, Record<CardType, number>>;

/** Overrides of the documented windows, per gateway and card type (milliseconds). */
export type SimExpiryWindowOverrides = { [G in SimGateway]?: Partial<Record<CardType, number>> | undefined };

/** The documented windows; an unknown card type gets the gateway's shortest. */
export const DOCUMENTED_SIM_WINDOWS: Readonly<SimExpiryWindows> = Object.freeze({
  kushki: Object.freeze({ debit: 7 * DAY_MS, credit: 28 * DAY_MS, unknown: 7 * DAY_MS }),
  paycertify: Object.freeze({ debit: 7 * DAY_MS, credit: 7 * DAY_MS, unknown: 7 * DAY_MS }),
});

/** The documented windows with `overrides` applied; refuses a window that is not a positive integer. */
export function resolveExpiryWindows(overrides: SimExpiryWindowOverrides = {}): SimExpiryWindows {
  const out = { kushki: { ...DOCUMENTED_SIM_WINDOWS.kushki }, paycertify: { ...DOCUMENTED_SIM_WINDOWS.paycertify } };
  for (const gateway of ['kushki', 'paycertify'] as const) {
    for (const cardType of ['credit', 'debit', 'unknown'] as const) {
      const value = overrides[gateway]?.[cardType];
      if (value === undefined) continue;
      if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`simulator expiry window ${gateway}/${cardType} must be a positive integer of milliseconds, got ${String(value)}`);
      out[gateway][cardType] = value;
    }
  }
  return out;
}
