import { describe, expect, it } from 'vitest';
import { populationIndex, populationProblems } from '../../src/rules/populations.js';

describe('populations', () => {
  const pops = populationIndex({ cohort: ['cohort', 'Cohort-V2', 'cohort-2026-*'], registry: ['cancer-registry', 'reg-??'] }, { linked: ['registry'] });

  it.each([
    ['cohort', 'p:cohort'],
    ['COHORT-v2 ', 'p:cohort'],
    ['cohort-2026-03', 'p:cohort'],
    ['Cohort-2026-', 'p:cohort'],
    ['reg-01', 'p:registry'],
    ['reg-001', 'd:reg-001'],
    ['cohort-2025-01', 'd:cohort-2025-01'],
  ])('%s → %s', (dataset, key) => {
    expect(pops.resolve(dataset)).toMatchObject({ key });
  });

  it('places populations in unit namespaces (the default one unless listed)', () => {
    expect(pops.resolve('reg-01')).toMatchObject({ status: 'declared', namespace: 'linked' });
    expect(pops.resolve('cohort')).toMatchObject({ status: 'declared', namespace: 'default' });
    expect(pops.resolve('elsewhere')).toMatchObject({ status: 'undeclared', namespace: 'default', name: 'elsewhere' });
  });

  it('a declared name and an undeclared dataset of the same name are different populations', () => {
    const p = populationIndex({ cohort: ['cohort-v1'] }, {});
    expect(p.resolve('cohort-v1')).toMatchObject({ key: 'p:cohort' });
    expect(p.resolve('cohort')).toMatchObject({ key: 'd:cohort' });
  });

  it('a dataset two patterns claim is ambiguous, never silently one of them', () => {
    expect(populationIndex({ a: ['x-*'], b: ['*-y'] }, {}).resolve('x-y')).toEqual({ status: 'ambiguous', populations: ['a', 'b'] });
  });

  it('patterns match only what they say: no regular-expression syntax leaks through', () => {
    const p = populationIndex({ a: ['c.h+rt(1)'] }, {});
    expect(p.resolve('c.h+rt(1)')).toMatchObject({ key: 'p:a' });
    expect(p.resolve('cxhhrt1')).toMatchObject({ key: 'd:cxhhrt1' });
  });

  it('finds datasets claimed twice (names, and names matched by another pattern)', () => {
    expect(populationProblems({ a: ['x'], b: ['X '] }).map((p) => p.path)).toEqual(['/populations/b/0']);
    expect(populationProblems({ a: ['x-1'], b: ['x-*'] }).map((p) => p.path)).toEqual(['/populations/b/0']);
    expect(populationProblems({ a: ['x-1'], b: ['y-*'] })).toEqual([]);
  });
});
