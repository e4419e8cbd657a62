/**
 * Whether a pre-aggregated sum or mean table's measure is an indicator (`binary_measure`),
 * from the cells' optional `distinct` evidence (+ `min`/`max`): decided only when every
 * published non-empty cell says how many distinct values it has. The values of a cell with
 * one distinct value are its min (or max, or sum ÷ count); a cell with two needs min and
 * max. When all of them are at most two values, the contributors at each follow exactly from
 * the sum: n_high = (sum − count × low) ÷ (high − low), which must be a whole number between
 * 1 and count − 1 (else the evidence is inconsistent: `CELLS_INVALID`).
 *
 * @example
 * // 50 contributors, distinct 2, min 0, max 1, sum 3 → 3 at 1 and 47 at 0
 * measureValuesFromEvidence(t, sums, problem); // { values: 'two', low: 0, high: 1, atLow: [47], atHigh: [3] }
 */
import { sameValue } from '../../lib/compare-ratio.js';
import { outOfRange } from '../../lib/invariant.js';
import type { CellTable, MeasureValues } from './cell-table.js';
import { cellCount } from './cell-table.js';
import type { TableCellProblem } from './check-margins.js';

/** The value(s) each cell's evidence says its contributions take, or null when it does not say. */
function valuesOfCell(t: CellTable, c: number, sum: number): number[] | null {
  const d = t.distinct[c] ?? outOfRange();
  const n = t.count[c] ?? outOfRange();
  const min = t.min[c] ?? outOfRange();
  const max = t.max[c] ?? outOfRange();
  if (d === 1) {
    const v = !Number.isNaN(min) ? min : !Number.isNaN(max) ? max : sum / n;
    return Number.isFinite(v) ? [v] : null;
  }
  if (d === 2 && !Number.isNaN(min) && !Number.isNaN(max)) return [min, max];
  return null;
}

/**
 * What the evidence says about the measure's values over the published cells.
 *
 * @example measureValuesFromEvidence(t, sums, problem).values // 'two' | 'many' | 'unknown'
 */
export function measureValuesFromEvidence(t: CellTable, sums: Float64Array, problem: TableCellProblem): MeasureValues {
  if (t.statistic !== 'sum' && t.statistic !== 'mean') return { values: 'unknown' };
  const n = cellCount(t);
  const seen: number[] = [];
  const published: number[] = [];
  for (let c = 0; c < n; c++) {
    if (t.suppressed[c] || !((t.count[c] ?? outOfRange()) > 0)) continue;
    const distinct = t.distinct[c] ?? outOfRange();
    if (Number.isNaN(distinct)) return { values: 'unknown' };
    if (distinct > 2) return { values: 'many' };
    const vs = valuesOfCell(t, c, sums[c] ?? outOfRange());
    if (vs === null) return { values: 'unknown' };
    for (const v of vs) if (!seen.some((s) => sameValue(s, v))) seen.push(v);
    if (seen.length > 2) return { values: 'many' };
    published.push(c);
  }
  if (seen.length === 0) return { values: 'unknown' };
  const low = Math.min(...seen);
  const high = Math.max(...seen);
  const atLow = new Float64Array(n);
  const atHigh = new Float64Array(n);
  for (const c of published) {
    const count = t.count[c] ?? outOfRange();
    const s = sums[c] ?? outOfRange();
    if (t.distinct[c] === 1) {
      if (sameValue(valuesOfCell(t, c, s)?.[0] ?? NaN, low)) atLow[c] = count;
      else atHigh[c] = count;
      continue;
    }
    if (Number.isNaN(s)) return { values: 'unknown' };
    const exact = (s - count * low) / (high - low);
    const k = Math.round(exact);
    if (!(k >= 1 && k <= count - 1) || !sameValue(exact, k)) {
      problem(c, `its sum ${s} is not ${count} contributions at ${low} or ${high} with both present (distinct 2)`);
    }
    atHigh[c] = k;
    atLow[c] = count - k;
  }
  return { values: 'two', low, high, atLow, atHigh };
}
