/**
 * `negative` on sum and mean tables: a cell with a negative contribution goes to review
 * (dominance is still evaluated on absolute values, but a human should confirm the cell is
 * safe, since negative values can mask a dominant contributor in the total).
 *
 * @example negative.run(table, params, ctx)[0].status // 'review'
 */
import { isMagnitudeStatistic } from '../domain.js';
import { cellsWord, tableCellCheck } from './table-cell-check.js';
export const negative = tableCellCheck({
    id: 'negative',
    status: 'review',
    applies: (t) => isMagnitudeStatistic(t.statistic),
    flag: (t, cell) => (t.negative[cell] ? 'the cell has a negative contribution' : null),
    message: (n) => `${cellsWord(n)} ${n === 1 ? 'has' : 'have'} negative contributions; dominance rules were applied to absolute values, but an output checker must confirm.`,
    remedy: () => 'Explain the negative values in an exception justification, or transform the measure so all contributions are non-negative.',
    passMessage: () => 'No cell has a negative contribution.',
});
//# sourceMappingURL=negative.js.map