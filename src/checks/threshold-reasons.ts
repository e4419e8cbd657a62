/**
 * The comparisons behind the count checks, worded once: every kind's `min_count`, `zeros` and
 * `residual_dof` flag an item with the same reason text, so a researcher reads the same
 * sentence for a table cell, a histogram bin or a summary statistic's n.
 *
 * @example belowThreshold(3, 10) // 'count 3 < threshold 10'
 */
import { decimalFraction } from '../lib/decimal-fraction.js';

/**
 * The reason a count fails `min_count`, or null when it passes (a count equal to the
 * threshold passes).
 *
 * @example belowThreshold(10, 10) // null
 */
export function belowThreshold(count: number, threshold: number, what = 'count'): string | null {
  return count < threshold ? `${what} ${count} < threshold ${threshold}` : null;
}

/**
 * The reason a count fails `zeros`, or null.
 *
 * @example zeroCount(0) // 'count is 0'
 */
export function zeroCount(count: number): string | null {
  return count === 0 ? 'count is 0' : null;
}

/**
 * The reason residual degrees of freedom fail `residual_dof` (fewer than the threshold), or
 * null (exactly the threshold passes).
 *
 * @example dofBelowThreshold(9, 10) // '9 residual degrees of freedom < 10'
 */
export function dofBelowThreshold(dof: number, threshold: number): string | null {
  return dof < threshold ? `${Math.max(0, dof)} residual degrees of freedom < ${threshold}` : null;
}

/**
 * "1 bin" / "3 bins": findings are read by researchers, so plurals matter.
 *
 * @example countOf(3, 'class', 'classes') // '3 classes'
 */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/**
 * Whether the q-th percentile (0–100; the median is 50) of n values lies among the
 * `threshold` most extreme ones: n · min(q, 100 − q) / 100 < threshold. Decided in integers
 * from q as written (0.01 is 1/100 exactly), so floating point never tips a boundary
 * (sdc-rules.md principle 4).
 *
 * @example percentileAmongExtremes(500, 0.01, 10) // true: 500 · 0.01 / 100 = 0.05 < 10
 * @example percentileAmongExtremes(40, 25, 10) // false: 40 · 25 / 100 = 10
 */
export function percentileAmongExtremes(n: number, q: number, threshold: number): boolean {
  const { num, den } = decimalFraction(q);
  const rest = 100n * den - num;
  const nearest = num < rest ? num : rest;
  return BigInt(n) * nearest < 100n * BigInt(threshold) * den;
}

/**
 * The reason a percentile (or the median, q = 50; a quartile, q = 25) fails `extremes`, or
 * null when it lies far enough from both ends.
 *
 * @example percentileReason(500, 0.01, 10) // 'n 500 · 0.01 / 100 < threshold 10: percentile 0.01 lies among the 10 most extreme values'
 */
export function percentileReason(n: number, q: number, threshold: number, what = `percentile ${q}`): string | null {
  if (!percentileAmongExtremes(n, q, threshold)) return null;
  const side = Math.min(q, 100 - q);
  return `n ${n} · ${+side.toPrecision(12)} / 100 < threshold ${threshold}: ${what} ${/s$/.test(what) ? 'lie' : 'lies'} among the ${threshold} most extreme values`;
}
