/**
 * The normalised form of a `kind: "summary"` output: summary statistics, each with the
 * number of records it was computed from.
 *
 * @example
 * const s: SummaryOutput = { statistics: [{ name: 'age', statistic: 'mean', p: null, n: 120, value: 47.2 }] };
 */

/** The statistics a summary may report. */
export const SUMMARY_STATISTICS = ['mean', 'sd', 'median', 'min', 'max', 'percentile'] as const;
export type SummaryStatisticKind = (typeof SUMMARY_STATISTICS)[number];

export interface SummaryStatistic {
  /** What is summarised (a variable or a label). */
  name: string;
  statistic: SummaryStatisticKind;
  /** The percentile, 0–100, for `percentile`; null otherwise. */
  p: number | null;
  n: number;
  value: number;
}

export interface SummaryOutput {
  statistics: SummaryStatistic[];
}

/**
 * How findings name a statistic.
 *
 * @example statisticRef(0, { name: 'age', statistic: 'percentile', p: 95, n: 40, value: 81 }) // 'statistics[0] (age p95)'
 */
export function statisticRef(i: number, s: SummaryStatistic): string {
  return `statistics[${i}] (${s.name} ${s.statistic === 'percentile' ? `p${s.p}` : s.statistic})`;
}
