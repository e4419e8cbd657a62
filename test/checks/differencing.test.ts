import { describe, expect, it } from 'vitest';
import { compareTables, differencing, planComparison, prepareTable } from '../../src/checks/differencing.js';
import type { PublishedTable } from '../../src/outputs/table/published-table.js';
import { populationTotal } from '../../src/outputs/table/published-table.js';
import type { FailedComparison } from '../../src/checks/differencing/findings.js';
import { MAX_DETAILED_COMPARISONS, differencingFindings, differencingRemedy } from '../../src/checks/differencing/findings.js';
import { tableKind } from '../../src/outputs/table/table-kind.js';
import { ctx, params, repeat, tinyTable } from '../helpers/tiny-table.js';

/** A table from `"a|x": count` entries; the labels follow `dims` in order. */
function tab(dims: string[], counts: Record<string, number>, value?: (count: number) => number): PublishedTable {
  return {
    dims,
    cells: Object.entries(counts).map(([key, count]) => {
      const parts = key.split('|');
      return { labels: Object.fromEntries(dims.map((d, i) => [d, parts[i]!])), count, value: value ? value(count) : count };
    }),
  };
}

/** Failing cells as "labels (in `a`'s dims order): difference", sorted. */
function diffs(a: PublishedTable, b: PublishedTable, threshold = 10): string[] | null {
  const r = compareTables(prepareTable(a), prepareTable(b), threshold);
  return r === null ? null : r.map((d) => `${a.dims.map((v) => d.labels[v]).join('|')}: ${d.difference}${d.collapsed ? ' collapsed' : ''}`).sort();
}

