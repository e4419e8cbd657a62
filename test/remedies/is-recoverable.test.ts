import { describe, expect, it } from 'vitest';
import { recoverableCells } from '../../src/remedies/is-recoverable.js';
import type { SuppressionGrid } from '../../src/outputs/table/table-constraints.js';

const g = (nRows: number, nCols: number, rowMargin: number, colMargin: number): SuppressionGrid => ({
  nRows,
  nCols,
  rowMargin,
  colMargin,
  value: new Float64Array(nRows * nCols),
});

/** A mask from a picture: one string per row, `x` = suppressed. */
const mask = (...rows: string[]) => Uint8Array.from(rows.join(''), (ch) => (ch === 'x' ? 1 : 0));

describe('recoverableCells', () => {
  it.each<[string, SuppressionGrid, Uint8Array, number[]]>([
    ['a lone cell, margins', g(3, 3, 2, 2), mask('x..', '...', '...'), [0]],
    ['a 4-cycle, margins', g(3, 3, 2, 2), mask('xx.', 'xx.', '...'), []],
    ['two cells in a row, margins: the column totals give both away', g(3, 3, 2, 2), mask('xx.', '...', '...'), [0, 1]],
    ['a cell with its row and column totals and the grand total', g(3, 3, 2, 2), mask('x.x', '...', 'x.x'), []],
    ['a lone cell without margins (totals assumed known)', g(2, 2, -1, -1), mask('x.', '..'), [0]],
    ['two cells of a 1xN row without margins', g(1, 4, -1, -1), mask('x.x.'), []],
    ['one cell of a 1xN row without margins', g(1, 4, -1, -1), mask('.x..'), [1]],
    ['a 1x1 table without margins has no equation', g(1, 1, -1, -1), mask('x'), []],
    ['a 1xN row with its total suppressed too', g(1, 4, -1, 3), mask('x..x'), []],
    [
      'the bridge: every line has two suppressed cells, yet the link is determined',
      g(5, 5, 4, 4),
      mask('xx...', 'xxx..', '..xx.', '..xx.', '.....'),
      [7],
    ],
    ['everything suppressed', g(3, 4, 2, 3), mask('xxxx', 'xxxx', 'xxxx'), []],
    ['margins first', g(3, 3, 0, 0), mask('...', '.x.', '...'), [4]],
  ])('%s', (_, grid, m, expected) => {
    expect(recoverableCells(grid, m)).toEqual(expected);
  });

  it('rejects a mask of the wrong length with INTERNAL', () => {
    expect(() => recoverableCells(g(2, 2, -1, -1), new Uint8Array(3))).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});
