/**
 * `binary_measure` on sum and mean tables of a measure that takes at most two values over the
 * table (an indicator): such a table is a frequency table in disguise — the mean of a 0/1
 * flag by region is the number flagged divided by the number in the region — so in every cell
 * the contributors at either value are a count that must be 0 or at least `threshold` (3 of
 * 50 → fail, as the frequency version's cell of 3 would). Contributors at a value are the
 * rows at it, or with a unit column the units with a row at it. Known from microdata, or from
 * pre-aggregated `distinct` (+ `min`/`max`) evidence on every cell; without it, a magnitude
 * cell whose largest contributions are equal and whose total is a whole multiple of them gets
 * `review` (sdc-rules.md).
 *
 * @example binaryMeasure.run(meanOfIndicator, params, ctx)[0].cells[0].reason // '3 of 50 contributors have the value 1 (fewer than 10)'
 */
import type { CellFinding } from '../domain.js';
import { isMagnitudeStatistic } from '../domain.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { cellCount, topContribution } from '../outputs/table/cell-table.js';
import type { Parameters } from '../rules/parameters.js';
import type { Check } from './check.js';
import { passed } from './check.js';
import { equalLargest } from './equal-largest.js';
import { cellFinding, cellsWord } from './table-cell-check.js';
import { outOfRange } from '../lib/invariant.js';

/** Cells where the contributors at one of the indicator's values are between 1 and threshold − 1. */
function failingCells(t: CellTable, p: Parameters): CellFinding[] {
  const mv = t.measureValues;
  if (mv.values !== 'two') return [];
  const out: CellFinding[] = [];
  const who = t.unit !== null ? `units (${t.unit})` : 'contributors';
  const n = cellCount(t);
  for (let c = 0; c < n; c++) {
    if (t.suppressed[c]) continue;
    const parts: [number, number][] = [[(mv.atLow[c] ?? outOfRange()), mv.low]];
    if (mv.high !== mv.low) parts.push([(mv.atHigh[c] ?? outOfRange()), mv.high]);
    const small = parts.filter(([k]) => k >= 1 && k < p.threshold);
    if (small.length) out.push(cellFinding(t, c, small.map(([k, v]) => `${k} of ${t.count[c]} ${who} have the value ${v} (fewer than ${p.threshold})`).join('; ')));
  }
  return out;
}

export const binaryMeasure: Check<CellTable> = {
  id: 'binary_measure',
  kind: 'table',
  run(t, p) {
    if (!isMagnitudeStatistic(t.statistic)) return [];
    const mv = t.measureValues;
    if (mv.values === 'many') return [passed('binary_measure', 'The measure takes more than two values: it is not an indicator.')];
    if (mv.values === 'two') {
      const cells = failingCells(t, p);
      if (cells.length === 0) return [passed('binary_measure', `The measure is an indicator (${mv.low}/${mv.high}); every cell has 0 or at least ${p.threshold} contributors at each value.`)];
      return [
        {
          check: 'binary_measure',
          status: 'fail',
          message: `The measure takes only the values ${mv.low === mv.high ? mv.low : `${mv.low} and ${mv.high}`}, so the table is a frequency table in disguise: in ${cellsWord(cells.length)} fewer than ${p.threshold} contributors have one of them.`,
          remedy: `Merge categories until every cell has 0 or at least ${p.threshold} contributors at each value, or publish the counts as a frequency table and let it be checked as one.`,
          cells,
        },
      ];
    }
    // Pre-aggregated without `distinct`: only the largest contributions can hint at an indicator.
    const review: CellFinding[] = [];
    const n = cellCount(t);
    for (let c = 0; c < n; c++) {
      if (t.suppressed[c] || !Number.isNaN(t.distinct[c])) continue;
      if (equalLargest(t, c) === 'suggests') {
        review.push(cellFinding(t, c, `the largest contributions are all ${topContribution(t, c, 0)} and the total is a whole multiple of it: the measure may be an indicator`));
      }
    }
    if (review.length === 0) return [passed('binary_measure', 'No evidence suggests the measure is an indicator (cells without `distinct` evidence were judged by their largest contributions).')];
    return [
      {
        check: 'binary_measure',
        status: 'review',
        message: `In ${cellsWord(review.length)} the measure may be an indicator (a count in disguise): the evidence cannot tell.`,
        remedy: 'Send each cell\'s `distinct` (and `min`/`max`), or submit the microdata and a table spec instead.',
        cells: review,
      },
    ];
  },
};
