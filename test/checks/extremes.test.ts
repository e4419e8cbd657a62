import { describe, expect, it } from 'vitest';
import { extremes } from '../../src/checks/extremes.js';
import { ctx, params, tinyTable } from '../helpers/tiny-table.js';

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ r: 'a', c: 'x', v: 3 + i }));

describe('extremes (min/max tables)', () => {
  it.each([
    ['max', 22],
    ['min', 3],
  ] as const)('%s → fail, naming the single record value', (aggfunc, value) => {
    const t = tinyTable(rows(20), { index: 'r', columns: 'c', values: 'v', aggfunc });
    const [f] = extremes.run(t, params(), ctx);
    expect(f.status).toBe('fail');
    expect(f.cells?.[0].value).toBe(value);
  });
});

describe('extremes (median tables)', () => {
  const median = (n: number, threshold = 10) => extremes.run(tinyTable(rows(n), { index: 'r', columns: 'c', values: 'v', aggfunc: 'median' }), params({ threshold }), ctx)[0];

  it('fails a median of fewer than 2 × threshold values: 19 of threshold 10', () => {
    const f = median(19);
    expect(f.status).toBe('fail');
    expect(f.cells?.[0].reason).toMatch(/count 19 < 2 × threshold 10/);
  });

  it('passes a median of exactly 2 × threshold values', () => {
    expect(median(20).status).toBe('pass');
  });

  it('follows the threshold: 29 fails and 30 passes at threshold 15', () => {
    expect(median(29, 15).status).toBe('fail');
    expect(median(30, 15).status).toBe('pass');
  });

  it('does not apply to sums or means', () => {
    expect(extremes.run(tinyTable(rows(3), { index: 'r', columns: 'c', values: 'v', aggfunc: 'mean' }), params(), ctx)).toEqual([]);
  });
});
