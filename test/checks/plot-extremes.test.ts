import { describe, expect, it } from 'vitest';
import { plotExtremes } from '../../src/checks/plot-extremes.js';
import { plotKind } from '../../src/outputs/plot/plot-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const run = (fields: Record<string, unknown>) => plotExtremes.run(parseAs(plotKind, fields), params(), ctx);
const hist = (edges?: boolean) => ({ type: 'histogram', bins: [{ from: 0, to: 1, count: 20 }], ...(edges === undefined ? {} : { edges_from_data: edges }) });
const box = (over: Record<string, unknown>) => ({ type: 'box', n: 40, whisker_low: 1, q1: 3, median: 5, q3: 7, whisker_high: 9, outliers: [], ...over });

describe('extremes on plots', () => {
  it.each([
    ['histogram, edges_from_data false', hist(false), 'pass'],
    ['histogram, edges_from_data true', hist(true), 'review'],
    ['histogram, edges undeclared (counts as true)', hist(), 'review'],
    ['box at percentiles, no outliers', box({ whiskers_at_extremes: false }), 'pass'],
    ['box with whiskers at the extremes', box({ whiskers_at_extremes: true }), 'fail'],
    ['box, whiskers undeclared (counts as true)', box({}), 'fail'],
    ['box with outliers', box({ whiskers_at_extremes: false, outliers: [0.5, 20] }), 'fail'],
  ])('%s: %s', (_what, fields, status) => {
    const [f] = run(fields);
    expect(f).toMatchObject({ check: 'extremes', status });
  });

  it('tells the histogram author to choose the edges', () => {
    const [f] = run(hist());
    expect(f.items?.map((i) => i.ref)).toEqual(['bins[0].from', 'bins[0].to']);
    expect(f.remedy).toContain('edges_from_data: false');
  });

  it('counts outliers without echoing them', () => {
    const [f] = run(box({ whiskers_at_extremes: false, outliers: [0.5, 20] }));
    expect(f.items).toEqual([{ ref: 'outliers', value: 2, reason: "2 plotted outlier(s), each a single record's value" }]);
    expect(f.remedy).toContain('whiskers at percentiles');
    expect(JSON.stringify(f)).not.toContain('0.5');
  });

  it.each([
    { type: 'bar', categories: [{ label: 'a', count: 20 }] },
    { type: 'scatter', points: [{ x: 0, y: 0, n: 20 }] },
  ])('does not apply to $type', (fields) => {
    expect(run(fields)).toEqual([]);
  });
});
