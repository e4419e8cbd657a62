/**
 * The comparisons behind the count checks, worded once: every kind's `min_count`, `zeros` and
 * `residual_dof` flag an item with the same reason text, so a researcher reads the same
 * sentence for a table cell, a histogram bin or a summary statistic's n.
 *
 * @example belowThreshold(3, 10) // 'count 3 < threshold 10'
 */
/**
 * The reason a count fails `min_count`, or null when it passes (a count equal to the
 * threshold passes).
 *
 * @example belowThreshold(10, 10) // null
 */
export function belowThreshold(count, threshold, what = 'count') {
    return count < threshold ? `${what} ${count} < threshold ${threshold}` : null;
}
/**
 * The reason a count fails `zeros`, or null.
 *
 * @example zeroCount(0) // 'count is 0'
 */
export function zeroCount(count) {
    return count === 0 ? 'count is 0' : null;
}
/**
 * The reason residual degrees of freedom fail `residual_dof` (fewer than the threshold), or
 * null (exactly the threshold passes).
 *
 * @example dofBelowThreshold(9, 10) // '9 residual degrees of freedom < 10'
 */
export function dofBelowThreshold(dof, threshold) {
    return dof < threshold ? `${Math.max(0, dof)} residual degrees of freedom < ${threshold}` : null;
}
/**
 * "1 bin" / "3 bins": findings are read by researchers, so plurals matter.
 *
 * @example countOf(3, 'class', 'classes') // '3 classes'
 */
export function countOf(n, singular, plural = `${singular}s`) {
    return `${n} ${n === 1 ? singular : plural}`;
}
//# sourceMappingURL=threshold-reasons.js.map