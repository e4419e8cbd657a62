/**
 * Frequency (and sum) tables from a grid of numbers, through the real pre-aggregated reader:
 * rows `r0…`, columns `c0…`, with `All` margins unless `margins: false`.
 *
 * @example const t = gridTable([[3, 1], [1, 0]]); // 3x3 cells with margins
 */
import type { CellTable } from '../../src/outputs/table/cell-table.js';
import type { CellInput } from '../../src/outputs/table/table-from-cells.js';
import { tableFromCells } from '../../src/outputs/table/table-from-cells.js';

export function gridTable(counts: number[][], opts: { margins?: boolean } = {}): CellTable {
  const margins = opts.margins ?? true;
  const cells: CellInput[] = [];
  const nR = counts.length;
  const nC = counts[0].length;
  const colTot = new Array(nC).fill(0);
  let total = 0;
  counts.forEach((row, r) => {
    let rowTot = 0;
    row.forEach((v, c) => {
      cells.push({ labels: { r: `r${r}`, c: `c${c}` }, count: v });
      rowTot += v;
      colTot[c] += v;
    });
    total += rowTot;
    if (margins) cells.push({ labels: { r: `r${r}`, c: 'All' }, count: rowTot });
  });
  if (margins) {
    colTot.forEach((v, c) => cells.push({ labels: { r: 'All', c: `c${c}` }, count: v }));
    cells.push({ labels: { r: 'All', c: 'All' }, count: total });
  }
  void nR;
  return tableFromCells({ statistic: 'frequency', cells }, 2, '/outputs/0');
}
