import { describe, expect, it } from 'vitest';
import { cellCount, cellLabels, cellValue } from '../../../src/outputs/table/cell-table.js';
import { buildTable } from '../../../src/outputs/table/build-table.js';
import { readJsonRows } from '../../../src/outputs/table/json-rows-reader.js';
import { normaliseSpec } from '../../../src/outputs/table/table-spec.js';
import { cellByLabels, repeat, tinyTable } from '../../helpers/tiny-table.js';

describe('buildTable', () => {
  it('makes the full cartesian product of an axis with two variables', () => {
    const t = tinyTable([{ a: '1', b: 'x', c: 'k' }, { a: '2', b: 'y', c: 'k' }], { index: ['a', 'b'], columns: 'c' });
    expect(cellCount(t)).toBe(4);
    expect(t.count[cellByLabels(t, '1|y|k')]).toBe(0);
    expect(cellValue(t, cellByLabels(t, '1|y|k'))).toBe(0);
  });

  it('leaves records with a missing dimension out of every cell and margin', () => {
    const t = tinyTable([{ r: 'a', c: 'x' }, { r: null, c: 'x' }, { r: 'a', c: null }], { index: 'r', columns: 'c', margins: true });
    expect(t.count[cellByLabels(t, 'All|All')]).toBe(1);
    expect(cellCount(t)).toBe(4);
  });

  it('labels margins All, and ["All", ""] on a two-variable axis', () => {
    const t = tinyTable([{ a: '1', b: 'x', c: 'k' }], { index: ['a', 'b'], columns: 'c', margins: true });
    const labels = Array.from({ length: cellCount(t) }, (_, i) => cellLabels(t, i));
    expect(labels).toContainEqual({ a: 'All', b: '', c: 'All' });
  });

  it.each([
    ['count', [1, null, 3], 2],
    ['sum', [1, null, 3], 4],
    ['mean', [1, null, 3], 2],
    ['median', [5, 1, 3, null], 3],
    ['min', [5, -1, 3], -1],
    ['max', [5, -1, 3], 5],
    ['std', [2, 4, 4, 4, 5, 5, 7, 9], Math.sqrt(32 / 7)],
  ] as const)('computes %s', (aggfunc, values, expected) => {
    const t = tinyTable(values.map((v) => ({ r: 'a', c: 'x', v })), { index: 'r', columns: 'c', values: 'v', aggfunc });
    expect(cellValue(t, 0)).toBeCloseTo(expected, 12);
  });

  it.each([
    ['count', null],
    ['sum', null],
    ['mean', null],
  ] as const)('an empty %s cell is null, and all-missing sum is 0', (aggfunc, empty) => {
    const t = tinyTable([{ r: 'a', c: 'x', v: 1 }, { r: 'b', c: 'y', v: 1 }, { r: 'b', c: 'x', v: null }], { index: 'r', columns: 'c', values: 'v', aggfunc });
    expect(cellValue(t, cellByLabels(t, 'a|y'))).toBe(empty);
    if (aggfunc !== 'mean') expect(cellValue(t, cellByLabels(t, 'b|x'))).toBe(0);
  });

  it('keeps the largest absolute contributions per cell and merges them into margins', () => {
    const rows = [{ r: 'a', c: 'x', v: 5 }, { r: 'a', c: 'x', v: -9 }, { r: 'a', c: 'y', v: 7 }, { r: 'b', c: 'y', v: 1 }];
    const t = tinyTable(rows, { index: 'r', columns: 'c', values: 'v', aggfunc: 'sum', margins: true }, 2);
    const ax = cellByLabels(t, 'a|x');
    expect([t.top[ax * 2], t.top[ax * 2 + 1]]).toEqual([9, 5]);
    expect(t.negative[ax]).toBe(1);
    const all = cellByLabels(t, 'All|All');
    expect([t.top[all * 2], t.top[all * 2 + 1]]).toEqual([9, 7]);
    expect(t.sumAbs[all]).toBe(22);
    expect(cellValue(t, all)).toBe(4);
  });

  it('computes margins from the same records as a direct computation', () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ r: `r${i % 3}`, c: `c${i % 4}`, v: ((i * 37) % 101) - 20 }));
    const t = tinyTable(rows, { index: 'r', columns: 'c', values: 'v', aggfunc: 'std', margins: true });
    const all = rows.map((x) => x.v);
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    const sd = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / (all.length - 1));
    expect(cellValue(t, cellByLabels(t, 'All|All'))).toBeCloseTo(sd, 10);
    expect(t.count[cellByLabels(t, 'r1|All')]).toBe(rows.filter((x) => x.r === 'r1').length);
  });

  it('refuses tables over the cell limit with TABLE_TOO_LARGE', () => {
    const spec = normaliseSpec({ index: 'r', columns: 'c' }, '/spec');
    const data = readJsonRows([...repeat(1, { r: 'a', c: 'x' }), { r: 'b', c: 'y' }], { categories: ['r', 'c'], numbers: [] });
    expect(() => buildTable(data, spec, { topK: 2, maxCells: 3 })).toThrowError(expect.objectContaining({ code: 'TABLE_TOO_LARGE' }));
    expect(cellCount(buildTable(data, spec, { topK: 2, maxCells: 4 }))).toBe(4);
  });
});
