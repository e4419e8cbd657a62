import { describe, expect, it } from 'vitest';
import { summaryExtremes } from '../../src/checks/summary-extremes.js';
import { summaryKind } from '../../src/outputs/summary/summary-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const run = (statistic: string, p?: number) => summaryExtremes.run(parseAs(summaryKind, { statistics: [{ name: 'age', statistic, n: 500, value: 18, ...(p === undefined ? {} : { p }) }] }), params(), ctx);

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

  it('never echoes the value and suggests percentiles', () => {
    const [f] = run('max');
    expect(f.items).toEqual([{ ref: 'statistics[0] (age max)', value: null, reason: "the max is a single record's value" }]);
    expect(f.remedy).toMatch(/^Report percentiles/);
  });
});
