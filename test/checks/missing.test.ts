import { describe, expect, it } from 'vitest';
import { missing } from '../../src/checks/missing.js';
import { ctx, params, repeat, tinyTable } from '../helpers/tiny-table.js';

const sum = { index: 'r', columns: 'c', values: 'v', aggfunc: 'sum' } as const;

describe('missing', () => {
  it('is off by default', () => {
    expect(missing.run(tinyTable([{ r: 'a', c: 'x', v: null }], sum), params(), ctx)).toEqual([]);
  });

  it.each([
    [[1, null], 'review', '1 records have a missing measure'],
    [[1, 2], 'pass', null],
  ])('%j → %s', (values, status, reason) => {
    const [f] = missing.run(tinyTable(values.map((v) => ({ r: 'a', c: 'x', v })), sum), params({ check_missing_values: true }), ctx);
    expect(f.status).toBe(status);
    if (reason) expect(f.cells?.[0].reason).toBe(reason);
  });

  it('flags a cell with no records', () => {
    const rows = [...repeat(3, { r: 'a', c: 'x', v: 1 }), ...repeat(3, { r: 'b', c: 'y', v: 1 })];
    const [f] = missing.run(tinyTable(rows, sum), params({ check_missing_values: true }), ctx);
    expect(f.cells?.map((c) => c.reason)).toEqual(['the cell has no records', 'the cell has no records']);
  });
});
