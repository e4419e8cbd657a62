/**
 * The normalised form of every table, whichever way it arrived (microdata + spec, or
 * pre-aggregated cells): two axes of labelled keys and per-cell typed arrays, row-major
 * (`cell = row * nCols + col`). Checks and remedies read only this.
 *
 * @example
 * const c = cellIndex(t, 2, 1); // row 2, column 1
 * t.count[c];
 */
import type { TableStatistic } from '../../domain.js';

/** The label margins carry, on every variable of the axis (outermost first, then ""). */
export const MARGIN_LABEL = 'All';

/** One axis of a table: its variables and one key (a label per variable) per position. */
export interface Axis {
  vars: string[];
  keys: string[][];
  /** Position of the margin (`All`) entry on this axis, or −1 when there is none. */
  margin: number;
}

export interface CellTable {
  statistic: TableStatistic;
  /** The measure variable, when the table has one. */
  measure: string | null;
  /** True when pre-aggregated cells did not name their measure (`measure` is then a placeholder). */
  anonymousMeasure?: boolean;
  rows: Axis;
  cols: Axis;
  /** The count the threshold and zero checks use (D1: non-missing contributions for measures). */
  count: Float64Array;
  /** Records in the cell, whether or not their measure is missing. */
  records: Float64Array;
  /** The published value; NaN means empty (`null`). */
  value: Float64Array;
  /** Records in the cell whose measure is missing. */
  missing: Float64Array;
  /** 1 where the cell has a negative contribution. */
  negative: Uint8Array;
  /** Σ|x| over the cell's contributions. */
  sumAbs: Float64Array;
  /** Largest absolute contributions, `topK` per cell, descending, 0-padded. */
  top: Float64Array;
  topK: number;
  /**
   * 1 where the dominance evidence (sumAbs and the top contributions) is known. Always 1 for
   * tables computed from microdata; pre-aggregated cells may lack it.
   */
  evidence: Uint8Array;
}

/** Number of cells of a table. */
export function cellCount(t: CellTable): number {
  return t.rows.keys.length * t.cols.keys.length;
}

/** Row-major index of the cell at (row, col). */
export function cellIndex(t: CellTable, row: number, col: number): number {
  return row * t.cols.keys.length + col;
}

/**
 * The labels of a cell as `{ variable: category }`. On an axis with two variables a margin
 * key is `["All", ""]`, so its labels are `{ a: "All", b: "" }`.
 *
 * @example cellLabels(t, 0) // { region: 'north', year: '2021' }
 */
export function cellLabels(t: CellTable, cell: number): Record<string, string> {
  const nCols = t.cols.keys.length;
  const r = Math.floor(cell / nCols);
  const c = cell - r * nCols;
  const out: Record<string, string> = {};
  t.rows.vars.forEach((v, i) => (out[v] = t.rows.keys[r][i]));
  t.cols.vars.forEach((v, i) => (out[v] = t.cols.keys[c][i]));
  return out;
}

/** The published value of a cell as JSON (`null` for empty). */
export function cellValue(t: CellTable, cell: number): number | null {
  const v = t.value[cell];
  return Number.isNaN(v) ? null : v;
}

/** The i-th largest absolute contribution of a cell (0 when there are fewer). */
export function topContribution(t: CellTable, cell: number, i: number): number {
  return i < t.topK ? t.top[cell * t.topK + i] : 0;
}
