/**
 * `extremes` on summary statistics: a minimum or maximum is a single record's value, so it
 * fails; so does a percentile q (the median is q = 50) that lies among the `threshold` most
 * extreme values: n · min(q, 100 − q) / 100 < threshold (the 0.01st percentile of 500
 * values is the smallest of them; the median of 15 lies among the 10 smallest). Decided in
 * integers from q as written.
 *
 * @example summaryExtremes.run({ statistics: [{ name: 'age', statistic: 'percentile', p: 0.01, n: 500, value: 18 }], units: null }, DEFAULT_PARAMETERS, ctx)[0].status // 'fail'
 */
import type { SummaryOutput, SummaryStatistic } from '../outputs/summary/summary-output.js';
import { statisticRef } from '../outputs/summary/summary-output.js';
import { flagEach, itemCheck } from './item-check.js';
import { countOf, percentileReason } from './threshold-reasons.js';
import { invariant } from '../lib/invariant.js';

function extremeReason(s: SummaryStatistic, threshold: number): string | null {
  if (s.statistic === 'min' || s.statistic === 'max') return `the ${s.statistic} is a single record's value`;
  if (s.statistic === 'median') return percentileReason(s.n, 50, threshold, 'the median');
  if (s.statistic === 'percentile') {
    // The summary kind refuses a percentile without p (SUMMARY_INVALID) before any check runs.
    invariant(typeof s.p === 'number', 'a parsed percentile has its p');
    if (s.p === 0 || s.p === 100) return `the ${s.p}th percentile is the ${s.p === 0 ? 'minimum' : 'maximum'}, a single record's value`;
    return percentileReason(s.n, s.p, threshold);
  }
  return null;
}

export const summaryExtremes = itemCheck<SummaryOutput>({
  id: 'extremes',
  kind: 'summary',
  status: 'fail',
  flag: (s, p) => flagEach(s.statistics, (x) => extremeReason(x, p.threshold), (x, i) => statisticRef(i, x), (x) => (x.statistic === 'min' || x.statistic === 'max' ? null : x.n)),
  message: (n, _s, p) => `${countOf(n, 'statistic')} ${n === 1 ? 'shows' : 'show'} a single record's value or one of the ${p.threshold} most extreme values (a minimum, maximum, or a percentile too close to either end).`,
  remedy: (_n, _s, p) =>
    `Report percentiles q with n · min(q, 100 − q) / 100 ≥ ${p.threshold} (e.g. the 5th and 95th of at least ${20 * p.threshold} values; a median needs ${2 * p.threshold}) instead of the minimum and maximum, or a range rounded to a coarse unit.`,
  passMessage: (_s, p) => `No statistic shows a single record’s value or one of the ${p.threshold} most extreme values.`,
});
