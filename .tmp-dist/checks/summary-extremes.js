import { statisticRef } from '../outputs/summary/summary-output.js';
import { flagEach, itemCheck } from './item-check.js';
import { countOf } from './threshold-reasons.js';
function extremeReason(s) {
    if (s.statistic === 'min' || s.statistic === 'max')
        return `the ${s.statistic} is a single record's value`;
    if (s.statistic === 'percentile' && (s.p === 0 || s.p === 100))
        return `the ${s.p}th percentile is the ${s.p === 0 ? 'minimum' : 'maximum'}, a single record's value`;
    return null;
}
export const summaryExtremes = itemCheck({
    id: 'extremes',
    kind: 'summary',
    status: 'fail',
    flag: (s) => flagEach(s.statistics, extremeReason, (x, i) => statisticRef(i, x), () => null),
    message: (n) => `${countOf(n, 'statistic')} ${n === 1 ? 'shows' : 'show'} a single record's value (a minimum or maximum).`,
    remedy: () => 'Report percentiles (e.g. the 5th and 95th) instead of the minimum and maximum, or a range rounded to a coarse unit.',
    passMessage: () => 'No statistic shows a single record’s value.',
});
//# sourceMappingURL=summary-extremes.js.map