/**
 * What the README and the pages it sends readers to promise, checked against the code: the
 * quick start's two commands, every configuration variable (docs/operations.md, generated from
 * src/config.ts), every CLI command, every error code (docs/api.md), every check id and rule
 * parameter (docs/sdc-semantics.md) and every `rules lint` code (docs/governance.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands.js';
import { configTable } from '../src/config-table.js';
import { CHECK_ID_VALUES } from '../src/domain.js';
import { ERRORS } from '../src/errors.js';
import { LINT_CODES } from '../src/governance/lint-rules.js';
import { PARAMETER_MEANINGS } from '../src/rules/parameter-docs.js';

const readme = readFileSync('README.md', 'utf8');
const doc = (name: string) => readFileSync(`docs/${name}`, 'utf8');

describe('README.md', () => {
  it('starts with the two commands that set everything up', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toMatch(/^npm test\b/m);
  });

  it('sends readers to every guide', () => {
    for (const page of ['api', 'audit', 'governance', 'output-checking', 'operations', 'cli', 'sdc-semantics', 'README']) {
      expect(readme).toContain(`(docs/${page}.md)`);
    }
    expect(readme).toContain('(examples/README.md)');
  });
});

describe('the guides', () => {
  it('docs/operations.md documents every configuration variable exactly as the code defines it', () => {
    expect(doc('operations.md')).toContain(configTable().trim());
  });

  it('docs/cli.md lists every CLI command', () => {
    for (const name of Object.keys(COMMANDS)) expect(doc('cli.md')).toContain(`airlock ${name}`);
  });

  it('docs/api.md lists every error code with its status', () => {
    const api = doc('api.md');
    for (const [code, { status }] of Object.entries(ERRORS)) expect(api).toContain(`| \`${code}\` | ${status} |`);
  });

  it('docs/sdc-semantics.md states every check and every rule parameter', () => {
    const semantics = doc('sdc-semantics.md');
    for (const id of CHECK_ID_VALUES) expect(semantics).toContain(`\`${id}\``);
    for (const name of Object.keys(PARAMETER_MEANINGS)) expect(semantics).toContain(`| \`${name}\` |`);
  });

  it('docs/governance.md explains every rules lint code', () => {
    const governance = doc('governance.md');
    for (const code of Object.keys(LINT_CODES)) expect(governance).toContain(`| \`${code}\` |`);
  });
});
