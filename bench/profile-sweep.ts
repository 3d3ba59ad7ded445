// Profiles one sweep pass (the benchmark-2 setup) and prints the top functions by self time:
// `npx tsx bench/profile-sweep.ts [holds]`. Only the sweep is profiled, not the seeding.
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openHoldfast } from '../src/holds/holdfast.js';
import { FakeGateway } from '../src/gateways/fake/index.js';
import { ManualClock } from '../src/clock.js';
import { scratchDir } from './scratch-dir.js';
import { seedHolds } from './seed-holds.js';
import { silentLogger } from '../src/silent-logger.js';
import { SWEEP_AT } from './sweep-throughput.js';

const count = Number(process.argv[2] ?? 5_000);
const dir = scratchDir('profile');
try {
  const path = join(dir.path, 'due.db');
  await seedHolds(path, dir.path, { count, gateway: 'fake', actByFrom: SWEEP_AT - 3_600_000, actBySpreadMs: 3_600_000 });
  const clock = new ManualClock(SWEEP_AT);
  const fake = new FakeGateway({ now: () => clock.now() });
  const db = new BetterSqlite3(path, { readonly: true });
  for (const row of db.prepare('select gateway_ref, amount, currency from holds').iterate() as Iterable<{ gateway_ref: string; amount: number; currency: string }>) {
    fake.ledger.set(row.gateway_ref, { ref: row.gateway_ref, amount: row.amount, currency: row.currency, status: 'authorized', captures: [], voids: [] });
  }
  db.close();
  const hf = await openHoldfast({ database: path, gateways: [fake], clock, logger: silentLogger() });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const started = performance.now();
  const report = await hf.sweep();
  const ms = performance.now() - started;
  const { profile } = await session.post('Profiler.stop');
  await hf.close();
  console.log(`${report.totals.approved} holds in ${Math.round(ms)} ms: ${Math.round((report.totals.approved / ms) * 1000)} holds/s`);
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let total = 0;
  samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules\/[^/]+|main)\//, '')}:${f.lineNumber + 1}`;
    const dt = deltas[i] ?? 0;
    total += dt;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 15))) {
    console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
} finally {
  dir.remove();
}
