/**
 * Columnar microdata: what every microdata parser (CSV bytes, JSON rows) produces and what
 * the table builder consumes. Categories are dictionary-encoded (`codes` index `dict`,
 * −1 = missing) and measures are Float64Array (NaN = missing), so a million-row table is a
 * few typed arrays, never a million JS objects.
 *
 * @example
 * const col: CategoryColumn = { type: 'category', codes: Int32Array.of(0, 1, -1), dict: ['a', 'b'] };
 */

/** A dimension column: dictionary-encoded text. `codes[i] === -1` means missing. */
export interface CategoryColumn {
  type: 'category';
  codes: Int32Array;
  dict: string[];
}

/** A measure column: `NaN` means missing. */
export interface NumberColumn {
  type: 'number';
  values: Float64Array;
}

export type Column = CategoryColumn | NumberColumn;

/** Parsed microdata: only the columns that were asked for, all of length `nRows`. */
export interface Columnar {
  nRows: number;
  columns: Map<string, Column>;
}

/** Which columns to read and how: dimensions as categories, the measure as numbers. */
export interface ColumnRequest {
  categories: string[];
  numbers: string[];
  /**
   * `'category'`: every other column of the input is read as a category too, after the named
   * ones, in the order the input has them (record-level outputs check every column).
   */
  otherColumns?: 'category';
}

/** Text values that mean "missing" in a measure column (as pandas/R write them). */
export const MISSING_NUMBER_TOKENS: ReadonlySet<string> = new Set(['', 'NA', 'NaN', 'nan', 'N/A', 'null', 'NULL']);
