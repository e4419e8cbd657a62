/**
 * `extremes` on min and max tables: each non-empty cell's value is one record's value.
 *
 * @example extremes.run(maxTable, params, ctx)[0].status // 'fail'
 */
import { cellsWord, tableCellCheck } from './table-cell-check.js';
export const extremes = tableCellCheck({
    id: 'extremes',
    status: 'fail',
    applies: (t) => t.statistic === 'min' || t.statistic === 'max',
    flag: (t, cell) => (t.count[cell] > 0 ? `the ${t.statistic} is a single record's value` : null),
    message: (n) => `${cellsWord(n)} show${n === 1 ? 's' : ''} a single record's value (a minimum or maximum).`,
    remedy: () => 'Publish percentiles (e.g. the 5th and 95th) or a range rounded to a coarse unit instead of minima and maxima.',
    passMessage: () => 'No cell shows an extreme value.',
});
//# sourceMappingURL=extremes.js.map