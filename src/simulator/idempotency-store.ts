// Idempotency-Key handling as the fixtures describe Kushki's: a 2xx response is stored per key (and
// per method + path, so one key cannot collide across operations) and replayed verbatim; 4xx/5xx
// responses are not stored, so the same key may be retried after them.
import { createHash } from 'node:crypto';

/** A response as it was sent, for replay. */
export interface StoredResponse {
  status: number;
  body: string;
}

type Lookup =
  | { kind: 'new' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' };

/** Stored responses, keyed by Idempotency-Key + method + path. */
export class IdempotencyStore {
  private readonly stored = new Map<string, { fingerprint: string; response: StoredResponse }>();

  /** What to do with a request carrying `key`: run it, replay it, or refuse it as reused for another request. */
  lookup(key: string, method: string, path: string, body: string): Lookup {
    const slot = `${key}\u0000${method}\u0000${path}`;
    const fingerprint = createHash('sha256').update(body).digest('hex');
    const hit = this.stored.get(slot);
    if (hit) return hit.fingerprint === fingerprint ? { kind: 'replay', response: hit.response } : { kind: 'mismatch' };
    return { kind: 'new' };
  }

  /** Stores a 2xx response for replay (other statuses are never stored). */
  store(key: string, method: string, path: string, body: string, response: StoredResponse): void {
    if (response.status < 200 || response.status >= 300) return;
    const slot = `${key}\u0000${method}\u0000${path}`;
    this.stored.set(slot, { fingerprint: createHash('sha256').update(body).digest('hex'), response });
  }

  /** Forgets everything. */
  reset(): void {
    this.stored.clear();
  }
}
