/**
 * The additive equations an attacker can write down about a 2-D table: every row of cells
 * sums to its row total and every column to its column total. Secondary suppression and the
 * recoverability check both read the table through this one description, so they cannot
 * disagree about what is known.
 *
 * Which totals exist:
 * - an axis with a margin (`All` entry) carries its totals as cells, which may themselves be
 *   suppressed (then that total is an unknown);
 * - an axis without a margin is assumed to have its totals released elsewhere (the
 *   conservative choice): they are known constants, never unknowns;
 * - except that a "total" over a single interior cell is that cell itself, so a line with
 *   only one interior cell and no margin has no equation (assuming it known would mean
 *   assuming every cell known, and nothing could ever be protected); and an axis made of
 *   its margin alone has no equations either.
 *
 * Every cell then appears in at most two equations (its row's and its column's) with
 * coefficient +1 as an interior term and −1 as the total, which makes the system a network
 * matrix: the unknowns are edges of a graph whose nodes are the equations.
 *
 * @example
 * const c = tableConstraints({ nRows: 3, nCols: 3, rowMargin: 2, colMargin: 2, value });
 * c.rowEq[0]; // 0: cell (0,0) is in the equation of row 0
 */
import { AirlockError } from '../../errors.js';

/**
 * The shape of a table as suppression sees it: row-major, with optional margin positions.
 *
 * @example { nRows: 3, nCols: 4, rowMargin: 2, colMargin: 3, value } // 2x3 interior, totals last
 */
export interface SuppressionGrid {
  nRows: number;
  nCols: number;
  /** Row position of the margin (column totals), or −1 when the table has none. */
  rowMargin: number;
  /** Column position of the margin (row totals), or −1 when the table has none. */
  colMargin: number;
  /** Published values, row-major; NaN = empty. Only used to prefer small complements. */
  value: Float64Array;
}

/**
 * Per cell, the (at most two) equations it appears in and its coefficient in each.
 *
 * @example c.rowEq[i] >= 0 && c.rowCoef[i] === -1 // cell i is its row's total
 */
export interface TableConstraints {
  /** Equation ids are `0..nEquations−1`: rows first (`r`), then columns (`nRows + c`). */
  nEquations: number;
  /** The equation of the cell's row, or −1 when its row has no total. */
  rowEq: Int32Array;
  /** The equation of the cell's column, or −1 when its column has no total. */
  colEq: Int32Array;
  /** +1 for an interior term, −1 when the cell is the row's total. */
  rowCoef: Int8Array;
  /** +1 for an interior term, −1 when the cell is the column's total. */
  colCoef: Int8Array;
}

function checkMargin(name: string, m: number, n: number): void {
  if (!Number.isInteger(m) || m < -1 || m >= n) {
    throw new AirlockError('INTERNAL', `suppression grid: ${name} ${m} is not −1 or a position below ${n}`);
  }
}

/**
 * Builds the equations of a grid (see the module comment for which totals exist).
 *
 * @example
 * tableConstraints({ nRows: 1, nCols: 3, rowMargin: -1, colMargin: -1, value }).colEq[0]; // -1
 */
export function tableConstraints(grid: SuppressionGrid): TableConstraints {
  const { nRows, nCols, rowMargin, colMargin } = grid;
  if (!Number.isInteger(nRows) || !Number.isInteger(nCols) || nRows < 1 || nCols < 1) {
    throw new AirlockError('INTERNAL', `suppression grid: bad shape ${nRows}x${nCols}`);
  }
  checkMargin('rowMargin', rowMargin, nRows);
  checkMargin('colMargin', colMargin, nCols);
  const n = nRows * nCols;
  if (grid.value.length !== n) {
    throw new AirlockError('INTERNAL', `suppression grid: ${grid.value.length} values for ${n} cells`);
  }
  const interiorRows = nRows - (rowMargin >= 0 ? 1 : 0);
  const interiorCols = nCols - (colMargin >= 0 ? 1 : 0);
  // A margin over no interior line (a degenerate axis of only `All`) totals nothing: no equation.
  const hasRowTotals = interiorCols >= 2 || (colMargin >= 0 && interiorCols === 1);
  const hasColTotals = interiorRows >= 2 || (rowMargin >= 0 && interiorRows === 1);
  const rowEq = new Int32Array(n);
  const colEq = new Int32Array(n);
  const rowCoef = new Int8Array(n);
  const colCoef = new Int8Array(n);
  for (let r = 0; r < nRows; r++) {
    for (let c = 0; c < nCols; c++) {
      const i = r * nCols + c;
      rowEq[i] = hasRowTotals ? r : -1;
      rowCoef[i] = hasRowTotals ? (c === colMargin ? -1 : 1) : 0;
      colEq[i] = hasColTotals ? nRows + c : -1;
      colCoef[i] = hasColTotals ? (r === rowMargin ? -1 : 1) : 0;
    }
  }
  return { nEquations: nRows + nCols, rowEq, colEq, rowCoef, colCoef };
}
