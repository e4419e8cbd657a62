/**
 * Columnar microdata: what every microdata parser (CSV bytes, JSON rows) produces and what
 * the table builder consumes. Categories are dictionary-encoded (`codes` index `dict`,
 * −1 = missing) and measures are Float64Array (NaN = missing), so a million-row table is a
 * few typed arrays, never a million JS objects.
 *
 * @example
 * const col: CategoryColumn = { type: 'category', codes: Int32Array.of(0, 1, -1), dict: ['a', 'b'] };
 */
/** Text values that mean "missing" in a measure column (as pandas/R write them). */
export const MISSING_NUMBER_TOKENS = new Set(['', 'NA', 'NaN', 'nan', 'N/A', 'null', 'NULL']);
//# sourceMappingURL=columnar.js.map