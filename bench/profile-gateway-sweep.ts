// Profiles one gateway-bound sweep pass (the benchmark-4 setup: Kushki adapter → simulator in its own
// process) and prints the top functions by self time, grouped by package:
// `npx tsx bench/profile-gateway-sweep.ts [holds] [latencyMs]`. Only the sweep is profiled.
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { openHoldfast } from '../src/holds/holdfast.js';
import { createKushkiGateway } from '../src/gateways/kushki/index.js';
import { ManualClock } from '../src/clock.js';
import { forEachLimited } from '../src/sweeper/pool.js';
import { scratchDir } from './scratch-dir.js';
import { silentLogger } from '../src/silent-logger.js';
import { startSimulatorProcess } from './loopback-simulator.js';

const count = Number(process.argv[2] ?? 2_000);
const latencyMs = Number(process.argv[3] ?? 10);
const dir = scratchDir('profile-gateway');
const sim = await startSimulatorProcess(latencyMs);
try {
  const clock = new ManualClock(Date.now());
  const gateway = createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'bench-merchant', clock });
  const hf = await openHoldfast({ database: join(dir.path, 'gw.db'), gateways: [gateway], clock, logger: silentLogger() });
  let latest = 0;
  await forEachLimited(Array.from({ length: count }, (_, i) => i), 16, async (i) => {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: `sub-${i}`, amount: 1_000 + i, currency: 'USD', orderId: `order-${i}`, onExpiry: i % 2 === 0 ? 'capture' : 'void' });
    latest = Math.max(latest, hold.actBy ?? 0);
  });
  clock.set(latest + 1_000);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const started = performance.now();
  const report = await hf.sweep({ concurrency: 16 });
  const ms = performance.now() - started;
  const { profile } = await session.post('Profiler.stop');
  await hf.close();
  await gateway.close?.();
  console.log(`${report.totals.approved} holds in ${Math.round(ms)} ms: ${Math.round((report.totals.approved / ms) * 1000)} holds/s at ${latencyMs} ms latency`);
  const self = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  (profile.samples ?? []).forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.url)?.[1] ?? (f.url === '' ? f.functionName || '(native)' : f.url.startsWith('node:') ? 'node' : 'holdfast');
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules\/[^/]+|main)\//, '')}:${f.lineNumber + 1}`;
    const dt = deltas[i] ?? 0;
    total += dt;
    self.set(key, (self.get(key) ?? 0) + dt);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + dt);
  });
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`).join('\n');
  console.log(`by package:\n${top(byPackage, 10)}\n\nby function:\n${top(self, Number(process.env.TOP ?? 15))}`);
} finally {
  await sim.stop();
  dir.remove();
}
