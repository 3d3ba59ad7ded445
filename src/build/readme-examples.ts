// The README's CLI examples, made reproducible: every documented command runs in this process
// against a fresh database in a temp directory, with the in-process fake gateway and a fixed clock,
// and its output replaces the fenced block between `<!-- example:<name> -->` and `<!-- /example -->`.
// `npm run readme:examples` rewrites README.md; test/readme-cli-examples.test.ts fails when it drifts.
// Random identifiers (hold ids, authorization keys, fake references) are replaced by stable ones of
// the same length, in the order they first appear, so a rerun prints the same bytes.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ManualClock } from '../clock.js';
import { runCli } from '../cli/run-cli.js';

/** The moment the examples start at; each command runs a minute after the one before. */
export const EXAMPLES_NOW = Date.UTC(2026, 0, 5, 9, 30);

const DAY_MS = 86_400_000;

/** The environment the examples run with: the fake gateway, scripted per subscription, no colour. */
export const EXAMPLES_ENV: Readonly<Record<string, string>> = Object.freeze({
  HOLDFAST_FAKE_GATEWAY: '1',
  HOLDFAST_FAKE_SOURCES: JSON.stringify({ 'sub-declined': { declineAuthorize: true }, 'sub-debit': { cardType: 'debit' } }),
  NO_COLOR: '1',
});

/** What a step can ask of the run so far. */
interface StepContext {
  /** The (real) id of the hold of this order. */
  hold(orderId: string): Promise<string>;
  /** The nextCursor the last `--json list` step printed. */
  lastCursor(): string;
}

