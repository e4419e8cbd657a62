import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliReference } from '../../src/cli/cli-reference.js';

describe('docs/cli.md', () => {
  it('is what the command table generates (run `npm run docs:cli` after changing a command)', () => {
    expect(readFileSync('docs/cli.md', 'utf8')).toBe(cliReference());
  });
});
