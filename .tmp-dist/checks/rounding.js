/**
 * `rounding` on frequency and count tables, when the rule set enables it: a released count
 * that is not a multiple of `round_base` fails (the protected version offers rounded counts).
 *
 * @example rounding.run(table, { ...DEFAULT_PARAMETERS, round_base: 5 }, ctx)
 */
import { isCountStatistic } from '../domain.js';
import { cellsWord, tableCellCheck } from './table-cell-check.js';
export const rounding = tableCellCheck({
    id: 'rounding',
    status: 'fail',
    applies: (t) => isCountStatistic(t.statistic),
    flag: (t, cell, p) => {
        const v = t.value[cell];
        return Number.isNaN(v) || v % p.round_base === 0 ? null : `${v} is not a multiple of ${p.round_base}`;
    },
    message: (n, p) => `${cellsWord(n)} ${n === 1 ? 'is' : 'are'} not rounded to a multiple of ${p.round_base}.`,
    remedy: (p) => `Round every count to the nearest multiple of ${p.round_base} (the protected version does this).`,
    passMessage: (p) => `Every count is a multiple of ${p.round_base}.`,
});
//# sourceMappingURL=rounding.js.map