import { boundedObjects, invalid, readFields } from '../read-fields.js';
import { SUMMARY_STATISTICS } from './summary-output.js';
/**
 * Parses a summary output; throws `SUMMARY_INVALID`.
 *
 * @example parseSummary(raw, ctx).statistics.length
 */
export function parseSummary(raw, ctx) {
    const { limits, pointer } = ctx;
    const f = readFields(raw, pointer, 'SUMMARY_INVALID');
    const statistics = boundedObjects(f, 'statistics', limits.maxCells, 'SUMMARY_INVALID').map((s) => {
        const statistic = s.string('statistic');
        if (!SUMMARY_STATISTICS.includes(statistic))
            invalid('SUMMARY_INVALID', s.at('statistic'), `unknown statistic "${statistic}"; expected one of ${SUMMARY_STATISTICS.join(', ')}`);
        const p = s.optNumber('p');
        if (statistic === 'percentile') {
            if (p === undefined)
                invalid('SUMMARY_INVALID', s.at('p'), 'a percentile needs p (0–100)');
            if (p < 0 || p > 100)
                invalid('SUMMARY_INVALID', s.at('p'), `p must be between 0 and 100 (got ${p})`);
        }
        else if (p !== undefined) {
            invalid('SUMMARY_INVALID', s.at('p'), `p is only for percentiles, not for ${statistic}`);
        }
        return { name: s.string('name'), statistic, p: p ?? null, n: s.integer('n', 1), value: s.number('value') };
    });
    return { statistics };
}
export const summaryKind = { kind: 'summary', parse: parseSummary };
//# sourceMappingURL=summary-kind.js.map