/**
 * `p_percent` on sum and mean tables: the second-largest contributor can estimate the
 * largest to within (Σ|x| − a1 − a2) / a1; the cell fails when that is below `p` (strict).
 * A cell whose contributions are all zero fails; a cell with none passes.
 *
 * @example pPercentRatio(t, cell) // 0.04
 */
import { isMagnitudeStatistic } from '../domain.js';
import { ratioBelow } from '../lib/compare-ratio.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { topContribution } from '../outputs/table/cell-table.js';
import { cellsWord, tableCellCheck } from './table-cell-check.js';
import { outOfRange } from '../lib/invariant.js';

/** (Σ|x| − a1 − a2) / a1 for a cell; NaN when a1 = 0. */
export function pPercentRatio(t: CellTable, cell: number): number {
  const a1 = topContribution(t, cell, 0);
  const a2 = topContribution(t, cell, 1);
  return a1 === 0 ? NaN : ((t.sumAbs[cell] ?? outOfRange()) - a1 - a2) / a1;
}

export const pPercent = tableCellCheck({
  id: 'p_percent',
  status: 'fail',
  applies: (t) => isMagnitudeStatistic(t.statistic),
  flag: (t, cell, p) => {
    if (!t.evidence[cell] || t.count[cell] === 0) return null;
    const a1 = topContribution(t, cell, 0);
    if (a1 === 0) return 'every contribution is zero, so each contributor learns every other one';
    const rest = (t.sumAbs[cell] ?? outOfRange()) - a1 - topContribution(t, cell, 1);
    // Strict, and a ratio at p is at p (sdc-rules.md principle 4), not below it.
    if (!ratioBelow(rest, a1, p.p)) return null;
    return `the rest of the cell estimates the largest contribution to within ${((rest / a1) * 100).toFixed(2)}% (limit ${p.p * 100}%)`;
  },
  message: (n, p) => `${cellsWord(n)} let${n === 1 ? 's' : ''} the second-largest contributor estimate the largest to within ${p.p * 100}%.`,
  remedy: () => 'Merge these cells with neighbouring categories so the largest contribution is hidden among others, or submit the protected version with them suppressed.',
  passMessage: (p) => `No cell lets a contributor estimate the largest contribution to within ${p.p * 100}%.`,
});
