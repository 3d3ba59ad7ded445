// A fake gateway whose capture refusals for chosen subscriptions carry text holdfast must treat with
// care: a card number and CVV echoed back (redacted before anything is stored), or markup (escaped
// wherever it is shown). Everything else is the ordinary fake.
import { FakeGateway } from '../../src/gateways/fake/index.js';
import type { CaptureOutcome, CaptureRequest } from '../../src/gateways/types.js';

/** The Kushki seed card whose captures are declined; Luhn-valid, so redaction must mask it. */
export const ECHOED_PAN = '4547004841271012';

/** A FakeGateway with per-subscription decline messages. */
export class EchoingGateway extends FakeGateway {
  private readonly declineMessages = new Map<string, string>();

  /** Captures for this subscription are declined with `message`, the card echoed in the response. */
  declineCapturesWith(subscriptionId: string, message: string): void {
    this.setSource(subscriptionId, { declineCapture: true });
    this.declineMessages.set(subscriptionId, message);
  }

  override async capture(req: CaptureRequest): Promise<CaptureOutcome> {
    const outcome = await super.capture(req);
    const message = this.declineMessages.get(req.subscriptionId ?? '');
    if (outcome.kind !== 'declined' || message === undefined) return outcome;
    const response = { code: outcome.code, message, card: { number: ECHOED_PAN, cvv: '123', holder: 'ANA TEST' } };
    return { ...outcome, message, exchange: { ...outcome.exchange, message, response } };
  }
}
