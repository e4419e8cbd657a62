import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../src/lib/invariant.js';
import { recoverableCells } from '../../src/remedies/is-recoverable.js';
import { cycleThrough, suppress, type SuppressionGrid } from '../../src/remedies/secondary-suppression.js';
import { seededRandom } from '../helpers/seeded-random.js';

type RC = [number, number];

/** A grid from interior values; with `margins`, totals are appended as the last row and column. */
function grid(interior: number[][], margins: boolean): SuppressionGrid {
  const ri = interior.length;
  const ci = interior[0].length;
  if (!margins) return { nRows: ri, nCols: ci, rowMargin: -1, colMargin: -1, value: Float64Array.from(interior.flat()) };
  const rows = interior.map((r) => [...r, r.reduce((a, b) => a + b, 0)]);
  rows.push(rows[0].map((_, c) => rows.reduce((a, r) => a + r[c], 0)));
  return { nRows: ri + 1, nCols: ci + 1, rowMargin: ri, colMargin: ci, value: Float64Array.from(rows.flat()) };
}

function mask(g: SuppressionGrid, cells: RC[]): Uint8Array {
  const m = new Uint8Array(g.nRows * g.nCols);
  for (const [r, c] of cells) m[r * g.nCols + c] = 1;
  return m;
}

function on(g: SuppressionGrid, m: Uint8Array): RC[] {
  const out: RC[] = [];
  m.forEach((x, i) => x && out.push([Math.floor(i / g.nCols), i % g.nCols]));
  return out;
}

const small3x3 = [
  [2, 5, 30],
  [4, 9, 40],
  [20, 25, 50],
];

