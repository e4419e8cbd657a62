import { describe, expect, it } from 'vitest';
import { plotExtremes } from '../../src/checks/plot-extremes.js';
import { plotKind } from '../../src/outputs/plot/plot-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const run = (fields: Record<string, unknown>, threshold = 10) => plotExtremes.run(parseAs(plotKind, fields), params({ threshold }), ctx);
const hist = (edges?: boolean) => ({ type: 'histogram', bins: [{ from: 0, to: 1, count: 20 }], ...(edges === undefined ? {} : { edges_from_data: edges }) });
const box = (over: Record<string, unknown>) => ({ type: 'box', n: 40, whisker_low: 1, q1: 3, median: 5, q3: 7, whisker_high: 9, outliers: [], ...over });
const csv = (name: string, xs: number[]) => ({ format: 'csv', data: `${name}\n${xs.join('\n')}\n` });
/** 40 values 10, 11, …, 49. */
const ages = Array.from({ length: 40 }, (_, i) => 10 + i);

describe('extremes on plots without microdata', () => {
  it.each([
    ['histogram, edges_from_data false (a claim without microdata)', hist(false), 'review'],
    ['histogram, edges_from_data true', hist(true), 'review'],
    ['histogram, edges undeclared (counts as true)', hist(), 'review'],
    ['box, whiskers_at_extremes false (a claim without microdata)', box({ whiskers_at_extremes: false }), 'review'],
    ['box with whiskers at the extremes', box({ whiskers_at_extremes: true }), 'fail'],
    ['box, whiskers undeclared (counts as true)', box({}), 'fail'],
    ['box with outliers', box({ whiskers_at_extremes: false, outliers: [0.5, 20] }), 'fail'],
  ])('%s: %s', (_what, fields, status) => {
    const [f] = run(fields);
    expect(f).toMatchObject({ check: 'extremes', status });
  });

  it('tells the histogram author to choose the edges', () => {
    const [f] = run(hist());
    expect(f!.items?.map((i) => i.ref)).toEqual(['bins[0].from', 'bins[0].to']);
    expect(f!.remedy).toContain('edges_from_data: false');
  });

  it('says an unconfirmed declaration needs the microdata', () => {
    const [f] = run(hist(false));
    expect(f!.items).toEqual([{ ref: 'edges_from_data', value: null, reason: expect.stringContaining('declared but not confirmed') }]);
  });

  it('counts outliers without echoing them', () => {
    const [f] = run(box({ whiskers_at_extremes: true, outliers: [0.5, 20] }));
    expect(f!.items?.[0]).toEqual({ ref: 'outliers', value: 2, reason: "2 plotted outlier(s), each a single record's value" });
    expect(f!.remedy).toContain('whiskers at percentiles');
    expect(JSON.stringify(f)).not.toContain('0.5');
  });

  it.each([
    [40, 'pass'],
    [39, 'fail'],
    [20, 'fail'],
  ])('box quartiles with n %i (4 × threshold 10 = 40): %s', (n, status) => {
    const [f] = run({ ...box({ n, whiskers_at_extremes: true }) });
    expect(f!.items?.some((i) => i.ref === 'q1, q3')).toBe(status === 'fail');
  });

  it('box median: n 19 lies among the 10 most extreme values, n 20 does not', () => {
    expect(run(box({ n: 19, whiskers_at_extremes: true }))[0]!.items?.some((i) => i.ref === 'median')).toBe(true);
    expect(run(box({ n: 20, whiskers_at_extremes: true }))[0]!.items?.some((i) => i.ref === 'median')).toBe(false);
  });

  it.each([
    { type: 'bar', categories: [{ label: 'a', count: 20 }] },
    { type: 'scatter', points: [{ x: 0, y: 0, n: 20 }] },
  ])('does not apply to $type', (fields) => {
    expect(run(fields)).toEqual([]);
  });
});

