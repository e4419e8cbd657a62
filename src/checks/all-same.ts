/**
 * `all_same` on sum, mean, median, min, max and std tables: a cell with at least two
 * contributors, all with the same measure value, discloses that value for each of them ("all
 * 50 have HIV = 1"). Contributors are units with a unit column (each with its total in the
 * cell), rows otherwise. From microdata the builder tracks each cell's smallest and largest
 * contribution; pre-aggregated cells use their `min`/`max` evidence (equal → fail). Without
 * it, a magnitude cell whose largest contributions prove every contribution equal fails, and
 * one whose largest contributions are equal with a sum that is a whole multiple of them gets
 * `review` (sdc-rules.md).
 *
 * @example allSame.run(meanOfConstant, params, ctx)[0].status // 'fail'
 */
import type { CellFinding, Finding } from '../domain.js';
import { isMagnitudeStatistic } from '../domain.js';
import { sameValue } from '../lib/compare-ratio.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { cellCount, topContribution } from '../outputs/table/cell-table.js';
import type { Check } from './check.js';
import { passed } from './check.js';
import { equalLargest } from './equal-largest.js';
import { cellFinding, cellsWord } from './table-cell-check.js';
import { outOfRange } from '../lib/invariant.js';

const APPLIES = new Set(['sum', 'mean', 'median', 'min', 'max', 'std']);

export const allSame: Check<CellTable> = {
  id: 'all_same',
  kind: 'table',
  run(t) {
    if (!APPLIES.has(t.statistic)) return [];
    const fail: CellFinding[] = [];
    const review: CellFinding[] = [];
    const who = t.unit !== null ? `units (${t.unit})` : 'contributors';
    const n = cellCount(t);
    for (let c = 0; c < n; c++) {
      const k = t.count[c] ?? outOfRange();
      if (t.suppressed[c] || !(k >= 2)) continue;
      if (!Number.isNaN(t.min[c]) && !Number.isNaN(t.max[c])) {
        if (sameValue(t.min[c] ?? outOfRange(), t.max[c] ?? outOfRange())) fail.push(cellFinding(t, c, `all ${k} ${who} have the same value (${t.min[c]})`));
        continue;
      }
      if (!isMagnitudeStatistic(t.statistic)) continue;
      const seen = equalLargest(t, c);
      const a1 = topContribution(t, c, 0);
      if (seen === 'proves') fail.push(cellFinding(t, c, `the evidence shows all ${k} contributions equal to ${a1} (Σ|x| = count × the largest)`));
      else if (seen === 'suggests') review.push(cellFinding(t, c, `the largest contributions are all ${a1} and the total is a whole multiple of it: every contributor may have the same value`));
    }
    const out: Finding[] = [];
    if (fail.length) {
      out.push({
        check: 'all_same',
        status: 'fail',
        message: `In ${cellsWord(fail.length)} every contributor has the same value, so the cell discloses that value for each of them.`,
        remedy: 'Merge the cells with neighbouring categories that have other values, or leave the measure out of these cells (the protected version suppresses them).',
        cells: fail,
      });
    }
    if (review.length) {
      out.push({
        check: 'all_same',
        status: 'review',
        message: `${cellsWord(review.length)} may have the same value for every contributor: the evidence cannot tell.`,
        remedy: 'Send each cell\'s `min` and `max` (and `distinct`), or submit the microdata and a table spec instead.',
        cells: review,
      });
    }
    return out.length ? out : [passed('all_same', 'No cell has the same value for every contributor.')];
  },
};
