/**
 * What an attacker knows of each cell of a published count table whose counts are rounded
 * (sdc-rules.md "Rounding"): a rounded count only as the interval of counts its scheme maps to
 * it, a suppressed cell only that it is a count (≥ 0). These `{lo, hi}` bounds are the LP
 * audit's input for rounded tables (`suppression_audit` and the protected versions with
 * `protection: round | both`), in place of exact published values.
 *
 * @example
 * const b = roundedBounds([10, NaN, 3], [0, 1, 0], { scheme: 'midpoint6', base: 5 });
 * // b.lo = [10, 0, 1], b.hi = [10, Infinity, 6]: 10 is not a midpoint-6 value, so it stays exact
 */
import type { RoundingScheme } from '../../lib/round-count.js';
import { roundedInterval } from '../../lib/round-count.js';
import { outOfRange } from '../../lib/invariant.js';
import type { CellTable } from './cell-table.js';
import { cellCount } from './cell-table.js';

/** How a table's released counts were rounded. */
export interface Rounding {
  scheme: RoundingScheme;
  base: number;
}

/**
 * Per cell, the interval of true counts consistent with what is published: suppressed cells
 * `[0, ∞)`; a published value the scheme produces, the counts that round to it; any other
 * published value exactly itself (a value the scheme cannot produce was not rounded; taking it
 * as exact only narrows the attacker's interval, so the audit stays on the safe side); an empty
 * cell (NaN) NaN.
 *
 * @example roundedBounds([0, 5], [0, 0], { scheme: 'nearest', base: 5 }) // { lo: [0, 3], hi: [2, 7] }
 */
export function roundedBounds(value: ArrayLike<number>, suppressed: ArrayLike<number>, rounding: Rounding): { lo: Float64Array; hi: Float64Array } {
  const n = value.length;
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    if (suppressed[c]) {
      lo[c] = 0;
      hi[c] = Infinity;
      continue;
    }
    const v = value[c] ?? outOfRange();
    const iv = Number.isNaN(v) ? null : roundedInterval(v, rounding.scheme, rounding.base);
    lo[c] = iv ? iv.lo : v;
    hi[c] = iv ? iv.hi : v;
  }
  return { lo, hi };
}

/**
 * `roundedBounds` of a parsed count table's published cells.
 *
 * @example tableRoundedBounds(t, { scheme: 'nearest', base: 10 }).hi[0]
 */
export function tableRoundedBounds(t: CellTable, rounding: Rounding): { lo: Float64Array; hi: Float64Array } {
  const n = cellCount(t);
  const value = new Float64Array(n);
  for (let c = 0; c < n; c++) value[c] = t.suppressed[c] ? NaN : (t.value[c] ?? outOfRange());
  return roundedBounds(value, t.suppressed, rounding);
}
