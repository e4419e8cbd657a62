import { describe, expect, it } from 'vitest';
import { allSame } from '../../src/checks/all-same.js';
import type { CellInput } from '../../src/outputs/table/table-from-cells.js';
import { tableFromCells } from '../../src/outputs/table/table-from-cells.js';
import { ctx, params, tinyTable } from '../helpers/tiny-table.js';

const cell = (values: number[], r = 'a') => values.map((v) => ({ r, c: 'x', v }));
const spec = (aggfunc: 'sum' | 'mean' | 'median' | 'min' | 'max' | 'std') => ({ index: 'r', columns: 'c', values: 'v', aggfunc });
const run = (t: Parameters<typeof allSame.run>[0]) => allSame.run(t, params(), ctx);
const cells = (statistic: 'sum' | 'mean', c: CellInput[]) => tableFromCells({ statistic, cells: c }, 2, '/outputs/0');

describe('all_same from microdata', () => {
  it.each(['sum', 'mean', 'median', 'min', 'max', 'std'] as const)('fails a %s cell whose contributors all have one value', (aggfunc) => {
    const [f] = run(tinyTable([...cell(Array(50).fill(1)), ...cell([1, 2, 3], 'b')], spec(aggfunc)));
    expect(f.status).toBe('fail');
    expect(f.cells).toEqual([expect.objectContaining({ labels: { r: 'a', c: 'x' }, count: 50, reason: 'all 50 contributors have the same value (1)' })]);
  });

  it('two contributors is enough; one is min_count\'s business', () => {
    expect(run(tinyTable(cell([7, 7]), spec('sum')))[0].status).toBe('fail');
    expect(run(tinyTable(cell([7]), spec('sum')))[0].status).toBe('pass');
  });

  it('passes as soon as one value differs, however slightly', () => {
    expect(run(tinyTable(cell([...Array(49).fill(5), 5.5]), spec('mean')))[0].status).toBe('pass');
  });

  it('with a unit column, compares units\' totals: two admissions of 1 and one of 2 are equal totals', () => {
    const rows = [
      { r: 'a', c: 'x', u: 'p1', v: 1 },
      { r: 'a', c: 'x', u: 'p1', v: 1 },
      { r: 'a', c: 'x', u: 'p2', v: 2 },
    ];
    expect(run(tinyTable(rows, { ...spec('sum'), unit: 'u' }))[0].cells?.[0].reason).toMatch(/all 2 units \(u\) have the same value \(2\)/);
  });

  it('does not apply to frequency tables', () => {
    expect(run(tinyTable(cell([1, 1]), { index: 'r', columns: 'c' }))).toEqual([]);
  });
});

describe('all_same from pre-aggregated evidence', () => {
  it('fails a cell whose min equals its max', () => {
    expect(run(cells('mean', [{ labels: { r: 'a' }, count: 50, value: 1, min: 1, max: 1 }]))[0].status).toBe('fail');
    expect(run(cells('mean', [{ labels: { r: 'a' }, count: 50, value: 1.2, min: 1, max: 2 }]))[0].status).toBe('pass');
  });

  it('fails a cell whose largest contributions prove every contribution equal (Σ|x| = count × largest)', () => {
    const [f] = run(cells('sum', [{ labels: { r: 'a' }, count: 50, sum: 250, top: [5, 5] }]));
    expect(f.status).toBe('fail');
    expect(f.cells?.[0].reason).toMatch(/all 50 contributions equal to 5/);
  });

  it('reviews equal largest contributions whose total is a whole multiple of them', () => {
    const [f] = run(cells('sum', [{ labels: { r: 'a' }, count: 50, sum: 3, top: [1, 1] }]));
    expect(f.status).toBe('review');
    expect(f.remedy).toMatch(/min.*max/);
  });

  it('passes when the largest differ, or the total is not a multiple of them', () => {
    expect(run(cells('sum', [{ labels: { r: 'a' }, count: 50, sum: 3000, top: [110, 105] }]))[0].status).toBe('pass');
    expect(run(cells('sum', [{ labels: { r: 'a' }, count: 50, sum: 3.5, top: [1, 1] }]))[0].status).toBe('pass');
  });
});
