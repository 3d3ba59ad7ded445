// The bundle keeps only zod's English messages (src/build/bundle-for-node.ts): the schema still
// reports problems in English, and the other ~60 locales are not in the output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '../../src/build/bundle-for-node.js';
import { tempDir } from '../helpers/harness.js';

const dir = tempDir();
afterAll(() => dir.cleanup());

describe('the zod-english-only bundle plugin', () => {
  it('bundles the config schema with English messages and no other locale', async () => {
    const metafile = await bundleForNode(['src/config/config-file-schema.ts'], dir.dir);
    const locales = Object.keys(metafile.inputs).filter((input) => /^node_modules\/zod\/v4\/locales\/[^/]+\.js$/.test(input));
    expect(locales.map((input) => input.split('/').at(-1))).toEqual(['en.js']);
    const { ConfigFileSchema } = (await import(join(dir.dir, 'src/config/config-file-schema.js'))) as typeof import('../../src/config/config-file-schema.js');
    const parsed = ConfigFileSchema.safeParse({ sweep: { concurrency: 0 }, leadtime: '1d' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.message).sort()).toEqual(['Too small: expected number to be >=1', 'Unrecognized key: "leadtime"']);
    const output = Object.keys(metafile.outputs).filter((file) => file.endsWith('.js')).map((file) => readFileSync(file, 'utf8'));
    expect(output.some((text) => text.includes('Too small'))).toBe(true);
    expect(output.some((text) => text.includes('node_modules/zod/v4/locales/de.js'))).toBe(false);
  });
});