describe('differencing: cell comparison', () => {
  it.each([
    ['no difference', 0, []],
    ['a difference of exactly the threshold', 10, []],
    ['more than the threshold', 11, []],
    ['threshold − 1', 9, ['All: 9', 'F: 9']],
    ['one record', 1, ['All: 1', 'F: 1']],
    ['the other table larger', -3, ['All: -3', 'F: -3']],
  ])('%s (F differs by %i): %j', (_name, d, expected) => {
    expect(diffs(tab(['sex'], { F: 40, M: 30 }), tab(['sex'], { F: 40 - d, M: 30 }))).toEqual(expected);
  });

  it.each([
    ['threshold 20: a difference of 19 fails', 20, 19, ['All: 19', 'F: 19']],
    ['threshold 20: a difference of 20 passes', 20, 20, []],
    ['threshold 1: nothing can fail', 1, 1, []],
  ])('%s', (_name, threshold, d, expected) => {
    expect(diffs(tab(['sex'], { F: 40, M: 30 }), tab(['sex'], { F: 40 - d, M: 30 }), threshold)).toEqual(expected);
  });

  it('compares margins: interior cells far apart, a row total and the grand total close', () => {
    const a = tab(['r', 'c'], { 'a|x': 40, 'b|x': 30, 'a|y': 20, 'b|y': 20, 'a|All': 60, 'b|All': 50, 'All|x': 70, 'All|y': 40, 'All|All': 110 });
    const b = tab(['r', 'c'], { 'a|x': 25, 'b|x': 43, 'a|y': 20, 'b|y': 20, 'a|All': 45, 'b|All': 63, 'All|x': 68, 'All|y': 40, 'All|All': 108 });
    expect(diffs(a, b)).toEqual(['All|All: 2', 'All|x: 2']);
  });

  it('compares the margins an attacker can add up even when neither table publishes them', () => {
    const a = tab(['r', 'c'], { 'a|x': 40, 'b|x': 30, 'a|y': 20, 'b|y': 20 });
    const b = tab(['r', 'c'], { 'a|x': 25, 'b|x': 43, 'a|y': 20, 'b|y': 20 });
    expect(diffs(a, b)).toEqual(['All|All: 2', 'All|x: 2']);
  });

  it('reads a two-variable axis margin ({ a: "All", b: "" }) as summed out over both', () => {
    const t = tinyTable([...repeat(12, { r: 'a', s: 'p', c: 'x' }), ...repeat(15, { r: 'b', s: 'q', c: 'x' })], { index: ['r', 's'], columns: 'c', margins: true });
    const a = tableKind.releasable!(t) as PublishedTable;
    expect(a.cells.find((c) => c.labels.r === 'All')?.labels).toEqual({ r: 'All', s: '', c: 'x' });
    expect(populationTotal(a)).toBe(27);
    expect(prepareTable(a).irregular).toEqual([]);
  });

  it.each([
    ['different dimension variables', tab(['sex'], { F: 40, M: 30 }), tab(['region'], { N: 37, S: 30 })],
    ['more dimension variables', tab(['sex'], { F: 40, M: 30 }), tab(['sex', 'region'], { 'F|N': 37, 'M|N': 30 })],
    ['disjoint categories', tab(['sex', 'region'], { 'F|N': 40, 'M|N': 30 }), tab(['sex', 'region'], { 'F|S': 37, 'M|S': 30 })],
  ])('%s: no cell comparison', (_name, a, b) => {
    expect(diffs(a, b)).toBeNull();
  });

  it('collapses to the common categories: a table with a site more compares on the sites both have', () => {
    const all = tab(['site'], { s1: 20, s2: 30, s3: 40 });
    expect(diffs(all, tab(['site'], { s1: 20, s2: 30 }))).toEqual([]);
    expect(diffs(all, tab(['site'], { s1: 20, s2: 27 }))).toEqual(['All: 3 collapsed', 's2: 3']);
  });

  it('collapsed margins are marked in the findings as summed over the shared categories', () => {
    const a = prepareTable(tab(['site'], { s1: 20, s2: 30, s3: 40 }));
    const b = prepareTable(tab(['site'], { s1: 20, s2: 27 }));
    const plan = planComparison(a.layout, b.layout);
    expect(plan?.same).toBe(false);
    expect(compareTables(a, b, 10, plan)?.find((d) => d.collapsed)).toEqual({ labels: { site: 'All' }, count: 50, other: 47, difference: 3, collapsed: true });
  });

  it('compares counts, not values, of magnitude tables', () => {
    const a = tab(['sex'], { F: 40, M: 30 }, (n) => n * 1000);
    const b = tab(['sex'], { F: 40, M: 30 }, (n) => n * 1001);
    expect(diffs(a, b)).toEqual([]);
    expect(diffs(a, tab(['sex'], { F: 38, M: 30 }, (n) => n * 1000))).toEqual(['All: 2', 'F: 2']);
  });

  it('compares a published margin that is not the sum of its cells as published', () => {
    const a = tab(['sex'], { F: 40, M: 30, All: 73 });
    const b = tab(['sex'], { F: 40, M: 30, All: 70 });
    expect(prepareTable(a).irregular).toEqual([{ pos: 2, count: 73 }]);
    expect(prepareTable(a).total).toBe(73);
    expect(diffs(a, b)).toEqual(['All: 3']);
  });

  it('is symmetric in the cells it flags', () => {
    const a = tab(['r', 'c'], { 'a|x': 40, 'b|x': 30, 'a|y': 20, 'b|y': 20 });
    const b = tab(['r', 'c'], { 'a|x': 36, 'b|x': 30, 'a|y': 20, 'b|y': 20 });
    expect(diffs(a, b)).toEqual(diffs(b, a)!.map((s) => s.replace(': -', ': ')));
  });
});

describe('differencing: population totals', () => {
  it.each([
    ['the grand-total cell', tab(['sex'], { F: 40, M: 30, All: 70 }), 70],
    ['the sum of the interior cells without margins', tab(['sex', 'region'], { 'F|N': 40, 'M|N': 30, 'F|S': 5, 'M|S': 15 }), 90],
    ['the sum of the interior cells with one-way margins only', tab(['sex', 'region'], { 'F|N': 40, 'M|N': 30, 'F|All': 40, 'M|All': 30 }), 70],
  ])('%s', (_name, t, total) => {
    expect(populationTotal(t)).toBe(total);
    expect(prepareTable(t).total).toBe(total);
  });
});

