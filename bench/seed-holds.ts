// Fast populations of authorized holds for the benchmarks that need 100 000 – 1 000 000 of them.
//
// How the rows are made: the real API (openHoldfast + FakeGateway, named like the gateway the rows
// are for) tracks two template holds in a throwaway database, one with onExpiry=void (the default)
// and one with onExpiry=capture, so every column, the machine snapshot and the TRACK journal line
// are exactly what track() writes. Each seeded hold is a clone of a template that varies only what
// differs between holds: id (random, like newHoldId), order id, gateway reference, amount,
// authorizedAt/expiresAt/next_action_at/policy_due_at (kept consistent with the policy's window and
// default lead time, in the columns and in the snapshot). The clones go into a database created and
// migrated by openStore, with raw better-sqlite3 prepared statements in one transaction; synchronous
// is off while seeding only (a fixture need not survive power loss), and the file stays in WAL mode,
// so holdfast opens it with its own settings (synchronous=FULL) like any other database.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openHoldfast } from '../src/holds/holdfast.js';
import { FakeGateway } from '../src/gateways/fake/index.js';
import { ManualClock } from '../src/clock.js';
import { openStore } from '../db/connection.js';
import type { HoldRow } from '../db/stored-hold.js';
import type { HoldTransitionsTable } from '../db/schema.js';
import { DEFAULT_LEAD_TIME_MS } from '../src/policy/expiry-policy.js';

export interface SeedOptions {
  count: number;
  /** The gateway name in the rows (its documented windows apply). */
  gateway: string;
  /** actBy of the first hold; the others follow evenly over `actBySpreadMs`. */
  actByFrom: number;
  actBySpreadMs: number;
  /** Share of holds whose plan at actBy is capture (the rest void). Default 0.5. */
  captureShare?: number;
}

// One pair of templates per gateway name and process.
const templates = new Map<string, Promise<{ void: Template; capture: Template }>>();

interface Template {
  hold: HoldRow;
  transition: HoldTransitionsTable;
  context: Record<string, unknown>;
}

/** Creates (or adds to) the database at `path` with `count` authorized holds shaped like track() makes them. */
export async function seedHolds(path: string, scratchDir: string, options: SeedOptions): Promise<void> {
  let made = templates.get(options.gateway);
  if (!made) templates.set(options.gateway, (made = makeTemplates(join(scratchDir, `template-${options.gateway}.db`), options.gateway)));
  const { void: voidTemplate, capture: captureTemplate } = await made;
  const store = await openStore(path);
  await store.close();
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const columns = Object.keys(voidTemplate.hold);
  const insertHold = db.prepare(`insert into holds (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`);
  const insertTransition = db.prepare(
    'insert into hold_transitions (hold_id, seq, from_state, to_state, event, actor, detail, at) values (@hold_id, @seq, @from_state, @to_state, @event, @actor, @detail, @at)',
  );
  const captureEvery = Math.round(1 / (options.captureShare ?? 0.5));
  const ids = randomBytes(10 * options.count);
  const tag = randomBytes(3).toString('hex');
  db.transaction(() => {
    for (let i = 0; i < options.count; i++) {
      const template = i % captureEvery === 0 ? captureTemplate : voidTemplate;
      // The templates follow the policy (no actBy of their own): actBy is expiresAt less the
      // default lead time, and every instant of the row moves with expiresAt.
      const actBy = options.actByFrom + Math.floor((i * options.actBySpreadMs) / options.count);
      const expiresAt = actBy + DEFAULT_LEAD_TIME_MS;
      const shift = (instant: number | null) => (instant === null ? null : instant + expiresAt - Number(template.hold.expires_at));
      const authorizedAt = shift(template.hold.authorized_at) as number;
      const amount = 1_000 + (i % 9_000);
      const id = `hold_${ids.subarray(i * 10, i * 10 + 10).toString('hex')}`;
      const gatewayRef = `${tag}${String(i).padStart(12, '0')}`;
      const context = { ...template.context, amount, authorizedAt, expiresAt };
      insertHold.run({
        ...template.hold,
        id,
        order_id: `order-${tag}-${i}`,
        gateway_ref: gatewayRef,
        amount,
        authorized_at: authorizedAt,
        expires_at: expiresAt,
        next_action_at: shift(template.hold.next_action_at),
        policy_due_at: shift(template.hold.policy_due_at),
        snapshot: JSON.stringify({ value: 'authorized', context }),
        created_at: authorizedAt,
        updated_at: authorizedAt,
      });
      insertTransition.run({ ...template.transition, hold_id: id, detail: JSON.stringify({ gatewayRef }), at: authorizedAt });
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

// Two holds tracked through the real API: the rows every clone is shaped after.
async function makeTemplates(path: string, gateway: string): Promise<{ void: Template; capture: Template }> {
  const clock = new ManualClock(Date.UTC(2026, 0, 5));
  const hf = await openHoldfast({ database: path, gateways: [new FakeGateway({ name: gateway })], clock });
  const base = { gateway, amount: 5_000, currency: 'USD', authorizedAt: clock.now(), cardType: 'credit' as const, subscriptionId: 'sub-bench' };
  const voidHold = await hf.track({ ...base, gatewayRef: 'template-void', orderId: 'order-void' });
  const captureHold = await hf.track({ ...base, gatewayRef: 'template-capture', orderId: 'order-capture', onExpiry: 'capture' });
  await hf.close();
  const db = new BetterSqlite3(path, { readonly: true });
  const read = (id: string): Template => {
    const hold = db.prepare('select * from holds where id = ?').get(id) as HoldRow;
    const transition = db.prepare('select * from hold_transitions where hold_id = ?').get(id) as HoldTransitionsTable;
    return { hold, transition, context: (JSON.parse(hold.snapshot) as { context: Record<string, unknown> }).context };
  };
  const templates = { void: read(voidHold.id), capture: read(captureHold.id) };
  if (templates.void.hold.act_by !== null || templates.capture.hold.act_by !== null) throw new Error('seed templates must follow the lead-time policy (no actBy of their own)');
  db.close();
  return templates;
}
