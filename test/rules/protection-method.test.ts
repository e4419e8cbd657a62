/**
 * `protection: round` (rounding alone) is refused at load where the threshold exceeds the
 * rounding base, in the default or through a project override; and weakening the method or
 * changing the scheme is what lint and floors see.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AirlockError } from '../../src/errors.js';
import { loadRuleset } from '../../src/rules/load-ruleset.js';
import { compareParameter } from '../../src/rules/protection-direction.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const tmp = tempDirs('airlock-protection-method-');

function rulesDir(defaults: string, projects: Record<string, string> = {}): string {
  const dir = tmp();
  mkdirSync(join(dir, 'projects'));
  writeFileSync(join(dir, 'default.yaml'), `name: t\nversion: "1"\nparameters:\n${defaults}checks:\n  table: [min_count, zeros]\n`);
  for (const [name, text] of Object.entries(projects)) writeFileSync(join(dir, 'projects', `${name}.yaml`), `project: ${name}\nparameters:\n${text}`);
  return dir;
}

function loadError(dir: string): AirlockError {
  try {
    loadRuleset(dir);
  } catch (e) {
    if (e instanceof AirlockError) return e;
    throw e;
  }
  throw new Error('expected RULES_INVALID');
}

describe('protection method', () => {
  it('defaults to suppression with nearest rounding', () => {
    expect(loadRuleset('rules').resolve('p').params).toMatchObject({ protection: 'suppress', rounding_scheme: 'nearest', round_base: 5 });
  });

  it('refuses rounding alone where threshold > round_base, and accepts it where threshold ≤ round_base', () => {
    const e = loadError(rulesDir('  threshold: 10\n  round_base: 5\n  protection: round\n'));
    expect(e.code).toBe('RULES_INVALID');
    expect(e.message).toMatch(/\/parameters\/protection protection: round .* threshold \(10\) is at most round_base \(5\)/);
    expect(loadRuleset(rulesDir('  threshold: 5\n  round_base: 5\n  protection: round\n')).resolve('p').params.protection).toBe('round');
    expect(loadRuleset(rulesDir('  threshold: 10\n  protection: both\n  rounding_scheme: midpoint6\n')).resolve('p').params).toMatchObject({ protection: 'both', rounding_scheme: 'midpoint6' });
  });

  it('refuses a project override that makes rounding alone unsafe, naming the project', () => {
    const ok = rulesDir('  threshold: 5\n  round_base: 5\n  protection: round\n', { lax: '  round_base: 10\n' });
    expect(loadRuleset(ok).resolve('lax').params.round_base).toBe(10);
    const bad = rulesDir('  threshold: 5\n  round_base: 5\n  protection: round\n', { strict: '  threshold: 10\n' });
    const e = loadError(bad);
    expect(e.message).toMatch(/strict\.yaml: \/parameters\/protection project strict: protection: round/);
    const viaMethod = rulesDir('  threshold: 10\n', { rounder: '  protection: round\n' });
    expect(loadError(viaMethod).message).toMatch(/project rounder/);
  });

  it('ranks methods from rounding alone (weakest) to both; schemes are not ranked', () => {
    expect(compareParameter('protection', 'suppress', 'round').effect).toBe('weakens');
    expect(compareParameter('protection', 'suppress', 'both').effect).toBe('strengthens');
    expect(compareParameter('protection', 'both', 'suppress').effect).toBe('weakens');
    expect(compareParameter('rounding_scheme', 'nearest', 'midpoint6').effect).toBe('unknown');
  });

  it('refuses an unknown method or scheme by schema', () => {
    expect(loadError(rulesDir('  protection: perturb\n')).code).toBe('RULES_INVALID');
    expect(loadError(rulesDir('  rounding_scheme: banker\n')).code).toBe('RULES_INVALID');
  });
});
