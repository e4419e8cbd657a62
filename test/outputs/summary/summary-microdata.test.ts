import { describe, expect, it } from 'vitest';
import { groupMembers, groupSize } from '../../../src/lib/unit-membership.js';
import { summaryKind } from '../../../src/outputs/summary/summary-kind.js';
import { MALFORMED_MICRODATA } from '../../helpers/malformed-microdata.js';
import { expectCode, parseAs } from '../../helpers/parse-output.js';

/** ages 20, 22, …, 98 (40 values), bmi missing for the first 5 */
const rows = Array.from({ length: 40 }, (_, i) => ({ pid: `P${i % 30}`, age: 20 + 2 * i, bmi: i < 5 ? null : 20 + (i % 7) }));
const microdata = { format: 'json', data: rows };
const summary = (statistics: Record<string, unknown>[], spec: Record<string, unknown> = { values: ['age', 'bmi'] }) => parseAs(summaryKind, { microdata, spec, statistics });

describe('summary statistics from microdata', () => {
  it('computes n and the value of each statistic when they are not declared', () => {
    const s = summary([
      { name: 'age', statistic: 'mean' },
      { name: 'age', statistic: 'sd' },
      { name: 'age', statistic: 'median' },
      { name: 'age', statistic: 'percentile', p: 25 },
      { name: 'age', statistic: 'min' },
      { name: 'bmi', statistic: 'max' },
    ]);
    expect(s.statistics.map((x) => [x.statistic, x.n, +x.value.toFixed(4)])).toEqual([
      ['mean', 40, 59],
      ['sd', 40, 23.3809],
      ['median', 40, 59],
      ['percentile', 40, 39.5],
      ['min', 40, 20],
      ['max', 35, 26],
    ]);
    expect(s.units).toBeNull();
  });

  it('accepts declared values at their printed precision', () => {
    const s = summary([
      { name: 'age', statistic: 'mean', n: 40, value: 59.0 },
      { name: 'age', statistic: 'sd', value: 23.4 },
      { name: 'age', statistic: 'sd', value: 23.09 }, // population sd (n, not n − 1)
      { name: 'age', statistic: 'percentile', p: 25, value: 39 }, // type 1: the 10th value, 38… or 40: any definition between them
    ]);
    expect(s.statistics.map((x) => x.value)).toEqual([59, 23.4, 23.09, 39]);
  });

  it.each([
    ['a mean off by more than its printed precision', { name: 'age', statistic: 'mean', value: 59.2 }, '/outputs/0/statistics/0/value', 'mean of age: declared 59.2, the microdata gives 59 (not equal at the declared value\'s printed precision)'],
    ['a percentile no definition gives', { name: 'age', statistic: 'percentile', p: 25, value: 45 }, '/outputs/0/statistics/0/value', 'percentile 25 of age: declared 45, the microdata gives 39.5 (any common quantile definition gives between 38 and 40)'],
    ['an n that is not the number of values', { name: 'bmi', statistic: 'mean', n: 40 }, '/outputs/0/statistics/0/n', 'n: declared 40, the microdata gives 35'],
    ['a column outside spec.values', { name: 'weight', statistic: 'mean' }, '/outputs/0/statistics/0/name', 'weight" is not among spec.values (age, bmi)'],
  ])('%s → SUMMARY_INVALID naming both numbers', (_what, statistic, pointer, message) => {
    const e = expectCode(() => summary([statistic]), 'SUMMARY_INVALID');
    expect(e.details[0]!.pointer).toBe(pointer);
    expect(e.details[0]!.message).toContain(message);
  });

  it.each([
    ['microdata without a spec', { microdata, statistics: [{ name: 'age', statistic: 'mean' }] }],
    ['a spec without microdata', { spec: { values: 'age' }, statistics: [{ name: 'age', statistic: 'mean', n: 4, value: 1 }] }],
  ])('%s → SUMMARY_INVALID', (_what, fields) => {
    expectCode(() => parseAs(summaryKind, fields), 'SUMMARY_INVALID');
  });

  it.each(MALFORMED_MICRODATA)('microdata that is %s is SUMMARY_INVALID at the field', (_what, md, at) => {
    const e = expectCode(() => parseAs(summaryKind, { microdata: md, spec: { values: 'age' }, statistics: [{ name: 'age', statistic: 'mean' }] }), 'SUMMARY_INVALID');
    expect(e.details[0]?.pointer).toBe(`/outputs/0${at}`);
  });

  it('a column that is not numeric is the readers’ bad input', () => {
    expectCode(() => parseAs(summaryKind, { microdata, spec: { values: 'pid' }, statistics: [{ name: 'pid', statistic: 'mean' }] }), 'NON_NUMERIC_MEASURE');
  });

  it('with a unit column, n is the units with a value; each statistic is a group of every unit, its contributors those with a value', () => {
    const s = summary([{ name: 'age', statistic: 'mean' }, { name: 'bmi', statistic: 'mean', n: 35 }], { values: ['age', 'bmi'], unit: 'pid' });
    // 30 patients; bmi is missing for rows 0–4 (P0–P4), but P0–P4 have a second row (30–34) with a bmi
    expect(s.statistics.map((x) => x.n)).toEqual([30, 30]);
    expect(s.units?.values).toHaveLength(30);
    expect(groupSize(s.units!, 0)).toBe(30);
    expect(groupSize(s.units!.contributors!, 1)).toBe(30);
  });

  it('contributors leave out units without a value of the measure', () => {
    const data = { format: 'csv', data: 'pid,bmi\nA,20\nB,\nC,22\n' };
    const s = parseAs(summaryKind, { microdata: data, spec: { values: 'bmi', unit: 'pid' }, statistics: [{ name: 'bmi', statistic: 'mean' }] });
    expect(s.statistics[0]!.n).toBe(2);
    expect([...groupMembers(s.units!, 0)].map((u) => s.units!.values[u])).toEqual(['a', 'b', 'c']);
    expect([...groupMembers(s.units!.contributors!, 0)].map((u) => s.units!.values[u])).toEqual(['a', 'c']);
  });

  it('keeps replay evidence without microdata that parses back to the same statistics', () => {
    const s = summary([{ name: 'age', statistic: 'percentile', p: 5 }]);
    const evidence = summaryKind.evidence!(s) as Record<string, unknown>;
    expect(JSON.stringify(evidence)).not.toContain('P1');
    expect(parseAs(summaryKind, evidence).statistics).toEqual(s.statistics);
  });
});
