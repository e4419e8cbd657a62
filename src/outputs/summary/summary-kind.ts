/**
 * `kind: "summary"`: summary statistics (mean, sd, median, min, max, percentile) with
 * their n. A percentile needs `p` in [0, 100]; other statistics must not have one. Bad
 * input throws `SUMMARY_INVALID` with the statistic's pointer.
 *
 * @example
 * summaryKind.parse({ name: 's', kind: 'summary', statistics: [{ name: 'age', statistic: 'mean', n: 40, value: 51.3 }] }, ctx);
 */
import type { Limits } from '../../limits.js';
import type { OutputKindModule, ParseContext, RawOutput } from '../output-kind.js';
import { boundedObjects, invalid, readFields } from '../read-fields.js';
import type { SummaryOutput, SummaryStatisticKind } from './summary-output.js';
import { SUMMARY_STATISTICS } from './summary-output.js';

/**
 * Parses a summary output; throws `SUMMARY_INVALID`.
 *
 * @example parseSummary(raw, ctx).statistics.length
 */
export function parseSummary(raw: RawOutput, ctx: ParseContext): SummaryOutput {
  const { limits, pointer } = ctx;
  const f = readFields(raw, pointer, 'SUMMARY_INVALID');
  const statistics = boundedObjects(f, 'statistics', limits.maxCells, 'SUMMARY_INVALID').map((s) => {
    const statistic = s.string('statistic') as SummaryStatisticKind;
    if (!SUMMARY_STATISTICS.includes(statistic)) invalid('SUMMARY_INVALID', s.at('statistic'), `unknown statistic "${statistic}"; expected one of ${SUMMARY_STATISTICS.join(', ')}`);
    const p = s.optNumber('p');
    if (statistic === 'percentile') {
      if (p === undefined) invalid('SUMMARY_INVALID', s.at('p'), 'a percentile needs p (0–100)');
      if (p < 0 || p > 100) invalid('SUMMARY_INVALID', s.at('p'), `p must be between 0 and 100 (got ${p})`);
    } else if (p !== undefined) {
      invalid('SUMMARY_INVALID', s.at('p'), `p is only for percentiles, not for ${statistic}`);
    }
    return { name: s.string('name'), statistic, p: p ?? null, n: s.integer('n', 1), value: s.number('value') };
  });
  return { statistics };
}

export const summaryKind: OutputKindModule<SummaryOutput> = { kind: 'summary', parse: parseSummary };
