// The simulator's control surface for other processes (crash tests, the demo): read the ledger, the
// request log and a snapshot of both, inject faults, register subscriptions and cards, change
// latency, take the gateway port down and up, reset. Never faulted. Served on the gateway port and
// on the control-only listener; only the latter answers while the gateway port is down.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { CardRegistry } from './card-registry.js';
import { ALL_FAULT_KINDS, type FaultPlan, type FaultSpec } from './fault-plan.js';
import { sendJson, tryParseJson } from './http-io.js';
import type { SimLedger } from './sim-ledger.js';

/** What the control routes can reach. */
export interface ControlTarget {
  ledger: SimLedger;
  faults: FaultPlan;
  cards: CardRegistry;
  requests(): unknown[];
  snapshot(): unknown;
  setLatency(ms: number): void;
  setDown(down: boolean): Promise<void>;
  status(): { down: boolean; url: string; controlUrl: string };
  reset(): void;
}

/** Which listener a control request came in on. */
export type ControlListener = 'gateway' | 'control';

const Decline = z.object({ code: z.string().min(1), message: z.string().min(1) });
const Profile = z.object({
  pan: z.string().regex(/^\d{8,19}$/).optional(),
  cardType: z.enum(['credit', 'debit', 'unknown']).optional(),
  declineAuthorization: Decline.optional(),
  declineCapture: Decline.optional(),
  approveUpTo: z.int().nonnegative().optional(),
  approveBps: z.int().min(0).max(10_000).optional(),
});
const Fault = z.object({
  kind: z.enum(ALL_FAULT_KINDS as [FaultSpec['kind'], ...FaultSpec['kind'][]]),
  gateway: z.enum(['kushki', 'paycertify']).optional(),
  operation: z.enum(['authorize', 'capture', 'void', 'reauthorize']).optional(),
  times: z.int().positive().optional(),
  status: z.int().min(400).max(599).optional(),
  delayMs: z.int().nonnegative().optional(),
  authorizationRef: z.string().min(1).max(64).optional(),
  onlyIfTrue: z.boolean().optional(),
});

const Kind = z.enum(ALL_FAULT_KINDS as [FaultSpec['kind'], ...FaultSpec['kind'][]]);
const RandomPlan = z.object({
  seed: z.int(),
  rate: z.number().min(0).max(1),
  sequences: z.array(z.array(Kind).min(1)).min(1),
  gateway: z.enum(['kushki', 'paycertify']).optional(),
  operations: z.array(z.enum(['authorize', 'capture', 'void'])).optional(),
  delayMs: z.int().nonnegative().optional(),
});

/** Serves GET/POST/DELETE under /__sim/. */
export async function handleControl(method: string, path: string, bodyText: string, res: ServerResponse, target: ControlTarget, via: ControlListener): Promise<void> {
  const body = tryParseJson(bodyText);
  const bad = (error: z.ZodError) => sendJson(res, 400, { message: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  switch (`${method} ${path}`) {
    case 'GET /__sim/health':
      return sendJson(res, 200, { ok: true, ...target.status() });
    case 'GET /__sim/ledger':
      return sendJson(res, 200, target.ledger.snapshot());
    case 'GET /__sim/requests':
      return sendJson(res, 200, target.requests());
    case 'GET /__sim/snapshot':
      return sendJson(res, 200, target.snapshot());
    case 'GET /__sim/faults':
      return sendJson(res, 200, target.faults.list());
    case 'POST /__sim/faults': {
      const parsed = z.union([Fault, z.array(Fault)]).safeParse(body);
      if (!parsed.success) return bad(parsed.error);
      try {
        target.faults.inject(...(Array.isArray(parsed.data) ? parsed.data : [parsed.data]));
      } catch (error) {
        return sendJson(res, 400, { message: error instanceof Error ? error.message : String(error) });
      }
      return sendJson(res, 204, undefined);
    }
    case 'POST /__sim/faults/random': {
      // A seeded random plan (or null to stop one); queued faults still come first.
      const parsed = z.union([RandomPlan, z.null()]).safeParse(body);
      if (!parsed.success) return bad(parsed.error);
      try {
        target.faults.random(parsed.data);
      } catch (error) {
        return sendJson(res, 400, { message: error instanceof Error ? error.message : String(error) });
      }
      return sendJson(res, 204, undefined);
    }
    case 'DELETE /__sim/faults':
      target.faults.clear();
      return sendJson(res, 204, undefined);
    case 'POST /__sim/subscriptions': {
      const parsed = Profile.extend({ subscriptionId: z.string().min(1).max(64) }).safeParse(body);
      if (!parsed.success) return bad(parsed.error);
      const { subscriptionId, ...profile } = parsed.data;
      target.cards.registerSubscription(subscriptionId, profile);
      return sendJson(res, 204, undefined);
    }
    case 'POST /__sim/cards': {
      const parsed = Profile.extend({ pan: z.string().regex(/^\d{8,19}$/) }).safeParse(body);
      if (!parsed.success) return bad(parsed.error);
      target.cards.registerCard(parsed.data.pan, parsed.data);
      return sendJson(res, 204, undefined);
    }
    case 'POST /__sim/config': {
      const parsed = z.object({ latencyMs: z.int().nonnegative().max(600_000) }).safeParse(body);
      if (!parsed.success) return bad(parsed.error);
      target.setLatency(parsed.data.latencyMs);
      return sendJson(res, 204, undefined);
    }
    case 'POST /__sim/down':
      if (via === 'gateway') {
        // Going down destroys this very connection: answer first, then go. The caller cannot know
        // when the port is gone; the control listener's route (which waits) is the reliable one.
        res.once('finish', () => void target.setDown(true).catch(() => undefined));
        return sendJson(res, 202, { down: true, controlUrl: target.status().controlUrl });
      }
      await target.setDown(true);
      return sendJson(res, 204, undefined);
    case 'POST /__sim/up':
      try {
        await target.setDown(false);
      } catch (error) {
        return sendJson(res, 409, { message: `could not listen again on ${target.status().url}: ${error instanceof Error ? error.message : String(error)}` });
      }
      return sendJson(res, 204, undefined);
    case 'POST /__sim/reset':
      target.reset();
      return sendJson(res, 204, undefined);
    default:
      return sendJson(res, 404, { message: `no control route ${method} ${path}` });
  }
}
