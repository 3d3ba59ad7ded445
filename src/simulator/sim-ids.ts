// Deterministic references for the simulated gateways, so that runs are reproducible.
import { luhnValid } from '../gateways/redact.js';

/**
 * 18-digit Kushki-style ticket numbers, above 2^53 like the real ones (so a client that parses them
 * as JSON numbers loses digits and a test notices). The last digit is chosen to FAIL the Luhn
 * check: exchange logs mask Luhn-valid 13–19-digit runs as card numbers, and a ticket should stay
 * readable there.
 */
export class TicketSequence {
  private n = 0n;
  constructor(private readonly start = 31922847888968000n) {}

  /** The next ticket number. */
  next(): string {
    const body = (this.start + this.n++).toString().padStart(17, '0');
    for (let d = 0; d <= 9; d++) {
      const candidate = `${body}${d}`;
      if (!luhnValid(candidate)) return candidate;
    }
    return `${body}0`; // unreachable: only one check digit makes a number Luhn-valid
  }
}

/** UUID-shaped ids (PayCertify transaction and event ids) from a counter. */
export class UuidSequence {
  private n = 0;
  constructor(private readonly prefix: string) {}

  /** The next id, e.g. `5eed0001-0000-4000-8000-000000000001`. */
  next(): string {
    this.n += 1;
    return `${this.prefix.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${this.n.toString(16).padStart(12, '0')}`;
  }
}
