import { describe, expect, it } from 'vitest';
import { binaryMeasure } from '../../src/checks/binary-measure.js';
import { tableFromCells } from '../../src/outputs/table/table-from-cells.js';
import { ctx, params, tinyTable } from '../helpers/tiny-table.js';

const flags = (n: number, ones: number, r: string) => Array.from({ length: n }, (_, i) => ({ r, c: 'x', v: i < ones ? 1 : 0 }));
const mean = { index: 'r', columns: 'c', values: 'v', aggfunc: 'mean' } as const;
const run = (t: Parameters<typeof binaryMeasure.run>[0], threshold = 10) => binaryMeasure.run(t, params({ threshold }), ctx);

describe('binary_measure from microdata', () => {
  it('fails the mean of a 0/1 indicator with 3 of 50 at 1 (its frequency version has a cell of 3)', () => {
    const [f] = run(tinyTable([...flags(50, 3, 'north'), ...flags(50, 25, 'south')], mean));
    expect(f.status).toBe('fail');
    expect(f.cells).toEqual([expect.objectContaining({ labels: { r: 'north', c: 'x' }, reason: '3 of 50 contributors have the value 1 (fewer than 10)' })]);
  });

  it('decides the threshold on both sides: 9 fails, 10 passes; so do 41 and 40 at the other value', () => {
    expect(run(tinyTable(flags(50, 9, 'a'), mean))[0].status).toBe('fail');
    expect(run(tinyTable(flags(50, 10, 'a'), mean))[0].status).toBe('pass');
    expect(run(tinyTable(flags(50, 41, 'a'), mean))[0].status).toBe('fail');
    expect(run(tinyTable(flags(50, 40, 'a'), mean))[0].status).toBe('pass');
  });

  it('counts any two values, not just 0 and 1, and sums too', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ r: 'a', c: 'x', v: i < 2 ? 7.5 : 2.5 }));
    const [f] = run(tinyTable(rows, { ...mean, aggfunc: 'sum' }));
    expect(f.status).toBe('fail');
    expect(f.cells?.[0].reason).toMatch(/2 of 30 contributors have the value 7.5/);
  });

  it('passes a measure with more than two values', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ r: 'a', c: 'x', v: i % 3 }));
    expect(run(tinyTable(rows, mean))[0]).toMatchObject({ status: 'pass', message: expect.stringMatching(/more than two values/) });
  });

  it('counts units with a row at each value when there is a unit column', () => {
    const rows = [
      ...Array.from({ length: 12 }, (_, i) => ({ r: 'a', c: 'x', u: `p${i}`, v: 0 })),
      // p0 also has an admission flagged 1: one unit at 1.
      { r: 'a', c: 'x', u: 'p0', v: 1 },
    ];
    const [f] = run(tinyTable(rows, { ...mean, unit: 'u' }));
    expect(f.cells?.[0].reason).toMatch(/1 of 12 units \(u\) have the value 1/);
  });

  it('does not apply to frequency, median or count tables', () => {
    expect(run(tinyTable(flags(50, 3, 'a'), { ...mean, aggfunc: 'median' }))).toEqual([]);
    expect(run(tinyTable(flags(50, 3, 'a'), { index: 'r', columns: 'c' }))).toEqual([]);
  });
});

describe('binary_measure from pre-aggregated evidence', () => {
  const table = (cells: Parameters<typeof tableFromCells>[0]['cells']) => tableFromCells({ statistic: 'mean', cells }, 2, '/outputs/0');

  it('fails from distinct + min/max evidence', () => {
    const [f] = run(table([{ labels: { r: 'north' }, count: 50, sum: 3, top: [1, 1], min: 0, max: 1, distinct: 2 }, { labels: { r: 'south' }, count: 40, sum: 20, top: [1, 1], min: 0, max: 1, distinct: 2 }]));
    expect(f.status).toBe('fail');
    expect(f.cells?.map((c) => c.labels.r)).toEqual(['north']);
  });

  it('reviews an indicator-looking cell without distinct evidence', () => {
    expect(run(table([{ labels: { r: 'north' }, count: 50, sum: 3, top: [1, 1] }]))[0].status).toBe('review');
  });

  it('passes cells whose evidence says the measure takes more values', () => {
    expect(run(table([{ labels: { r: 'north' }, count: 50, sum: 300, top: [9, 8], min: 0, max: 9, distinct: 7 }]))[0].status).toBe('pass');
  });
});
