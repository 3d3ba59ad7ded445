// Every error code the source can raise is documented in the README's "Error codes" section, and
// every code documented there is one the source uses: the table cannot drift from the code.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

// The simulator speaks gateways' wire formats (their codes, not holdfast's); the build tooling raises none.
const SOURCES = ['src', 'machines', 'db'].flatMap(sourceFiles).filter((f) => !f.startsWith('src/simulator/') && !f.startsWith('src/build/'));

/** Codes raised (`new …Error('CODE'`, `super('CODE'`), refused (`code: 'CODE'`, unions of them) or chosen (`parseChoice(…, 'CODE')`). */
function raisedCodes(): Map<string, string> {
  const patterns = [
    /(?:new\s+\w*Error|super)\(\s*'([A-Z][A-Z0-9_]+)'/g,
    /\bcode:\s*('[A-Z][A-Z0-9_]+'(?:\s*\|\s*'[A-Z][A-Z0-9_]+')*)/g,
    /\bconstructor\(code:\s*('[A-Z][A-Z0-9_]+'(?:\s*\|\s*'[A-Z][A-Z0-9_]+')*)/g,
    /parseChoice\([^;]*?'([A-Z][A-Z0-9_]+)'\s*\)/g,
  ];
  const codes = new Map<string, string>();
  for (const file of SOURCES) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) for (const code of match[1]!.match(/[A-Z][A-Z0-9_]+/g) ?? []) if (!codes.has(code)) codes.set(code, file);
    }
  }
  return codes;
}

function errorCodesSection(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Error codes\n');
  expect(start).toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end);
}

describe('README error codes', () => {
  const codes = raisedCodes();
  const section = errorCodesSection();
  const tableCodes = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!);

  it('finds the codes the source raises', () => {
    for (const code of ['DATABASE_NOT_FOUND', 'DATABASE_NOT_INITIALIZED', 'SCHEMA_NOT_CURRENT', 'INVALID_ACT_BY', 'INVALID_STATE', 'INVALID_CURSOR', 'HOLDFAST_CLOSED', 'PORT_UNAVAILABLE', 'CONFIG_INVALID', 'GATEWAY_MISCONFIGURED', 'AMOUNT_EXCEEDS_AUTHORIZED', 'INVALID_TRANSITION']) {
      expect(codes.has(code), code).toBe(true);
    }
    expect(codes.size).toBeGreaterThan(45);
  });

  it('documents every code the source can raise', () => {
    const undocumented = [...codes].filter(([code]) => !section.includes(`\`${code}\``)).map(([code, file]) => `${code} (${file})`);
    expect(undocumented, 'add these to the Error codes section of README.md').toEqual([]);
  });

  it('lists each code once, and only codes the source uses', () => {
    expect(new Set(tableCodes).size).toBe(tableCodes.length);
    const all = SOURCES.map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');
    expect(tableCodes.filter((code) => !all.includes(`'${code}'`))).toEqual([]);
  });
});
