import { describe, expect, it } from 'vitest';
import { summaryKind } from '../../../src/outputs/summary/summary-kind.js';
import { expectCode, parseAs } from '../../helpers/parse-output.js';

const stat = (over: Record<string, unknown>) => ({ name: 'age', statistic: 'mean', n: 40, value: 51.3, ...over });

describe('summary kind: parsing', () => {
  it('reads every statistic', () => {
    const s = parseAs(summaryKind, {
      statistics: ['mean', 'sd', 'median', 'min', 'max'].map((statistic) => stat({ statistic })).concat([stat({ statistic: 'percentile', p: 95 })]),
    });
    expect(s.statistics.map((x) => [x.statistic, x.p])).toEqual([['mean', null], ['sd', null], ['median', null], ['min', null], ['max', null], ['percentile', 95]]);
    expect(s.statistics[0]).toEqual({ name: 'age', statistic: 'mean', p: null, n: 40, value: 51.3 });
  });

  it.each([
    ['no statistics', {}, '/outputs/0/statistics'],
    ['empty statistics', { statistics: [] }, '/outputs/0/statistics'],
    ['unknown statistic', { statistics: [stat({ statistic: 'mode' })] }, '/outputs/0/statistics/0/statistic'],
    ['percentile without p', { statistics: [stat({ statistic: 'percentile' })] }, '/outputs/0/statistics/0/p'],
    ['p above 100', { statistics: [stat({ statistic: 'percentile', p: 101 })] }, '/outputs/0/statistics/0/p'],
    ['p on a mean', { statistics: [stat({ p: 50 })] }, '/outputs/0/statistics/0/p'],
    ['negative n', { statistics: [stat({ n: -1 })] }, '/outputs/0/statistics/0/n'],
    ['n of 0', { statistics: [stat({ n: 0 })] }, '/outputs/0/statistics/0/n'],
    ['fractional n', { statistics: [stat({ n: 3.5 })] }, '/outputs/0/statistics/0/n'],
    ['no value', { statistics: [stat({ value: undefined })] }, '/outputs/0/statistics/0/value'],
    ['no name', { statistics: [stat({ name: '' })] }, '/outputs/0/statistics/0/name'],
  ])('%s → SUMMARY_INVALID', (_what, fields, pointer) => {
    const e = expectCode(() => parseAs(summaryKind, fields), 'SUMMARY_INVALID');
    expect(e.details[0].pointer).toBe(pointer);
  });
});
