/**
 * `dominance_evidence` on pre-aggregated sum and mean tables: without the largest
 * contributions and the absolute total, dominance cannot be assessed, so the cell goes to
 * review rather than passing.
 *
 * @example dominanceEvidence.run(cellsTable, params, ctx)[0].status // 'review'
 */
import { isMagnitudeStatistic } from '../domain.js';
import { cellsWord, tableCellCheck } from './table-cell-check.js';
export const dominanceEvidence = tableCellCheck({
    id: 'dominance_evidence',
    status: 'review',
    applies: (t) => isMagnitudeStatistic(t.statistic),
    flag: (t, cell) => (t.evidence[cell] || t.count[cell] === 0 ? null : 'dominance cannot be assessed: the largest contributions or the absolute total are missing'),
    message: (n) => `Dominance cannot be assessed for ${cellsWord(n)}: the submission lacks the largest contributions.`,
    remedy: (p) => `Send each cell's \`top\` (at least the ${Math.max(p.nk_n, 2)} largest absolute contributions, descending) and \`sum\` (or \`sum_abs\` when a contribution is negative), or submit the microdata and a table spec instead.`,
    passMessage: () => 'Every cell carries dominance evidence.',
});
//# sourceMappingURL=dominance-evidence.js.map