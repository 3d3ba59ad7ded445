// The README's library example must run as written (only the package import is pointed at the source).
import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { tempDir } from './helpers/harness.js';

const root = resolve(import.meta.dirname, '..');
// tsx resolved from this repository, since the example runs from a temp dir outside it.
const tsxLoader = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

describe('README', () => {
  it('runs the library example and prints what its comments say', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Library API'));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toBeDefined();
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'example.mts');
      writeFileSync(file, code!.replace("from 'holdfast'", `from ${JSON.stringify(join(root, 'src/index.ts'))}`));
      const out = execFileSync(process.execPath, ['--import', tsxLoader, file], { cwd: dir, encoding: 'utf8' });
      const lines = out.trim().split('\n');
      expect(lines[0]).toBe('authorized 2026-02-02T00:00:00.000Z');
      expect(lines[1]).toBe('partially_captured 4500');
      expect(lines[2]).toBe('∅ → authorizing, authorizing → authorized, authorized → capturing, capturing → partially_captured');
    } finally {
      cleanup();
    }
  });
});
