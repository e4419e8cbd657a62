import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configTable } from '../src/config-table.js';
import { COMMANDS } from '../src/cli/commands.js';

const readme = readFileSync('README.md', 'utf8');

describe('README.md', () => {
  it('starts with the two commands that set everything up', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toMatch(/^npm test\b/m);
  });

  it('documents every configuration variable exactly as the code defines it', () => {
    expect(readme).toContain(configTable().trim());
  });

  it('lists every CLI command', () => {
    for (const name of Object.keys(COMMANDS)) expect(readme).toContain(`airlock ${name}`);
  });
});
