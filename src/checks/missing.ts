/**
 * `missing` on tables with a measure, when `check_missing_values` is on: a cell with a
 * missing measure value, or with no records, goes to review.
 *
 * @example missing.run(table, { ...DEFAULT_PARAMETERS, check_missing_values: true }, ctx)
 */
import { hasMeasure } from '../outputs/table/cell-table.js';
import { cellsWord, tableCellCheck } from './table-cell-check.js';
import { outOfRange } from '../lib/invariant.js';

export const missing = tableCellCheck({
  id: 'missing',
  status: 'review',
  applies: (t, p) => hasMeasure(t) && p.check_missing_values,
  flag: (t, cell) => {
    const missingValues = t.missing[cell] ?? outOfRange();
    return t.records[cell] === 0 ? 'the cell has no records' : missingValues > 0 ? `${missingValues} records have a missing measure` : null;
  },
  message: (n) => `${cellsWord(n)} ${n === 1 ? 'has' : 'have'} missing measure values or no records.`,
  remedy: () => 'State how missing values were handled in an exception justification, or impute or exclude them before aggregating.',
  passMessage: () => 'No cell has missing measure values.',
});
