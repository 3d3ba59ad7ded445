// Renders the reliability figures as markdown. The structure is fixed (suite order, headings,
// columns) so that two runs differ only in their numbers; each scale owns one marked section, and a
// run replaces its own section while keeping the other's.
import { arch, cpus, totalmem } from 'node:os';
import type { SuiteResult } from './results.js';

/** The suites of a complete run, in report order. */
export const SUITES = ['faults', 'crash', 'concurrency', 'oracle', 'bad-input', 'card-data', 'model'] as const;

const HEADER = `# holdfast reliability figures

Written by the reliability suite itself (\`test/reliability/\`); do not edit by hand. The CI-sized run
is part of \`npm test\`; the soak is \`npm run test:reliability\` (\`RELIABILITY_SCALE=soak\`). Every
figure below comes from a run that passed and is counted by the harness: each invariant-violation
count is asserted to be 0, except in "The oracle can fail", whose broken variants must show them.
Every hold has an intended outcome and a verdict against it and the simulator's permissive ledger
(which applies every capture and void it executes): ok; lapsed (flagged honestly as expired or
needs_attention); wrong (agrees with the ledger, not the intent); mismatch (disagrees with the
ledger, or the ledger shows a double effect). Calls after expiry are gateway requests, counted from
the simulator's request log, that arrived at or after their authorization's expiry on the clock
holdfast and the simulator share. Durations are wall-clock on a shared machine, reported, never asserted.
`;

/** Where the machine and run facts for the report come from. */
export interface RunMeta {
  scale: string;
  date: string;
  totalMs: number;
}

/** The marked section for one run. */
export function renderSection(results: readonly SuiteResult[], meta: RunMeta): string {
  const cpu = cpus();
  const lines = [
    `<!-- scale:${meta.scale} -->`,
    `## ${meta.scale === 'soak' ? 'Soak run' : 'CI-sized run'}`,
    '',
    `- date: ${meta.date}`,
    `- machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform}/${arch()}, Node ${process.version}`,
    `- scale: ${meta.scale} (RELIABILITY_SCALE=${meta.scale})`,
    `- wall time of the reliability suites (they run in parallel with the rest): ${formatMs(meta.totalMs)}`,
    '',
  ];
  const total: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.violations)) total[k] = (total[k] ?? 0) + v;
  lines.push('| invariant violation | count |', '| --- | ---: |');
  for (const [k, v] of Object.entries(total).sort(([a], [b]) => a.localeCompare(b))) lines.push(`| ${k} | ${v} |`);
  lines.push('');
  for (const r of results) {
    lines.push(`### ${r.title}`, '', `duration: ${formatMs(r.durationMs)}`, '');
    lines.push(...table(r.rows), '');
    for (const note of r.notes) lines.push(`- ${note}`);
    if (r.notes.length > 0) lines.push('');
  }
  lines.push(`<!-- /scale:${meta.scale} -->`);
  return lines.join('\n');
}

/** The whole document: the header, then the CI and soak sections (a run replaces only its own). */
export function renderDocument(previous: string | null, section: string, scale: string): string {
  const sections: Record<string, string> = {};
  for (const s of ['ci', 'soak']) {
    const match = previous === null ? null : new RegExp(`<!-- scale:${s} -->[\\s\\S]*?<!-- /scale:${s} -->`).exec(previous);
    if (match) sections[s] = match[0];
  }
  sections[scale] = section;
  const parts = [HEADER];
  parts.push(sections.ci ?? '<!-- scale:ci -->\n## CI-sized run\n\nNot run yet.\n<!-- /scale:ci -->');
  parts.push(sections.soak ?? '<!-- scale:soak -->\n## Soak run\n\nNot run yet: `npm run test:reliability`.\n<!-- /scale:soak -->');
  return `${parts.join('\n')}\n`;
}

function table(rows: readonly Record<string, string | number>[]): string[] {
  if (rows.length === 0) return ['(no rows)'];
  const columns = Object.keys(rows[0]!);
  return [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((c) => String(row[c] ?? '')).join(' | ')} |`),
  ];
}

function formatMs(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