describe('differencing: findings', () => {
  const failed = (over: Partial<FailedComparison> = {}): FailedComparison => ({
    source: { output: 'by-sex-2' },
    differences: [{ layer: 'group', labels: { sex: 'f' }, mine: 40, other: 37, difference: 3 }],
    ...over,
  });

  it('passes when something was compared and nothing differs disclosively', () => {
    expect(differencingFindings(true, 2, [], { population: 'cohort', threshold: 10 })).toEqual([
      { check: 'differencing', status: 'pass', message: 'Compared with 2 other outputs of population "cohort" by labels: no group, total or contributor set differs by between 1 and 9.', remedy: '' },
    ]);
  });

  it('finds nothing when nothing was comparable', () => {
    expect(differencingFindings(true, 0, [], { population: 'cohort', threshold: 10 })).toEqual([]);
  });

  it('names the other output of the request, the group and the size of the difference', () => {
    const [f] = differencingFindings(true, 1, [failed()], { population: 'cohort', threshold: 10 });
    expect(f).toEqual({
      check: 'differencing',
      status: 'fail',
      message: 'A group of this output and of output "by-sex-2" in this request differ by between 1 and 9 units or contributors. Subtracting one from the other would reveal a group of fewer than 10.',
      remedy: differencingRemedy(10, false),
      cells: [{ labels: { sex: 'f' }, value: null, count: 40, reason: '40 in this group, 37 in the same group of output "by-sex-2" in this request (0 < 3 < threshold 10)' }],
      related: [{ output: 'by-sex-2' }],
    });
  });

  it('names the earlier decision, and whether it awaits review', () => {
    const [f] = differencingFindings(true, 1, [failed({ source: { output: 'by-region', decision_id: 'd-1', pending: true } })], { population: 'cohort', threshold: 10 });
    expect(f!.related).toEqual([{ output: 'by-region', decision_id: 'd-1' }]);
    expect(f!.message).toMatch(/output "by-region" awaiting review in decision d-1/);
    expect(f!.remedy).toBe(differencingRemedy(10, true));
  });

  it('names plot items and summary statistics by their reference, never a unit', () => {
    const [f] = differencingFindings(false, 1, [failed({ differences: [{ layer: 'count', labels: {}, ref: 'statistics[0] (age mean)', mine: 199, other: 200, difference: -1, measure: 'age' }] })], { population: 'cohort', threshold: 10 });
    expect(f!.items).toEqual([{ ref: 'statistics[0] (age mean)', value: 199, reason: expect.stringMatching(/^199 contributors of age, 200 in output "by-sex-2"/) }]);
  });

  it(`details the first ${MAX_DETAILED_COMPARISONS} failed comparisons and summarises the rest`, () => {
    const many = Array.from({ length: MAX_DETAILED_COMPARISONS + 3 }, (_, i) => failed({ source: { output: 't', decision_id: `d-${i}` } }));
    const found = differencingFindings(true, many.length, many, { population: 'cohort', threshold: 10 });
    expect(found).toHaveLength(MAX_DETAILED_COMPARISONS + 1);
    expect(found.every((f) => f.status === 'fail')).toBe(true);
    expect(found.at(-1)).toMatchObject({ related: [20, 21, 22].map((i) => ({ output: 't', decision_id: `d-${i}` })), message: expect.stringMatching(/from 3 more outputs/) });
  });
});

describe('differencing: the registry entry', () => {
  it('finds nothing on one output alone (the pipeline step compares across outputs)', () => {
    expect(differencing.run(tinyTable(repeat(12, { r: 'a', c: 'x' }), { index: 'r', columns: 'c' }), params(), ctx)).toEqual([]);
  });
});