describe('extremes on plots with microdata: exemptions confirmed or not', () => {
  const histogram = (edges: number[], edges_from_data?: boolean) => ({
    type: 'histogram',
    microdata: csv('age', ages),
    spec: { values: 'age', edges },
    ...(edges_from_data === undefined ? {} : { edges_from_data }),
  });

  it('edges_from_data: false and every value strictly inside the outer edges: pass', () => {
    expect(run(histogram([0, 20, 40, 60], false))[0]!.status).toBe('pass');
  });

  it('edges_from_data: false, but a value lies on the lowest edge: review', () => {
    const [f] = run(histogram([10, 30, 50], false));
    expect(f).toMatchObject({ status: 'review', items: [{ ref: 'bins[0].from', value: 1, reason: '1 value of the microdata lie on or below the lowest edge' }] });
  });

  it('edges_from_data: false, but a value lies on the highest edge: review', () => {
    expect(run(histogram([0, 25, 49], false))[0]).toMatchObject({ status: 'review', items: [{ ref: 'bins[1].to', value: 1 }] });
  });

  it('edges_from_data: false, but values lie beyond the outer edges: review', () => {
    expect(run(histogram([20, 30, 40], false))[0]).toMatchObject({ status: 'review', items: [{ value: 11 }, { value: 10 }] });
  });

  it('microdata does not turn an undeclared exemption into one: review', () => {
    expect(run(histogram([0, 20, 40, 60]))[0]!.status).toBe('review');
  });

  /** 80 values 10, 11, …, 89: 10 lie below 20, 10 above 79. */
  const ages80 = Array.from({ length: 80 }, (_, i) => 10 + i);
  const boxed = (whisker_low: number, whisker_high: number, whiskers_at_extremes?: boolean) => ({
    type: 'box',
    microdata: csv('age', ages80),
    spec: { values: 'age' },
    whisker_low,
    whisker_high,
    outliers: [],
    ...(whiskers_at_extremes === undefined ? {} : { whiskers_at_extremes }),
  });

  it('whiskers with at least threshold values beyond each: pass, declared or not', () => {
    expect(run(boxed(20, 79, false))[0]!.status).toBe('pass');
    expect(run(boxed(20, 79))[0]!.status).toBe('pass');
  });

  it('whiskers declared not at the extremes, but the microdata says they are: fail', () => {
    const [f] = run(boxed(10, 79, false));
    expect(f).toMatchObject({ status: 'fail', items: [{ ref: 'whiskers', reason: 'the microdata shows whisker_low is the minimum, although whiskers_at_extremes: false is declared' }] });
    expect(run(boxed(20, 89, false))[0]!.status).toBe('fail');
  });

  it('a whisker with fewer than threshold values beyond it lies among the most extreme: fail', () => {
    // 9 values (10–18) below 19
    const [f] = run(boxed(19, 79, false));
    expect(f).toMatchObject({ status: 'fail', items: [{ ref: 'whiskers', reason: 'whisker_low has 9 below it (fewer than threshold 10): the whiskers lie among the 10 most extreme values, as a percentile would' }] });
    expect(run(boxed(20, 80, false))[0]!.status).toBe('fail');
  });

  it('counts distinct units beyond a whisker', () => {
    // 20 values below 20, but from 5 patients
    const rows = [...Array.from({ length: 20 }, (_, i) => `u${i % 5},${10 + (i % 10)}`), ...Array.from({ length: 70 }, (_, i) => `v${i},${20 + i}`)];
    const fields = { ...boxed(20, 79, false), microdata: { format: 'csv', data: `pid,age\n${rows.join('\n')}\n` }, spec: { values: 'age', unit: 'pid' } };
    expect(run(fields)[0]!.items?.find((i) => i.ref === 'whiskers')?.reason).toMatch(/^whisker_low has 5 below it/);
  });

  it('a whisker printed coarser than the data stands for the extreme when its interval covers it', () => {
    const coarse = { ...boxed(10, 79, false), microdata: csv('age', ages80.map((a) => (a === 10 ? 10.3 : a))) };
    expect(run(coarse)[0]!.items?.[0]?.reason).toMatch(/whisker_low is the minimum/);
  });

  it('whiskers declared at the extremes: fail even when the data disagrees', () => {
    expect(run(boxed(20, 79, true))[0]!.status).toBe('fail');
  });
});
