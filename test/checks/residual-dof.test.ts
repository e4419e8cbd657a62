import { describe, expect, it } from 'vitest';
import { residualDof } from '../../src/checks/residual-dof.js';
import { ctx, params, tinyTable } from '../helpers/tiny-table.js';

describe('residual_dof (std tables)', () => {
  it.each([
    [11, 'pass'],
    [10, 'fail'],
  ])('%i values → %s', (n, status) => {
    const t = tinyTable(Array.from({ length: n }, (_, i) => ({ r: 'a', c: 'x', v: i })), { index: 'r', columns: 'c', values: 'v', aggfunc: 'std' });
    expect(residualDof.run(t, params(), ctx)[0].status).toBe(status);
  });

  it('does not apply to sums', () => {
    expect(residualDof.run(tinyTable([{ r: 'a', c: 'x', v: 1 }], { index: 'r', columns: 'c', values: 'v', aggfunc: 'sum' }), params(), ctx)).toEqual([]);
  });
});
