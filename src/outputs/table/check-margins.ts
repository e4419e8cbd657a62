/**
 * A pre-aggregated margin must equal the total of the cells it covers (sdc-rules.md
 * "Consistency of pre-aggregated cells"): its count the sum of their counts, and for sum and
 * mean tables its sum the sum of their sums. A margin one lower than its cells would
 * otherwise hide a difference of one person (and feed differencing a false total).
 *
 * A cell is a margin over the variables labelled `All` (in a cell with an `All`, an empty
 * label is summed out too: a two-variable axis margin is `{ a: "All", b: "" }`); it covers
 * the interior cells that agree with it on every other variable. Subtotals are margins like
 * any other. Where covered cells are suppressed without a count, the margin can only be
 * checked to be at least the published part. When the counts are of distinct units
 * (`unit`), a unit in two cells is one unit of their margin: the margin lies between the
 * largest of its cells and their total.
 *
 * @example
 * checkMargins(t, sums, (cell, message) => { throw … }); // throws for { sex: 'All' } = 29 when F + M = 30
 */
import { sameTotal } from '../../lib/compare-ratio.js';
import { at, outOfRange } from '../../lib/invariant.js';
import type { CellTable } from './cell-table.js';
import { MARGIN_LABEL, cellCount } from './cell-table.js';

/** Reports an inconsistent table cell (by table cell index). */
export type TableCellProblem = (cell: number, message: string) => never;

/** What the interior cells under one margin add up to. */
interface Covered {
  cells: number;
  count: number;
  /** Covered cells whose count is not known (suppressed without evidence). */
  unknownCount: number;
  maxCount: number;
  sum: number;
  sumScale: number;
  unknownSum: number;
}

/** The labels of a cell in axis order, and which of them are summed out (bit i: variable i). */
function labelsOf(t: CellTable, cell: number): { labels: string[]; mask: number } {
  const nC = t.cols.keys.length;
  const r = Math.floor(cell / nC);
  const labels = [...at(t.rows.keys, r), ...at(t.cols.keys, cell - r * nC)];
  const anyAll = labels.includes(MARGIN_LABEL);
  let mask = 0;
  if (anyAll) labels.forEach((l, i) => (l === MARGIN_LABEL || l === '' ? (mask |= 1 << i) : 0));
  return { labels, mask };
}

/** The key of a cell's labels with the variables in `mask` left out. */
function projected(labels: string[], mask: number): string {
  return JSON.stringify(labels.filter((_, i) => !(mask & (1 << i))));
}

/**
 * Checks every margin of `t` against the cells it covers; `sums` holds each cell's sum
 * (NaN when unknown). Throws through `problem`.
 *
 * @example checkMargins(t, sums, (cell, message) => fail(cell, message));
 */
export function checkMargins(t: CellTable, sums: Float64Array, problem: TableCellProblem): void {
  const n = cellCount(t);
  const nVars = t.rows.vars.length + t.cols.vars.length;
  // Beyond 30 variables the bit mask would overflow; no real table has them, and the
  // schema's cell limit keeps such a table small, so the margins are left to the checks.
  if (nVars > 30) return;
  const info = Array.from({ length: n }, (_, c) => labelsOf(t, c));
  const masks = new Set(info.map((x) => x.mask).filter((m) => m !== 0));
  const magnitude = t.statistic === 'sum' || t.statistic === 'mean';
  for (const mask of masks) {
    const covered = new Map<string, Covered>();
    info.forEach(({ mask: m, labels }, c) => {
      if (m !== 0) return;
      const key = projected(labels, mask);
      let agg = covered.get(key);
      if (!agg) {
        agg = { cells: 0, count: 0, unknownCount: 0, maxCount: 0, sum: 0, sumScale: 0, unknownSum: 0 };
        covered.set(key, agg);
      }
      agg.cells++;
      const k = t.count[c] ?? outOfRange();
      if (Number.isNaN(k)) agg.unknownCount++;
      else {
        agg.count += k;
        if (k > agg.maxCount) agg.maxCount = k;
      }
      const s = sums[c] ?? outOfRange();
      if (Number.isNaN(s)) agg.unknownSum++;
      else {
        agg.sum += s;
        agg.sumScale += Math.abs(s);
      }
    });
    info.forEach(({ mask: m, labels }, c) => {
      if (m !== mask) return;
      const agg = covered.get(projected(labels, mask));
      // A total sent without the cells under it (a one-cell table of the population) has nothing to agree with.
      if (agg === undefined) return;
      checkCount(t, c, agg, problem);
      const sum = sums[c] ?? outOfRange();
      if (magnitude && !Number.isNaN(sum) && agg.unknownSum === 0 && !sameTotal(sum, agg.sum, agg.sumScale)) {
        problem(c, `margin sum ${sum} does not match the total ${agg.sum} of the ${agg.cells} cells it covers`);
      }
    });
  }
}

function checkCount(t: CellTable, c: number, agg: Covered, problem: TableCellProblem): void {
  const m = t.count[c] ?? outOfRange();
  if (Number.isNaN(m)) return;
  const of = `the ${agg.cells} cells it covers`;
  if (t.unit !== null) {
    // Distinct units: a unit in several cells is one unit of the margin.
    if (m < agg.maxCount) problem(c, `margin count ${m} is less than the count ${agg.maxCount} of one of ${of}`);
    if (agg.unknownCount === 0 && m > agg.count) problem(c, `margin count ${m} is more than the total ${agg.count} of ${of}`);
    return;
  }
  if (agg.unknownCount > 0) {
    if (m < agg.count) problem(c, `margin count ${m} is less than the total ${agg.count} of the published cells among ${of}`);
    return;
  }
  if (m !== agg.count) problem(c, `margin count ${m} does not match the total ${agg.count} of ${of}`);
}