/** One command of the session; `example` names the README block it is shown in (none: set-up only). */
interface Step {
  example?: string;
  args: (ctx: StepContext) => Promise<string[]> | string[];
  /** Show `echo $?` and the exit code after the output. */
  showExit?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The session, in the order it runs; each README block shows its steps in this order. */
const STEPS: readonly Step[] = [
  { example: 'migrate', args: () => ['migrate'] },
  { example: 'authorize', args: () => ['authorize', '--gateway', 'fake', '--amount', '60.00', '--currency', 'PEN', '--subscription-id', 'sub-credit', '--order', 'order-42'] },
  { example: 'authorize', args: () => ['authorize', '--gateway', 'fake', '--amount', '60.00', '--currency', 'PEN', '--subscription-id', 'sub-declined', '--order', 'order-45'], showExit: true },
  {
    example: 'track',
    args: () => ['--json', 'track', '--gateway', 'fake', '--ref', '1766452738000012', '--amount', '125.50', '--currency', 'PEN', '--authorized-at', '2026-01-03T14:00:00Z', '--card-type', 'debit', '--order', 'order-43'],
  },
  { args: () => ['authorize', '--gateway', 'fake', '--amount', '15000', '--currency', 'CLP', '--subscription-id', 'sub-debit', '--order', 'order-44'] },
  { example: 'list', args: () => ['list'] },
  { example: 'list', args: () => ['list', '--open', '--limit', '2'] },
  { args: () => ['--json', 'list', '--open', '--limit', '2'] },
  { example: 'list', args: (ctx) => ['list', '--open', '--limit', '2', '--cursor', ctx.lastCursor()] },
  { example: 'list', args: () => ['list', '--state', 'pending'] },
  { example: 'capture', args: async (ctx) => ['capture', await ctx.hold('order-42'), '--amount', '45.00'] },
  { example: 'capture', args: async (ctx) => ['--json', 'capture', await ctx.hold('order-42')] },
  { example: 'capture', args: async (ctx) => ['capture', await ctx.hold('order-44'), '--amount', '10.5'] },
  { example: 'capture', args: async (ctx) => ['--json', 'void', await ctx.hold('order-43')] },
  { example: 'on-expiry', args: async (ctx) => ['on-expiry', await ctx.hold('order-44'), 'capture', '--amount', '12000'] },
  { example: 'show', args: async (ctx) => ['show', await ctx.hold('order-42')] },
  { example: 'stats', args: () => ['stats'] },
  // Two credit holds authorized elsewhere 27 days and an hour ago: their actBy (expiresAt − 24 h) has passed.
  {
    args: () => ['track', '--gateway', 'fake', '--ref', 'ext-51', '--amount', '80.00', '--currency', 'PEN', '--card-type', 'credit', '--order', 'order-51',
      '--on-expiry', 'capture', '--authorized-at', iso(EXAMPLES_NOW - 27 * DAY_MS - 3_600_000)],
  },
  {
    args: () => ['track', '--gateway', 'fake', '--ref', 'ext-52', '--amount', '35.00', '--currency', 'USD', '--card-type', 'credit', '--order', 'order-52',
      '--authorized-at', iso(EXAMPLES_NOW - 27 * DAY_MS - 3_600_000)],
  },
  { example: 'sweep', args: () => ['sweep', '--dry-run'] },
  { example: 'sweep', args: () => ['sweep'] },
  { example: 'sweep', args: () => ['sweep'] },
];

const SCRUBBED = /^(HOLDFAST_|KUSHKI_|PAYCERTIFY_|NO_COLOR$|FORCE_COLOR$)/;

/** Runs the session in a temp directory and returns each example block's text, by name. */
export async function runReadmeExamples(): Promise<Map<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-readme-'));
  const clock = new ManualClock(EXAMPLES_NOW);
  const stable = new StableIds();
  const blocks = new Map<string, string[]>();
  let cursor: string | null = null;
  const run = (args: string[]) => runInProcess(args, dir, clock);
  const ctx: StepContext = {
    async hold(orderId) {
      const { output } = await run(['--json', 'list', '--order', orderId, '--all']);
      const id = (JSON.parse(output) as { holds: { id: string }[] }).holds[0]?.id;
      if (!id) throw new Error(`README examples: no hold for ${orderId}`);
      return id;
    },
    lastCursor() {
      if (cursor === null) throw new Error('README examples: no cursor printed yet');
      return cursor;
    },
  };
  try {
    for (const step of STEPS) {
      // A minute between commands, as if typed: the journal's times differ, the output stays fixed.
      clock.advance(60_000);
      const args = await step.args(ctx);
      const { code, output } = await run(args);
      if (args[0] === '--json' && args[1] === 'list') cursor = (JSON.parse(output) as { nextCursor: string | null }).nextCursor;
      if (step.example === undefined) continue;
      let text = `$ ${['holdfast', ...args].map(shellQuote).join(' ')}\n${output}`;
      if (step.showExit) text += `$ echo $?\n${code}\n`;
      const lines = blocks.get(step.example) ?? [];
      lines.push(stable.apply(text));
      blocks.set(step.example, lines);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return new Map([...blocks].map(([name, parts]) => [name, parts.join('').trimEnd()]));
}

/** README.md with every example block replaced by its generated text; an unknown or missing block is an error. */
export function replaceExampleBlocks(readme: string, examples: Map<string, string>): string {
  const seen = new Set<string>();
  const out = readme.replace(/<!-- example:([\w-]+) -->\n[\s\S]*?<!-- \/example -->/g, (_match, name: string) => {
    const text = examples.get(name);
    if (text === undefined) throw new Error(`README.md has an example block "${name}" that src/build/readme-examples.ts does not make`);
    seen.add(name);
    return `<!-- example:${name} -->\n\`\`\`\n${text}\n\`\`\`\n<!-- /example -->`;
  });
  const missing = [...examples.keys()].filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`README.md has no <!-- example:${missing[0]} --> block`);
  return out;
}

/** The README at `path` with its example blocks regenerated. */
export async function renderReadme(path: string): Promise<string> {
  return replaceExampleBlocks(readFileSync(path, 'utf8'), await runReadmeExamples());
}

// Runs one command with stdout and stderr captured in the order they were written (as a terminal
// shows them), in `dir`, with only the examples' environment, on `clock`. Sweep latencies read 0.0:
// the examples' time stands still.
async function runInProcess(args: string[], dir: string, clock: ManualClock): Promise<{ code: number; output: string }> {
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  const chunks: string[] = [];
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const now = performance.now;
  for (const key of Object.keys(process.env)) if (SCRUBBED.test(key)) delete process.env[key];
  Object.assign(process.env, EXAMPLES_ENV);
  process.chdir(dir);
  const capture = ((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  performance.now = () => 0;
  try {
    const code = await runCli(args, { clock });
    return { code, output: chunks.join('') };
  } finally {
    performance.now = now;
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.chdir(savedCwd);
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
}

// Random identifiers → stable ones of the same shape, numbered in order of appearance. List cursors
// carry a hold id inside their base64url text, so they are decoded, rewritten and encoded again.
class StableIds {
  private readonly map = new Map<string, string>();

  apply(text: string): string {
    return text
      .replace(/\b(hold|auth|fake)_([0-9a-f]{16,20})\b/g, (id) => this.stable(id))
      .replace(/(--cursor |"nextCursor": ")([A-Za-z0-9_-]{20,})/g, (_m, lead: string, cursor: string) => {
        const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
        return `${lead}${Buffer.from(decoded.replace(/hold_[0-9a-f]{20}/g, (id) => this.stable(id))).toString('base64url')}`;
      });
  }

  private stable(id: string): string {
    let out = this.map.get(id);
    if (out === undefined) {
      const [prefix, hex] = id.split('_') as [string, string];
      const digest = createHash('sha256').update(`holdfast readme ${prefix} ${this.map.size}`).digest('hex');
      out = `${prefix}_${digest.slice(0, hex.length)}`;
      this.map.set(id, out);
    }
    return out;
  }
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

// `npm run readme:examples`: rewrite README.md in place.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.dirname, 'readme-examples.ts')) {
  const path = resolve(import.meta.dirname, '../../README.md');
  const before = readFileSync(path, 'utf8');
  const after = await renderReadme(path);
  writeFileSync(path, after);
  process.stdout.write(after === before ? 'README.md examples are current\n' : 'README.md examples rewritten\n');
}
