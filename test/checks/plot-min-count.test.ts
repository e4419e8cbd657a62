import { describe, expect, it } from 'vitest';
import { plotMinCount } from '../../src/checks/plot-min-count.js';
import { plotKind } from '../../src/outputs/plot/plot-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const run = (fields: Record<string, unknown>, threshold = 10) => plotMinCount.run(parseAs(plotKind, fields), params({ threshold }), ctx);
const hist = (...counts: number[]) => ({ type: 'histogram', bins: counts.map((count, i) => ({ from: i * 10, to: i * 10 + 10, count })) });
const km = (...steps: [number, number, number, number][]) => ({ type: 'kaplan_meier', steps: steps.map(([time, at_risk, events, censored]) => ({ time, at_risk, events, censored })) });

describe('min_count on plots', () => {
  it.each([
    ['histogram bin of 10', hist(10, 25), 10, 'pass'],
    ['histogram bin of 9', hist(9, 25), 10, 'fail'],
    ['histogram bin of 20, threshold 20', hist(20), 20, 'pass'],
    ['histogram bin of 19, threshold 20', hist(19), 20, 'fail'],
    ['bar of 10', { type: 'bar', categories: [{ label: 'a', count: 10 }] }, 10, 'pass'],
    ['bar of 9', { type: 'bar', categories: [{ label: 'a', count: 9 }] }, 10, 'fail'],
    ['slice of 9', { type: 'pie', categories: [{ label: 'a', count: 9 }, { label: 'b', count: 40 }] }, 10, 'fail'],
    ['10 at risk', km([0, 10, 0, 0]), 10, 'pass'],
    ['9 at risk at the end', km([0, 30, 10, 11], [5, 9, 0, 0]), 10, 'fail'],
    ['a point of n 10', { type: 'scatter', points: [{ x: 0, y: 0, n: 10 }] }, 10, 'pass'],
    ['a point of n 9', { type: 'scatter', points: [{ x: 0, y: 0, n: 9 }] }, 10, 'fail'],
    ['a point without n', { type: 'scatter', points: [{ x: 0, y: 0 }] }, 10, 'fail'],
    ['a box of 10', { type: 'box', n: 10, whisker_low: 0, q1: 1, median: 2, q3: 3, whisker_high: 4, outliers: [] }, 10, 'pass'],
    ['a box of 9', { type: 'box', n: 9, whisker_low: 0, q1: 1, median: 2, q3: 3, whisker_high: 4, outliers: [] }, 10, 'fail'],
  ])('%s: %s', (_what, fields, threshold, status) => {
    const [f] = run(fields, threshold);
    expect(f).toMatchObject({ check: 'min_count', status });
  });

  it('lists the failing bins and proposes the merge', () => {
    const [f] = run({ type: 'histogram', bins: [{ from: 0, to: 5, count: 4 }, { from: 5, to: 10, count: 7 }, { from: 10, to: 15, count: 30 }] });
    expect(f.items).toEqual([
      { ref: 'bins[0] [0, 5)', value: 4, reason: 'count 4 < threshold 10' },
      { ref: 'bins[1] [5, 10)', value: 7, reason: 'count 7 < threshold 10' },
    ]);
    expect(f.message).toBe('2 bins of the histogram plot have fewer than 10 records.');
    expect(f.remedy).toBe('Use coarser bins so every bin holds at least 10 records: merge [0, 5) and [5, 10) into [0, 10) (the protected version of this plot does this).');
  });

  it('names small bars and proposes merging them into Other', () => {
    const [f] = run({ type: 'bar', categories: [{ label: 'north', count: 30 }, { label: 'south', count: 3 }, { label: 'east', count: 8 }] });
    expect(f.items?.map((i) => i.ref)).toEqual(['categories[1] "south"', 'categories[2] "east"']);
    expect(f.remedy).toContain('Merge "south", "east" into one category ("Other")');
  });

  it('names the Kaplan-Meier times with too few at risk, and where to stop', () => {
    const [f] = run(km([0, 30, 10, 0], [4, 20, 10, 1], [9, 9, 0, 0]));
    expect(f.items).toEqual([{ ref: 'steps[2] (time 9)', value: 9, reason: 'at_risk 9 < threshold 10' }]);
    expect(f.remedy).toContain('stop the curve after the interval starting at time 4');
  });

  it('never names a scatter point by its coordinates', () => {
    const [f] = run({ type: 'scatter', points: [{ x: 41.5, y: 1.9 }] });
    expect(f.items).toEqual([{ ref: 'points[0]', value: 1, reason: 'n 1 < threshold 10' }]);
    expect(JSON.stringify(f)).not.toContain('41.5');
  });

  it('says when a plot cannot be saved by merging', () => {
    const [f] = run(hist(3, 4));
    expect(f.remedy).toMatch(/fewer than 10 records in total/);
  });
});
