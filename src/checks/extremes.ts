/**
 * `extremes` on min, max and median tables. A min or max cell's value is one record's value,
 * so every non-empty cell fails. A median over fewer than 2 × `threshold` values has fewer
 * than `threshold` values on each side of it: it sits among the extreme records and is (or
 * is the mean of two) single records' values, so a cell with `count < 2 × threshold` fails.
 *
 * @example extremes.run(maxTable, params, ctx)[0].status // 'fail'
 */
import { cellsWord, tableCellCheck } from './table-cell-check.js';
import { outOfRange } from '../lib/invariant.js';

export const extremes = tableCellCheck({
  id: 'extremes',
  status: 'fail',
  applies: (t) => t.statistic === 'min' || t.statistic === 'max' || t.statistic === 'median',
  flag: (t, cell, p) => {
    const n = t.count[cell] ?? outOfRange();
    if (!(n > 0)) return null;
    if (t.statistic !== 'median') return `the ${t.statistic} is a single record's value`;
    return n < 2 * p.threshold ? `a median of ${n} values has fewer than ${p.threshold} values on each side (count ${n} < 2 × threshold ${p.threshold})` : null;
  },
  message: (n) => `${cellsWord(n)} show${n === 1 ? 's' : ''} a single record's value (a minimum, a maximum, or a median of too few values).`,
  remedy: (p) =>
    `Publish percentiles (e.g. the 5th and 95th) or a range rounded to a coarse unit instead of minima and maxima; merge categories until every median is over at least ${2 * p.threshold} values.`,
  passMessage: () => 'No cell shows an extreme value.',
});
