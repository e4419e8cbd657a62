import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AirlockError } from '../../src/errors.js';
import { loadRuleset } from '../../src/rules/load-ruleset.js';
import { tempDir } from '../helpers/temp-dirs.js';

function rulesDir(files: Record<string, string>): string {
  const dir = tempDir('rules-');
  mkdirSync(join(dir, 'projects'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const base = `name: t\nversion: "1"\nparameters:\n  threshold: 10\nchecks:\n  table: [min_count, zeros]\n`;

function loadError(dir: string): AirlockError {
  try {
    loadRuleset(dir);
  } catch (e) {
    return e as AirlockError;
  }
  throw new Error('expected RULES_INVALID');
}

describe('loadRuleset', () => {
  it('loads the shipped rules with the sdc-rules.md defaults', () => {
    const r = loadRuleset('rules');
    const p = r.resolve('any-project').params;
    expect(p).toMatchObject({ threshold: 10, nk_n: 2, nk_k: 0.9, p: 0.1, zeros_are_disclosive: true, check_missing_values: false, dof_threshold: 10, round_base: 5 });
    expect(r.resolve('any-project').checks.table).toContain('min_count');
    expect(r.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('applies a project override and leaves other projects on the default', () => {
    const dir = rulesDir({ 'default.yaml': base, 'projects/strict.yaml': 'project: strict\nparameters:\n  threshold: 20\n' });
    const r = loadRuleset(dir);
    expect(r.resolve('strict').params.threshold).toBe(20);
    expect(r.resolve('strict').override).toBe('strict');
    expect(r.resolve('other').params.threshold).toBe(10);
  });

  it('gives the same digest for the same rules and a different one when a parameter changes', () => {
    const a = loadRuleset(rulesDir({ 'default.yaml': base })).digest;
    const b = loadRuleset(rulesDir({ 'default.yaml': base.replace('threshold: 10', 'threshold:   10') })).digest;
    const c = loadRuleset(rulesDir({ 'default.yaml': base.replace('threshold: 10', 'threshold: 11') })).digest;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it.each([
    ['an unknown parameter', base.replace('threshold: 10', 'treshold: 10'), /default\.yaml.*\/parameters.*treshold/],
    ['a parameter out of range', base.replace('threshold: 10', 'threshold: 0'), /default\.yaml.*\/parameters\/threshold/],
    ['an unknown check id', base.replace('zeros]', 'zeroes]'), /default\.yaml.*\/checks\/table\/1/],
    ['a missing version', base.replace('version: "1"\n', ''), /default\.yaml.*version/],
    ['broken YAML', 'name: [unclosed', /default\.yaml: not valid YAML/],
    ['an expression string where a number belongs', base.replace('threshold: 10', 'threshold: "n > 3"'), /\/parameters\/threshold/],
  ])('refuses %s, naming the file and the path', (_n, text, message) => {
    const e = loadError(rulesDir({ 'default.yaml': text }));
    expect(e.code).toBe('RULES_INVALID');
    expect(e.message).toMatch(message);
  });

  it('refuses a bad override, naming its file', () => {
    const e = loadError(rulesDir({ 'default.yaml': base, 'projects/x.yaml': 'project: x\nparameters:\n  nk_k: 1.5\n' }));
    expect(e.message).toMatch(/projects\/x\.yaml.*\/parameters\/nk_k/);
  });

  it('refuses two overrides for one project', () => {
    const e = loadError(rulesDir({ 'default.yaml': base, 'projects/a.yaml': 'project: x\n', 'projects/b.yaml': 'project: x\n' }));
    expect(e.message).toMatch(/already has overrides/);
  });

  it('refuses a directory without default rules', () => {
    expect(loadError(rulesDir({})).code).toBe('RULES_INVALID');
  });
});
