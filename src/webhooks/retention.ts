// Outbox retention: delivered events are deleted once they are older than the retention (counted
// from delivery); undelivered events are never deleted, however old.
import type { Store } from '../../db/connection.js';
import { pruneDelivered } from '../../db/webhooks.repository.js';
import type { Clock } from '../clock.js';

// Small batches keep each delete short, so sweeps and deliveries are never held up behind one.
const PRUNE_BATCH = 1_000;

/** Deletes events delivered more than `retentionMs` ago; returns how many. */
export async function pruneDeliveredEvents(store: Store, clock: Clock, retentionMs: number): Promise<number> {
  const before = clock.now() - retentionMs;
  let pruned = 0;
  for (;;) {
    const n = await pruneDelivered(store.db, before, PRUNE_BATCH);
    pruned += n;
    if (n < PRUNE_BATCH) return pruned;
  }
}
