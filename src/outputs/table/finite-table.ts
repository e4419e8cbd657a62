/**
 * Refuses a table whose aggregates overflowed. Every submitted number is finite (the JSON
 * body and the CSV reader see to it), but a sum of finite values can still pass the largest
 * double (1e308 + 1e308 = Infinity), and so can a standard deviation's squares. An infinite
 * Σ|x| would make every contribution's share 0 and let dominance pass; an infinite value
 * cannot be published or signed. Either is the submitter's data, so a 422 naming the cell.
 *
 * @example assertFiniteTable(buildTable(data, spec, opts), '/outputs/0'); // throws VALUE_OVERFLOW
 */
import { AirlockError } from '../../errors.js';
import { outOfRange } from '../../lib/invariant.js';
import type { CellTable } from './cell-table.js';
import { cellCount, cellLabels } from './cell-table.js';

/**
 * Throws `VALUE_OVERFLOW` for the first cell whose Σ|x| or value is ±Infinity. With
 * `computed` (a table airlock built from microdata), a NaN value of a cell that has the values
 * its statistic needs (one, two for a standard deviation) is an overflow too (∞ − ∞ in a sum
 * of squares), not an empty cell: it would otherwise be published as if there were nothing.
 */
export function assertFiniteTable(t: CellTable, pointer: string, opts: { computed: boolean }): void {
  const n = cellCount(t);
  const needs = t.statistic === 'std' ? 2 : 1;
  for (let c = 0; c < n; c++) {
    const v = t.value[c] ?? outOfRange();
    const empty = Number.isNaN(v) && (!opts.computed || (t.count[c] ?? outOfRange()) < needs);
    if (Number.isFinite(t.sumAbs[c]) && (Number.isFinite(v) || empty)) continue;
    const where = Object.entries(cellLabels(t, c))
      .map(([k, l]) => `${k}=${l}`)
      .join(', ');
    throw new AirlockError('VALUE_OVERFLOW', `the ${t.statistic} of cell (${where}) overflows to infinity; scale the measure down (e.g. to thousands)`, [
      { pointer, message: `cell ${c}: ${t.statistic} is not finite` },
    ]);
  }
}
