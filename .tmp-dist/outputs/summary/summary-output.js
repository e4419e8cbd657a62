/**
 * The normalised form of a `kind: "summary"` output: summary statistics, each with the
 * number of records it was computed from.
 *
 * @example
 * const s: SummaryOutput = { statistics: [{ name: 'age', statistic: 'mean', p: null, n: 120, value: 47.2 }] };
 */
/** The statistics a summary may report. */
export const SUMMARY_STATISTICS = ['mean', 'sd', 'median', 'min', 'max', 'percentile'];
/**
 * How findings name a statistic.
 *
 * @example statisticRef(0, { name: 'age', statistic: 'percentile', p: 95, n: 40, value: 81 }) // 'statistics[0] (age p95)'
 */
export function statisticRef(i, s) {
    return `statistics[${i}] (${s.name} ${s.statistic === 'percentile' ? `p${s.p}` : s.statistic})`;
}
//# sourceMappingURL=summary-output.js.map