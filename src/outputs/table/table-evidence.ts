/**
 * What the audit store keeps of every table output (released or not) so a later rule change
 * can be replayed against it: per cell its labels, count, published value, Σ|x|, the largest
 * absolute contributions, negative flag and missing count — the same evidence a client sends
 * for a pre-aggregated table, so replay re-parses it with `tableFromCells` and runs the real
 * checks. Cell-level aggregates, never microdata rows.
 *
 * @example
 * const ev = tableEvidence(table); // { statistic: 'sum', cells: [{ labels, count, value, sum_abs, top, … }] }
 * tableFromCells(ev, topKFor(params), '/evidence');
 */
import type { CellInput, CellsTableInput } from './table-from-cells.js';
import type { CellTable } from './cell-table.js';
import { cellCount, cellLabels, cellValue } from './cell-table.js';

/** A table's replay evidence: a pre-aggregated table input (`kind: table` + `statistic` + `cells`). */
export type TableEvidence = CellsTableInput;

/**
 * The evidence of a table, cell by cell (margins included, labelled `All`).
 *
 * @example tableEvidence(t).cells[0] // { labels: { sex: 'F' }, count: 12, value: 12 }
 */
export function tableEvidence(t: CellTable): TableEvidence {
  const n = cellCount(t);
  const magnitude = t.measure !== null;
  const cells: CellInput[] = new Array(n);
  for (let c = 0; c < n; c++) {
    const cell: CellInput = { labels: cellLabels(t, c), count: t.count[c], value: cellValue(t, c) };
    if (magnitude) {
      if (t.missing[c] > 0) cell.missing = t.missing[c];
      if (t.negative[c]) cell.negative = true;
      if (t.evidence[c]) {
        cell.sum_abs = t.sumAbs[c];
        // Only as many contributions as the cell has: the cells parser refuses more.
        const k = Math.min(t.topK, t.count[c]);
        cell.top = Array.from(t.top.subarray(c * t.topK, c * t.topK + k));
      }
    }
    cells[c] = cell;
  }
  return { statistic: t.statistic, cells };
}
