/**
 * Quantiles of sorted numbers. Statistical packages disagree on the definition (Hyndman &
 * Fan's nine types: R's and numpy's default is type 7; SAS, SPSS and Stata default to others), so a
 * declared quantile is checked against the range any of them could give: every type
 * interpolates between the order statistics x(⌊np⌋) and x(⌈np⌉ + 1) (1-based, clamped to
 * the data), and the value airlock itself reports is type 7.
 *
 * @example
 * const xs = Float64Array.of(1, 2, 3, 4);
 * quantileType7(xs, 0.5) // 2.5
 * quantileBracket(xs, 0.5) // [2, 3]
 */
import { at } from './invariant.js';

/** The type-7 quantile (linear interpolation between x((n−1)p + 1)'s neighbours) of sorted, non-empty `xs`. */
export function quantileType7(xs: ArrayLike<number>, p: number): number {
  const n = xs.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = at(xs, lo);
  const b = at(xs, hi);
  return a + (h - lo) * (b - a);
}

/**
 * The closed range in which every common quantile definition's p-quantile of sorted,
 * non-empty `xs` lies.
 *
 * @example quantileBracket(Float64Array.of(5, 7, 9), 0.25) // [5, 7]
 */
export function quantileBracket(xs: ArrayLike<number>, p: number): [number, number] {
  const n = xs.length;
  // No values, no order statistics: NaN compares false with every declared value.
  if (n === 0) return [NaN, NaN];
  const rank = (k: number): number => at(xs, Math.min(n, Math.max(1, k)) - 1);
  return [rank(Math.floor(n * p)), rank(Math.ceil(n * p) + 1)];
}

/**
 * The non-missing (non-NaN) values of a column, sorted ascending.
 *
 * @example sortedValues(Float64Array.of(3, NaN, 1)) // Float64Array [1, 3]
 */
export function sortedValues(xs: Float64Array): Float64Array {
  let n = 0;
  for (const v of xs) if (!Number.isNaN(v)) n++;
  const out = new Float64Array(n);
  let i = 0;
  for (const v of xs) if (!Number.isNaN(v)) out[i++] = v;
  return out.sort();
}
