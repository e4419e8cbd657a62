/**
 * `nk_dominance` on sum and mean tables: a cell fails when its `nk_n` largest absolute
 * contributions make up at least `nk_k` of Σ|x|. A cell with no contributions, or Σ|x| = 0,
 * passes (only the threshold catches it); cells without dominance evidence are left to
 * `dominance_evidence`.
 *
 * @example nkShare(t, cell, 2) // 0.95
 */
import { isMagnitudeStatistic } from '../domain.js';
import { ratioAtLeast } from '../lib/compare-ratio.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { topContribution } from '../outputs/table/cell-table.js';
import { cellsWord, tableCellCheck } from './table-cell-check.js';
import { outOfRange } from '../lib/invariant.js';

/** The sum of the n largest absolute contributions of a cell. */
export function topSum(t: CellTable, cell: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += topContribution(t, cell, i);
  return s;
}

/** The share of Σ|x| held by the n largest absolute contributions. */
export function nkShare(t: CellTable, cell: number, n: number): number {
  return topSum(t, cell, n) / (t.sumAbs[cell] ?? outOfRange());
}

export const nkDominance = tableCellCheck({
  id: 'nk_dominance',
  status: 'fail',
  applies: (t) => isMagnitudeStatistic(t.statistic),
  flag: (t, cell, p) => {
    if (!t.evidence[cell] || t.count[cell] === 0 || !((t.sumAbs[cell] ?? outOfRange()) > 0)) return null;
    // At the limit counts as reaching it: 0.6 + 0.3 of 1.0 is 90% (sdc-rules.md principle 4).
    if (!ratioAtLeast(topSum(t, cell, p.nk_n), t.sumAbs[cell] ?? outOfRange(), p.nk_k)) return null;
    return `the ${p.nk_n} largest contributions are ${(nkShare(t, cell, p.nk_n) * 100).toFixed(1)}% of the total (limit ${p.nk_k * 100}%)`;
  },
  message: (n, p) => `${cellsWord(n)} ${n === 1 ? 'is' : 'are'} dominated: ${p.nk_n} contributors make up at least ${p.nk_k * 100}% of the total.`,
  remedy: () => 'Merge the dominated cells with neighbouring categories so no few contributors dominate, or submit the protected version with them suppressed.',
  passMessage: (p) => `No cell is dominated by its ${p.nk_n} largest contributors.`,
});
