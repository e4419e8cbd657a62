/**
 * `min_count` on summary statistics: each statistic's n must reach `threshold` (equal
 * passes). With a unit column n counts distinct units; with `require_unit`, a summary without
 * one fails (microdata) or needs review (declared n).
 *
 * @example summaryMinCount.run({ statistics: [{ name: 'age', statistic: 'mean', p: null, n: 9, value: 40 }] }, DEFAULT_PARAMETERS, ctx)[0].status // 'fail'
 */
import type { SummaryOutput } from '../outputs/summary/summary-output.js';
import { statisticRef } from '../outputs/summary/summary-output.js';
import type { Check } from './check.js';
import { flagEach, itemCheck } from './item-check.js';
import { withUnitRequirement } from './unit-requirement.js';
import { belowThreshold, countOf } from './threshold-reasons.js';

const counts = itemCheck<SummaryOutput>({
  id: 'min_count',
  kind: 'summary',
  status: 'fail',
  flag: (s, p) => flagEach(s.statistics, (x) => belowThreshold(x.n, p.threshold, 'n'), (x, i) => statisticRef(i, x), (x) => x.n),
  message: (n, _s, p) => `${countOf(n, 'statistic')} ${n === 1 ? 'is' : 'are'} computed from fewer than ${p.threshold} records.`,
  remedy: (_n, _s, p) => `Compute these statistics over wider groups (merge categories or pool periods) so each uses at least ${p.threshold} records, or leave them out.`,
  passMessage: (_s, p) => `Every statistic is computed from at least ${p.threshold} records.`,
});

export const summaryMinCount: Check<SummaryOutput> = {
  id: 'min_count',
  kind: 'summary',
  run: (s, p, ctx) => withUnitRequirement(counts.run(s, p, ctx), s.source, s.units?.column ?? null, p),
};
