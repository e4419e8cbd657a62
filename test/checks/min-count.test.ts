import { describe, expect, it } from 'vitest';
import { minCount } from '../../src/checks/min-count.js';
import { ctx, params, repeat, tinyTable } from '../helpers/tiny-table.js';

describe('min_count', () => {
  it.each([
    [10, 10, 'pass'],
    [9, 10, 'fail'],
    [20, 20, 'pass'],
    [19, 20, 'fail'],
    [1, 1, 'pass'],
  ])('a cell of %i with threshold %i: %s', (n, threshold, status) => {
    const t = tinyTable(repeat(n, { r: 'a', c: 'x' }), { index: 'r', columns: 'c' });
    const [f] = minCount.run(t, params({ threshold }), ctx);
    expect(f.status).toBe(status);
    if (status === 'fail') expect(f.cells).toEqual([{ labels: { r: 'a', c: 'x' }, value: n, count: n, reason: `count ${n} < threshold ${threshold}` }]);
  });

  it('counts only non-missing measure values in magnitude tables (D1)', () => {
    const rows = [...repeat(9, { r: 'a', c: 'x', v: 1 }), ...repeat(5, { r: 'a', c: 'x', v: null })];
    const [f] = minCount.run(tinyTable(rows, { index: 'r', columns: 'c', values: 'v', aggfunc: 'sum' }), params(), ctx);
    expect(f.status).toBe('fail');
    expect(f.cells?.[0].count).toBe(9);
  });

  it('checks margins like interior cells', () => {
    const rows = [...repeat(10, { r: 'a', c: 'x' }), ...repeat(10, { r: 'b', c: 'y' })];
    const [f] = minCount.run(tinyTable(rows, { index: 'r', columns: 'c', margins: true }), params(), ctx);
    const flagged = f.cells?.map((c) => `${c.labels.r}|${c.labels.c}`).sort();
    expect(flagged).toEqual(['a|y', 'b|x']);
  });
});
