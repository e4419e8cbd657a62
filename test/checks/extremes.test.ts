import { describe, expect, it } from 'vitest';
import { extremes } from '../../src/checks/extremes.js';
import { ctx, params, repeat, tinyTable } from '../helpers/tiny-table.js';

describe('extremes (min/max tables)', () => {
  it.each([
    ['max', 'fail'],
    ['min', 'fail'],
  ] as const)('%s → %s', (aggfunc, status) => {
    const t = tinyTable(repeat(20, { r: 'a', c: 'x', v: 3 }), { index: 'r', columns: 'c', values: 'v', aggfunc });
    const [f] = extremes.run(t, params(), ctx);
    expect(f.status).toBe(status);
    expect(f.cells?.[0].value).toBe(3);
  });

  it('does not apply to medians', () => {
    expect(extremes.run(tinyTable(repeat(20, { r: 'a', c: 'x', v: 3 }), { index: 'r', columns: 'c', values: 'v', aggfunc: 'median' }), params(), ctx)).toEqual([]);
  });
});
