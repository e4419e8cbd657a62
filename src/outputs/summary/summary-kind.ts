/**
 * `kind: "summary"`: summary statistics (mean, sd, median, min, max, percentile) with
 * their n — declared, or computed by airlock from `microdata` + `spec` (`spec.unit`,
 * `spec.values`: the measure columns; each statistic's `name` is its column). With
 * microdata, declared values and n must agree with the computed ones and may be left out.
 * A percentile needs `p` in [0, 100]; other statistics must not have one. Bad input throws
 * `SUMMARY_INVALID` with the statistic's pointer, or the microdata readers' codes.
 *
 * @example
 * summaryKind.parse({ name: 's', kind: 'summary', statistics: [{ name: 'age', statistic: 'mean', n: 40, value: 51.3 }] }, ctx);
 */
import { invariant } from '../../lib/invariant.js';
import { microdataInput } from '../microdata-input.js';
import type { OutputKindModule, ParseContext, RawOutput } from '../output-kind.js';
import { boundedObjects, invalid, readFields } from '../read-fields.js';
import type { DeclaredStatistic } from './summary-from-microdata.js';
import { summaryFromMicrodata } from './summary-from-microdata.js';
import type { SummaryOutput } from './summary-output.js';
import { SUMMARY_STATISTICS } from './summary-output.js';

/**
 * Parses a summary output; throws `SUMMARY_INVALID`.
 *
 * @example parseSummary(raw, ctx).statistics.length
 */
export function parseSummary(raw: RawOutput, ctx: ParseContext): SummaryOutput {
  const { limits, pointer } = ctx;
  const f = readFields(raw, pointer, 'SUMMARY_INVALID');
  const withMicrodata = f.has('microdata');
  const specObject = f.optObject('spec');
  if (withMicrodata !== (specObject !== undefined)) {
    invalid('SUMMARY_INVALID', f.at('spec'), withMicrodata ? 'summary microdata needs a spec (its unit and values columns)' : 'a spec describes microdata; send the microdata with it');
  }
  const microdata = withMicrodata ? microdataInput(raw.microdata, f.at('microdata'), 'SUMMARY_INVALID') : null;
  const declared: DeclaredStatistic[] = boundedObjects(f, 'statistics', limits.maxCells, 'SUMMARY_INVALID').map((s) => {
    const name = s.string('statistic');
    const statistic = SUMMARY_STATISTICS.find((k) => k === name) ?? invalid('SUMMARY_INVALID', s.at('statistic'), `unknown statistic "${name}"; expected one of ${SUMMARY_STATISTICS.join(', ')}`);
    const p = s.optNumber('p');
    if (statistic === 'percentile') {
      if (p === undefined) invalid('SUMMARY_INVALID', s.at('p'), 'a percentile needs p (0–100)');
      if (p < 0 || p > 100) invalid('SUMMARY_INVALID', s.at('p'), `p must be between 0 and 100 (got ${p})`);
    } else if (p !== undefined) {
      invalid('SUMMARY_INVALID', s.at('p'), `p is only for percentiles, not for ${statistic}`);
    }
    // Without microdata the declared n and value are all airlock has: both required.
    const n = withMicrodata ? s.optInteger('n', 1) : s.integer('n', 1);
    const value = withMicrodata ? s.optNumber('value') : s.number('value');
    return { name: s.string('name'), statistic, p: p ?? null, n, value, pointer: s.pointer };
  });
  if (microdata) return { source: 'microdata', ...summaryFromMicrodata(readFields(specObject, f.at('spec'), 'SUMMARY_INVALID'), microdata, declared, ctx) };
  const statistics = declared.map(({ name, statistic, p, n, value }) => {
    invariant(n !== undefined && value !== undefined, 'without microdata, n and value were read as required');
    return { name, statistic, p, n, value };
  });
  return { statistics, source: 'declared', units: null };
}

/**
 * What replay keeps of a summary: its statistics with n and value (computed ones for a
 * summary sent with microdata), never the microdata or the units.
 *
 * @example summaryEvidence(s) // { statistics: [{ name: 'age', statistic: 'mean', n: 120, value: 47.2 }] }
 */
export function summaryEvidence(s: SummaryOutput): Record<string, unknown> {
  return { statistics: s.statistics.map(({ name, statistic, p, n, value }) => ({ name, statistic, ...(p === null ? {} : { p }), n, value })) };
}

export const summaryKind: OutputKindModule<SummaryOutput, never, Record<string, unknown>> = {
  kind: 'summary',
  parse: parseSummary,
  // What airlock computed from microdata is what was checked, and what may be published.
  present: (s) => (s.source === 'microdata' ? { computed: summaryEvidence(s) } : {}),
  evidence: summaryEvidence,
};
