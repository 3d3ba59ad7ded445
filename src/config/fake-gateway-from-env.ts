// A testing aid: HOLDFAST_FAKE_GATEWAY=1 registers the in-process fake gateway as `fake`, so the
// CLI can run end to end without HTTP. HOLDFAST_FAKE_SOURCES (JSON, subscription id → FakeSource)
// scripts its answers, e.g. {"sub-declined":{"declineAuthorize":true},"sub-debit":{"cardType":"debit"}}.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { ConfigError } from '../errors.js';
import { FakeGateway } from '../gateways/fake/index.js';
import type { AuthorizeOutcome, AuthorizeRequest, CaptureRequest, Gateway, VoidRequest } from '../gateways/types.js';

const FakeSources = z.record(
  z.string(),
  z.strictObject({
    cardType: z.enum(['credit', 'debit', 'unknown']).optional(),
    declineAuthorize: z.boolean().optional(),
    declineCapture: z.boolean().optional(),
    approveAmount: z.number().int().positive().optional(),
  }),
);

/** The fake gateway when HOLDFAST_FAKE_GATEWAY=1, else undefined. */
export function fakeGatewayFromEnv(env: NodeJS.ProcessEnv, clock: Clock): Gateway | undefined {
  if (env.HOLDFAST_FAKE_GATEWAY !== '1') return undefined;
  const fake = new FakeGateway({ now: () => clock.now() });
  for (const [subscriptionId, source] of Object.entries(parseSources(env.HOLDFAST_FAKE_SOURCES))) {
    fake.setSource(subscriptionId, source);
  }
  return new PerProcessFakeGateway(fake);
}

function parseSources(text: string | undefined): z.infer<typeof FakeSources> {
  if (text === undefined || text.trim() === '') return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError('HOLDFAST_FAKE_SOURCES must be JSON: {"<subscription id>": {"cardType": "debit", "declineAuthorize": true, …}}');
  }
  const parsed = FakeSources.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`invalid HOLDFAST_FAKE_SOURCES: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

// Each CLI invocation is a new process with an empty fake ledger. Its references are made unique
// across processes (the fake numbers them from 1 in each), and an authorization it has not seen
// (made by an earlier invocation, or tracked) is taken to be live for the amount asked, so that
// capture and void can be exercised across invocations.
class PerProcessFakeGateway implements Gateway {
  readonly name: string;
  readonly capabilities: Gateway['capabilities'];
  private readonly refs = new Map<string, string>();

  constructor(private readonly fake: FakeGateway) {
    this.name = fake.name;
    this.capabilities = fake.capabilities;
  }

  async authorize(req: AuthorizeRequest): Promise<AuthorizeOutcome> {
    const outcome = await this.fake.authorize(req);
    if (outcome.kind !== 'approved') return outcome;
    let ref = this.refs.get(outcome.gatewayRef);
    if (ref === undefined) {
      ref = `fake_${randomBytes(8).toString('hex')}`;
      this.refs.set(outcome.gatewayRef, ref);
      const entry = this.fake.ledger.get(outcome.gatewayRef);
      if (entry) this.fake.ledger.set(ref, entry);
    }
    return { ...outcome, gatewayRef: ref };
  }

  capture(req: CaptureRequest) {
    this.adopt(req.gatewayRef, req.amount, req.currency);
    return this.fake.capture(req);
  }

  void(req: VoidRequest) {
    this.adopt(req.gatewayRef, req.amount, req.currency);
    return this.fake.void(req);
  }

  private adopt(ref: string, amount: number, currency: string): void {
    if (!this.fake.ledger.has(ref)) this.fake.ledger.set(ref, { ref, amount, currency, status: 'authorized', captures: [], voids: [] });
  }
}
