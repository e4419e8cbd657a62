import { describe, expect, it } from 'vitest';
import { summaryMinCount } from '../../src/checks/summary-min-count.js';
import { summaryKind } from '../../src/outputs/summary/summary-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const summary = (...ns: number[]) => parseAs(summaryKind, { statistics: ns.map((n) => ({ name: 'bmi', statistic: 'median', n, value: 27 })) });

describe('min_count on summaries', () => {
  it.each([
    [10, 10, 'pass'],
    [9, 10, 'fail'],
    [20, 20, 'pass'],
    [19, 20, 'fail'],
  ])('n %i with threshold %i: %s', (n, threshold, status) => {
    const [f] = summaryMinCount.run(summary(n), params({ threshold }), ctx);
    expect(f).toMatchObject({ check: 'min_count', status });
  });

  it('names each small statistic', () => {
    const [f] = summaryMinCount.run(summary(50, 3), params(), ctx);
    expect(f.items).toEqual([{ ref: 'statistics[1] (bmi median)', value: 3, reason: 'n 3 < threshold 10' }]);
    expect(f.message).toBe('1 statistic is computed from fewer than 10 records.');
    expect(f.remedy).toContain('at least 10 records');
  });
});
