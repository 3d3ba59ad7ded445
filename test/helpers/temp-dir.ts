// Fresh temporary directories for test databases and files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
