/**
 * What pre-aggregated dominance evidence says when a cell's largest contributions are all
 * equal: either it proves every contribution equal (Σ|x| = count × the largest, nothing
 * negative), or it only suggests it — the sum is a whole multiple of the largest, as it is
 * for an indicator (3 ones among 50) or for 50 equal values. `all_same` and
 * `binary_measure` send the suggestion to review when the cell lacks `min`/`max` and
 * `distinct` evidence (sdc-rules.md, below the table checks).
 *
 * @example equalLargest(t, c) // 'proves' | 'suggests' | null
 */
import { compareValues, isWholeMultiple, sameValue } from '../lib/compare-ratio.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { topContribution } from '../outputs/table/cell-table.js';
import { outOfRange } from '../lib/invariant.js';

/** `proves`: every contribution equals the largest; `suggests`: an indicator or equal values look likely; null: neither. */
export function equalLargest(t: CellTable, c: number): 'proves' | 'suggests' | null {
  const n = t.count[c] ?? outOfRange();
  if (!(n >= 2) || !t.evidence[c]) return null;
  const known = Math.min(t.topK, n);
  const a1 = topContribution(t, c, 0);
  for (let i = 1; i < known; i++) if (!sameValue(topContribution(t, c, i), a1)) return null;
  if (a1 === 0) return t.sumAbs[c] === 0 ? 'proves' : null;
  // Every |x| ≤ a1, so Σ|x| = n·a1 only when every |x| is a1; with no negative, every x is.
  if (!t.negative[c] && compareValues(t.sumAbs[c] ?? outOfRange(), n * a1) === 0) return 'proves';
  return isWholeMultiple(t.sumAbs[c] ?? outOfRange(), a1) ? 'suggests' : null;
}