describe('suppress', () => {
  it.each<[string, SuppressionGrid, RC[], RC[]]>([
    ['one small cell, 3x3 with margins: cheapest 4-cycle', grid(small3x3, true), [[0, 0]], [[0, 0], [0, 1], [1, 0], [1, 1]]],
    ['one small cell, 3x3 without margins (totals assumed known)', grid(small3x3, false), [[0, 0]], [[0, 0], [0, 1], [1, 0], [1, 1]]],
    [
      'a row with a small cell and a zero: the zero is not used as a complement',
      grid([[2, 0, 7], [10, 12, 15], [11, 13, 16]], true),
      [[0, 0]],
      [[0, 0], [0, 2], [1, 0], [1, 2]],
    ],
    ['1xN without margins: the smallest other cell', grid([[3, 20, 8, 50]], false), [[0, 0]], [[0, 0], [0, 2]]],
    ['1xN with its total', { nRows: 1, nCols: 5, rowMargin: -1, colMargin: 4, value: Float64Array.of(3, 20, 8, 50, 81) }, [[0, 0]], [[0, 0], [0, 2]]],
    ['Nx1 without margins', grid([[30], [2], [9], [40]], false), [[1, 0]], [[1, 0], [2, 0]]],
    ['1x1 without margins: nothing to add', grid([[3]], false), [[0, 0]], [[0, 0]]],
    [
      'one interior column: the only fix is suppressing the row totals',
      grid([[3], [20], [40]], true),
      [[0, 0]],
      [[0, 0], [0, 1], [1, 0], [1, 1]],
    ],
    ['1x1 with margins: everything ends up suppressed', grid([[3]], true), [[0, 0]], [[0, 0], [0, 1], [1, 0], [1, 1]]],
    ['2x2 without margins, three failing: everything ends up suppressed', grid([[1, 2], [3, 40]], false), [[0, 0], [0, 1], [1, 0]], [[0, 0], [0, 1], [1, 0], [1, 1]]],
    [
      'interior cells before margins, even when a margin cycle is cheaper by value',
      grid([[1, -50], [-40, 60]], true),
      [[0, 0]],
      [[0, 0], [0, 1], [1, 0], [1, 1]],
    ],
    ['a failing margin is protected with other cells of its line', grid([[20, 30], [40, 50]], true), [[0, 2]], [[0, 0], [0, 2], [1, 0], [1, 2]]],
    ['nothing failing: nothing suppressed', grid(small3x3, true), [], []],
    [
      'an axis of its margin alone has no row equations',
      { nRows: 5, nCols: 1, rowMargin: -1, colMargin: 0, value: Float64Array.of(4, 22, 1, 0, 20) },
      [[3, 0]],
      [[2, 0], [3, 0]],
    ],
  ])('%s', (_, g, primary, expected) => {
    const m = suppress(g, mask(g, primary));
    expect(on(g, m)).toEqual(expected);
    expect(recoverableCells(g, m)).toEqual([]);
  });

  it('picks the smallest-valued complement in the row of a 1-D table', () => {
    const g = grid([[4, 90, 13, 11, 70]], false);
    expect(on(g, suppress(g, mask(g, [[0, 0]])))).toEqual([[0, 0], [0, 3]]);
  });

  it('prefers non-empty cells: an empty (NaN) cell is not chosen while others can do', () => {
    const g: SuppressionGrid = { nRows: 1, nCols: 4, rowMargin: -1, colMargin: -1, value: Float64Array.of(2, NaN, 30, 25) };
    expect(on(g, suppress(g, mask(g, [[0, 0]])))).toEqual([[0, 0], [0, 3]]);
  });

  it('breaks the bridge the two-per-line rule misses', () => {
    const g = grid(
      [
        [1, 2, 50, 60],
        [3, 4, 5, 70],
        [80, 90, 6, 7],
        [95, 99, 8, 9],
      ],
      true,
    );
    const blocks: RC[] = [[0, 0], [0, 1], [1, 0], [1, 1], [2, 2], [2, 3], [3, 2], [3, 3], [1, 2]];
    const m = suppress(g, mask(g, blocks));
    for (const [r, c] of blocks) expect(m[r * g.nCols + c]).toBe(1);
    expect(recoverableCells(g, m)).toEqual([]);
    // One more cell is enough: a second link between the two blocks puts (1,2) on a cycle.
    expect(on(g, m).length).toBe(blocks.length + 1);
  });

  it('handles a table of a few thousand cells', () => {
    const ri = 60;
    const ci = 55;
    const random = seededRandom(7);
    const interior = Array.from({ length: ri }, () => Array.from({ length: ci }, () => Math.floor(random() * 50)));
    const g = grid(interior, true);
    const primary = new Uint8Array(g.nRows * g.nCols).map((_, i) => (g.value[i] < 3 ? 1 : 0));
    const m = suppress(g, primary);
    primary.forEach((p, i) => p && expect(m[i]).toBe(1));
    expect(recoverableCells(g, m)).toEqual([]);
  });

  it.each<[string, SuppressionGrid, Uint8Array]>([
    ['a primary mask of the wrong length', grid([[1, 2]], false), new Uint8Array(3)],
    ['values that do not fill the grid', { nRows: 2, nCols: 2, rowMargin: -1, colMargin: -1, value: new Float64Array(3) }, new Uint8Array(4)],
    ['a margin outside the grid', { nRows: 2, nCols: 2, rowMargin: 2, colMargin: -1, value: new Float64Array(4) }, new Uint8Array(4)],
  ])('rejects %s with INTERNAL', (_, g, primary) => {
    expect(() => suppress(g, primary)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });

  it('a cycle through a cell outside the grid is a broken invariant (a 500), not "no cycle" (a refusal)', () => {
    const g = grid(small3x3, true);
    const m = mask(g, [[0, 0], [0, 1], [1, 0], [1, 1]]);
    expect(cycleThrough(g, m, 0, 1, null, new Set())).not.toBeNull();
    expect(() => cycleThrough(g, m, g.value.length, 1, null, new Set())).toThrow(InvariantError);
  });
});
