import { describe, expect, it } from 'vitest';
import { buildTable } from '../../../src/outputs/table/build-table.js';
import { cellCount } from '../../../src/outputs/table/cell-table.js';
import { readJsonRows } from '../../../src/outputs/table/json-rows-reader.js';
import { normaliseSpec } from '../../../src/outputs/table/table-spec.js';
import { cellByLabels } from '../../helpers/tiny-table.js';

// buildTable indexes cells by the variables' raw dictionary codes. When the dictionaries'
// product is large (here 400 × 400), it first re-codes them to the categories that occur in
// counted rows: categories seen only beside a missing value must not become table rows.
function wideData(extraOnlyWithMissing: number) {
  const rows: Record<string, string | number | null>[] = [];
  for (let i = 0; i < extraOnlyWithMissing; i++) rows.push({ a: `lonely${i}`, b: null, v: 1 }, { a: null, b: `lonely${i}`, v: 1 });
  for (const a of ['x', 'y']) for (const b of ['p', 'q']) for (let k = 0; k < 3; k++) rows.push({ a, b, v: k + (a === 'x' ? 10 : 20) });
  return readJsonRows(rows, { categories: ['a', 'b'], numbers: ['v'] });
}

describe('buildTable on large dictionaries', () => {
  it('keeps only the categories of counted rows', () => {
    const spec = normaliseSpec({ index: 'a', columns: 'b', values: 'v', aggfunc: 'sum', margins: true }, '/spec');
    const t = buildTable(wideData(400), spec, { topK: 2, maxCells: 100 });
    expect(t.rows.keys).toEqual([['x'], ['y'], ['All']]);
    expect(t.cols.keys).toEqual([['p'], ['q'], ['All']]);
    expect(t.value[cellByLabels(t, 'x|p')]).toBe(33);
    expect(t.value[cellByLabels(t, 'All|All')]).toBe(2 * 33 + 2 * 63);
    expect([t.top[cellByLabels(t, 'All|All') * 2], t.top[cellByLabels(t, 'All|All') * 2 + 1]]).toEqual([22, 22]);
  });

  it.each([
    [8, 'TABLE_TOO_LARGE'],
    [9, null],
  ])('checks the real table size against maxCells %i before counting', (maxCells, code) => {
    const spec = normaliseSpec({ index: 'a', columns: 'b', margins: true }, '/spec');
    const build = () => buildTable(wideData(400), spec, { topK: 2, maxCells });
    if (code) expect(build).toThrowError(expect.objectContaining({ code }));
    else expect(cellCount(build())).toBe(9);
  });

  it('counts tables of three and more variables', () => {
    const rows = [
      { a: '1', b: 'u', c: 'k', v: 4 },
      { a: '1', b: 'u', c: 'k', v: -6 },
      { a: '2', b: 'w', c: 'k', v: 5 },
      { a: '2', b: 'w', c: null, v: 50 },
    ];
    const data = readJsonRows(rows, { categories: ['a', 'b', 'c'], numbers: ['v'] });
    const t = buildTable(data, normaliseSpec({ index: ['a', 'b'], columns: 'c', values: 'v', aggfunc: 'sum' }, '/spec'), { topK: 2, maxCells: 100 });
    expect(cellCount(t)).toBe(4);
    const c = cellByLabels(t, '1|u|k');
    expect([t.value[c], t.count[c], t.negative[c], t.sumAbs[c]]).toEqual([-2, 2, 1, 10]);
    expect(t.count[cellByLabels(t, '1|w|k')]).toBe(0);
  });
});
