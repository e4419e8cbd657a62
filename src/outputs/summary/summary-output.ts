/**
 * The normalised form of a `kind: "summary"` output: summary statistics, each with the
 * number of records (with a unit column: distinct units) it was computed from, and — when
 * airlock computed them from microdata with a unit column — each statistic's units.
 *
 * @example
 * const s: SummaryOutput = { statistics: [{ name: 'age', statistic: 'mean', p: null, n: 120, value: 47.2 }], source: 'declared', units: null };
 */
import type { UnitMembership } from '../../lib/unit-membership.js';

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
  /** Whether airlock computed the statistics from microdata or they were declared. */
  source: 'microdata' | 'declared';
  /**
   * With microdata and a unit column: one group per statistic, in order — its population
   * (every unit of the microdata) with `contributors` the units with a value of its measure.
   * Null otherwise. Never published.
   */
  units: UnitMembership | null;
}

/**
 * How findings name a statistic.
 *
 * @example statisticRef(0, { name: 'age', statistic: 'percentile', p: 95, n: 40, value: 81 }) // 'statistics[0] (age p95)'
 */
export function statisticRef(i: number, s: SummaryStatistic): string {
  return `statistics[${i}] (${s.name} ${s.statistic === 'percentile' ? `p${s.p}` : s.statistic})`;
}
