/**
 * Boundary decisions that floating point must not make (sdc-rules.md principle 4): a value
 * exactly at a rule's limit is treated as at the limit. Contributions of 0.6 and 0.3 out of a
 * total of 1.0 are 90% — but in binary floating point 0.6 + 0.3 = 0.8999999999999999, which a
 * plain `>=` would call "under 90%" and release a cell that (n,k) dominance must reject.
 *
 * Exact rational arithmetic over the doubles would not help: the doubles nearest 0.6 and 0.3
 * really do sum to less than the double nearest 0.9, and totals accumulated over millions of
 * rows carry rounding error anyway. So every comparison here treats two quantities within a
 * relative tolerance of 1e-9 of each other as equal (the doc allows either method), which is
 * many orders of magnitude above double rounding and below any difference a rule cares about.
 *
 * Generic: callers pass numbers, not cells, so plot, summary and model checks can reuse it.
 *
 * @example
 * compareRatio(0.6 + 0.3, 1.0, 0.9); // 0: at the limit (so `ratioAtLeast` is true)
 * ratioAtLeast(0.6 + 0.3, 1.0, 0.9); // true: (2, 0.90) dominance fails
 * ratioBelow(0.1, 1.0, 0.1);         // false: p% is strict, a ratio at p passes
 */

/** Relative tolerance within which two quantities count as equal. */
export const RELATIVE_TOLERANCE = 1e-9;

/**
 * Compares `a` with `b`: 0 when they are equal within the relative tolerance (relative to
 * the larger magnitude, so it works for any scale), otherwise the sign of `a − b`.
 *
 * @example compareValues(1e12 + 1, 1e12) // 0
 * @example compareValues(3, 50) // -1
 */
export function compareValues(a: number, b: number, tolerance: number = RELATIVE_TOLERANCE): -1 | 0 | 1 {
  if (a === b) return 0;
  const d = a - b;
  if (Math.abs(d) <= tolerance * Math.max(Math.abs(a), Math.abs(b))) return 0;
  return d < 0 ? -1 : 1;
}

/**
 * Whether `a` and `b` agree within the relative tolerance (both finite).
 *
 * @example sameValue(0.1 + 0.2, 0.3) // true
 */
export function sameValue(a: number, b: number, tolerance: number = RELATIVE_TOLERANCE): boolean {
  return Number.isFinite(a) && Number.isFinite(b) && compareValues(a, b, tolerance) === 0;
}

/**
 * Compares the ratio `numerator / denominator` with `limit` without dividing: 0 when
 * `numerator` is within the relative tolerance of `limit × denominator` (the ratio is at the
 * limit), otherwise −1 (below) or 1 (above). `denominator` must be positive.
 *
 * @example compareRatio(90, 100, 0.9) // 0
 * @example compareRatio(89, 100, 0.9) // -1
 */
export function compareRatio(numerator: number, denominator: number, limit: number, tolerance: number = RELATIVE_TOLERANCE): -1 | 0 | 1 {
  if (!(denominator > 0)) throw new RangeError(`compareRatio: denominator ${denominator} is not positive`);
  return compareValues(numerator, limit * denominator, tolerance);
}

/**
 * `numerator / denominator >= limit`, with a ratio at the limit counted as reaching it.
 *
 * @example ratioAtLeast(0.6 + 0.3, 1, 0.9) // true
 */
export function ratioAtLeast(numerator: number, denominator: number, limit: number): boolean {
  return compareRatio(numerator, denominator, limit) >= 0;
}

/**
 * `numerator / denominator < limit` strictly, with a ratio at the limit counted as not below it.
 *
 * @example ratioBelow(0.1, 1, 0.1) // false
 */
export function ratioBelow(numerator: number, denominator: number, limit: number): boolean {
  return compareRatio(numerator, denominator, limit) < 0;
}

/**
 * Whether `x` is a whole multiple of `unit` (`unit` > 0), within the tolerance: the quotient is
 * within the relative tolerance of an integer.
 *
 * @example isWholeMultiple(0.3 * 3, 0.3) // true
 * @example isWholeMultiple(10, 4) // false
 */
export function isWholeMultiple(x: number, unit: number): boolean {
  if (!(unit > 0) || !Number.isFinite(x)) return false;
  const q = x / unit;
  return sameValue(q, Math.round(q)) || (Math.round(q) === 0 && Math.abs(x) <= RELATIVE_TOLERANCE * unit);
}

/**
 * Whether a published total agrees with the total of its parts: within the relative
 * tolerance of the larger of the two and of `scale` (the parts' absolute total), so parts of
 * mixed sign that cancel to nearly zero are judged on the scale of the parts, not of their
 * rounding residue.
 *
 * @example sameTotal(0, 0.1 + 0.2 - 0.3, 0.6) // true
 * @example sameTotal(950000, 1000, 1000) // false
 */
export function sameTotal(total: number, sumOfParts: number, scale: number): boolean {
  if (!Number.isFinite(total) || !Number.isFinite(sumOfParts)) return false;
  return Math.abs(total - sumOfParts) <= RELATIVE_TOLERANCE * Math.max(Math.abs(total), Math.abs(sumOfParts), Math.abs(scale));
}
