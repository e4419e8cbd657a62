import { describe, expect, it } from 'vitest';
import { summaryExtremes } from '../../src/checks/summary-extremes.js';
import { summaryKind } from '../../src/outputs/summary/summary-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const run = (statistic: string, p?: number, n = 500, threshold = 10) =>
  summaryExtremes.run(parseAs(summaryKind, { statistics: [{ name: 'age', statistic, n, value: 18, ...(p === undefined ? {} : { p }) }] }), params({ threshold }), ctx);

describe('extremes on summaries', () => {
  it.each([
    ['min', undefined, 'fail'],
    ['max', undefined, 'fail'],
    ['percentile', 0, 'fail'],
    ['percentile', 100, 'fail'],
    ['percentile', 5, 'pass'],
    ['percentile', 95, 'pass'],
    ['mean', undefined, 'pass'],
    ['sd', undefined, 'pass'],
    ['median', undefined, 'pass'],
  ])('%s %s: %s', (statistic, p, status) => {
    const [f] = run(statistic, p);
    expect(f).toMatchObject({ check: 'extremes', status });
  });

  it.each([
    // n · min(q, 100 − q) / 100 < threshold fails; equal passes
    ['the 0.01st percentile of 500 values', 0.01, 500, 'fail'],
    ['the 99.99th percentile of 500 values', 99.99, 500, 'fail'],
    ['the 1st percentile of 999 values (9.99)', 1, 999, 'fail'],
    ['the 1st percentile of 1000 values (exactly 10)', 1, 1000, 'pass'],
    ['the 99th percentile of 1000 values (exactly 10)', 99, 1000, 'pass'],
    ['the 99.93rd percentile of 14286 values (10.0002)', 99.93, 14286, 'pass'],
    ['the 99.93rd percentile of 14285 values (9.9995)', 99.93, 14285, 'fail'],
    ['the 0.07th percentile of 14286 values (10.0002)', 0.07, 14286, 'pass'],
    ['the 0.1st percentile of 10000 values (exactly 10, 0.1 inexact in binary)', 0.1, 10000, 'pass'],
    ['the 0.1st percentile of 9999 values', 0.1, 9999, 'fail'],
    ['the 5th percentile of 200 values (exactly 10)', 5, 200, 'pass'],
    ['the 5th percentile of 199 values', 5, 199, 'fail'],
  ])('%s: %s', (_what, p, n, status) => {
    expect(run('percentile', p, n)[0]).toMatchObject({ status });
  });

  it.each([
    [20, 'pass'],
    [19, 'fail'],
    [15, 'fail'],
  ])('the median of %i values (threshold 10): %s', (n, status) => {
    expect(run('median', undefined, n)[0]).toMatchObject({ status });
  });

  it('follows the threshold in force', () => {
    expect(run('median', undefined, 39, 20)[0]!.status).toBe('fail');
    expect(run('median', undefined, 40, 20)[0]!.status).toBe('pass');
  });

  it('says why a percentile fails, in numbers', () => {
    expect(run('percentile', 0.01, 500)[0]!.items).toEqual([
      { ref: 'statistics[0] (age p0.01)', value: 500, reason: 'n 500 · 0.01 / 100 < threshold 10: percentile 0.01 lies among the 10 most extreme values' },
    ]);
  });

  it('never echoes the value and suggests percentiles', () => {
    const [f] = run('max');
    expect(f.items).toEqual([{ ref: 'statistics[0] (age max)', value: null, reason: "the max is a single record's value" }]);
    expect(f.remedy).toMatch(/^Report percentiles/);
  });
});
