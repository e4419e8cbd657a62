import { describe, expect, it } from 'vitest';
import { zeros } from '../../src/checks/zeros.js';
import { ctx, params, repeat, tinyTable } from '../helpers/tiny-table.js';

const rows = [...repeat(12, { r: 'a', c: 'x', v: 1 }), ...repeat(12, { r: 'b', c: 'y', v: 1 })];

describe('zeros', () => {
  it.each([
    [true, 'fail', 2],
    [false, 'pass', 0],
  ])('zeros_are_disclosive=%s → %s', (disclosive, status, n) => {
    const [f] = zeros.run(tinyTable(rows, { index: 'r', columns: 'c' }), params({ zeros_are_disclosive: disclosive }), ctx);
    expect(f.status).toBe(status);
    expect(f.cells?.length ?? 0).toBe(n);
  });

  it('uses the non-missing count of count-with-values tables', () => {
    const t = tinyTable([...rows, ...repeat(3, { r: 'a', c: 'y', v: null })], { index: 'r', columns: 'c', values: 'v', aggfunc: 'count' });
    const [f] = zeros.run(t, params(), ctx);
    expect(f.cells?.map((c) => `${c.labels.r}|${c.labels.c}`).sort()).toEqual(['a|y', 'b|x']);
  });

  it('does not apply to magnitude tables', () => {
    expect(zeros.run(tinyTable(rows, { index: 'r', columns: 'c', values: 'v', aggfunc: 'sum' }), params(), ctx)).toEqual([]);
  });
});
