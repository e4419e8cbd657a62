/**
 * What the audit store keeps of every table output (released or not) so a later rule change
 * can be replayed against it: per cell its labels, count, published value, Σ|x|, the largest
 * absolute contributions, negative flag, missing count, smallest and largest contribution,
 * and for an indicator how many distinct values the cell has — the same evidence a client
 * sends for a pre-aggregated table, so replay re-parses it with `tableFromCells` and runs the
 * real checks. Cell-level aggregates, never microdata rows, never units.
 *
 * A suppressed cell is kept as its labels and `suppressed: true` only: its value and
 * evidence are never published, so they are not stored either.
 *
 * What replay cannot rebuild from this: with a unit column, which units have a row at each
 * value of an indicator (`binary_measure` is then not replayed: the cells carry no
 * `distinct`), and the unit sets themselves (`CellTable.units`).
 *
 * @example
 * const ev = tableEvidence(table); // { statistic: 'sum', measure: 'cost', cells: [{ labels, count, value, sum_abs, top, min, max, … }] }
 * tableFromCells(ev, topKFor(params), '/evidence');
 */
import type { CellInput, CellsTableInput } from './table-from-cells.js';
import type { CellTable } from './cell-table.js';
import { cellCount, cellLabels, cellValue, hasMeasure } from './cell-table.js';
import { outOfRange } from '../../lib/invariant.js';

/** A table's replay evidence: a pre-aggregated table input (`kind: table` + `statistic` + `cells`). */
export type TableEvidence = CellsTableInput;

/** Distinct values of a cell when the table's measure is an indicator counted by rows. */
function distinctOf(t: CellTable, c: number): number | undefined {
  const distinct = t.distinct[c] ?? outOfRange();
  if (!Number.isNaN(distinct)) return distinct;
  const mv = t.measureValues;
  if (mv.values !== 'two' || t.unit !== null || !((t.count[c] ?? outOfRange()) > 0)) return undefined;
  return ((mv.atLow[c] ?? outOfRange()) > 0 ? 1 : 0) + ((mv.atHigh[c] ?? outOfRange()) > 0 && mv.high !== mv.low ? 1 : 0);
}

/**
 * The evidence of one cell as a pre-aggregated cell input: labels, count, published value, and
 * for a measure Σ|x|, the largest absolute contributions, negative flag, missing count, smallest
 * and largest contribution and distinct values, where known. It reads the cell whether or not
 * it is suppressed: callers decide where a suppressed cell's evidence may go (only into
 * airlock's resubmit form, under its protection token, never into what is published or stored).
 *
 * @example cellEvidence(t, 0) // { labels: { sex: 'F' }, count: 12, value: 12 }
 */
export function cellEvidence(t: CellTable, c: number): CellInput {
  const count = t.count[c] ?? outOfRange();
  const cell: CellInput = { labels: cellLabels(t, c), count, value: cellValue(t, c) };
  if (t.declaredZero[c]) cell.structural_zero = true;
  if (hasMeasure(t)) {
    const missing = t.missing[c] ?? outOfRange();
    if (missing > 0) cell.missing = missing;
    if (t.negative[c]) cell.negative = true;
    if (t.evidence[c]) {
      cell.sum_abs = t.sumAbs[c] ?? outOfRange();
      // Only as many contributions as the cell has: the cells parser refuses more.
      const k = Math.min(t.topK, count);
      cell.top = Array.from(t.top.subarray(c * t.topK, c * t.topK + k));
    }
    const min = t.min[c] ?? outOfRange();
    const max = t.max[c] ?? outOfRange();
    if (!Number.isNaN(min)) cell.min = min;
    if (!Number.isNaN(max)) cell.max = max;
    const d = distinctOf(t, c);
    if (d !== undefined) cell.distinct = d;
  }
  return cell;
}

/**
 * The evidence of a table, cell by cell (margins included, labelled `All`).
 *
 * @example tableEvidence(t).cells[0] // { labels: { sex: 'F' }, count: 12, value: 12 }
 */
export function tableEvidence(t: CellTable): TableEvidence {
  const n = cellCount(t);
  const cells: CellInput[] = new Array(n);
  // A suppressed cell is kept as its labels only: its value and evidence are never stored.
  for (let c = 0; c < n; c++) cells[c] = t.suppressed[c] ? { labels: cellLabels(t, c), suppressed: true } : cellEvidence(t, c);
  return { ...tableShape(t), cells };
}

/**
 * The table-level fields of a pre-aggregated input for `t`: statistic, the axes (so a table
 * whose margins sit on an axis of two variables re-forms its full grid), a named measure (an
 * unnamed one stays unnamed: its placeholder would match others') and the unit.
 *
 * @example tableShape(t) // { statistic: 'sum', index: ['region'], columns: ['sex'], measure: 'cost' }
 */
export function tableShape(t: CellTable): Omit<TableEvidence, 'cells'> {
  const out: Omit<TableEvidence, 'cells'> = { statistic: t.statistic, index: [...t.rows.vars], columns: [...t.cols.vars] };
  if (t.measure !== null && !t.anonymousMeasure) out.measure = t.measure;
  if (t.unit !== null) out.unit = t.unit;
  return out;
}
