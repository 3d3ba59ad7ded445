// The README's CLI examples are what the CLI prints: regenerated in memory (in-process, fixed clock,
// fake gateway, fresh database) and compared with README.md. On a difference, run
// `npm run readme:examples` and review the change it makes to README.md.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderReadme, replaceExampleBlocks } from '../src/build/readme-examples.js';

const README = resolve(import.meta.dirname, '../README.md');

describe('README CLI examples', () => {
  it('match what the CLI prints (npm run readme:examples rewrites them)', async () => {
    const current = readFileSync(README, 'utf8');
    expect(current).toContain('<!-- example:list -->');
    expect(await renderReadme(README)).toBe(current);
  });

  it('refuses a README block the generator does not make, and a block it makes that the README lacks', () => {
    const block = (name: string) => `<!-- example:${name} -->\n\`\`\`\nold\n\`\`\`\n<!-- /example -->`;
    expect(replaceExampleBlocks(`a\n${block('list')}\nb`, new Map([['list', '$ holdfast list']]))).toBe('a\n<!-- example:list -->\n```\n$ holdfast list\n```\n<!-- /example -->\nb');
    expect(() => replaceExampleBlocks(block('nope'), new Map())).toThrow(/"nope"/);
    expect(() => replaceExampleBlocks('', new Map([['list', 'x']]))).toThrow(/example:list/);
  });
});
