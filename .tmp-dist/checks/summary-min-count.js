import { statisticRef } from '../outputs/summary/summary-output.js';
import { flagEach, itemCheck } from './item-check.js';
import { belowThreshold, countOf } from './threshold-reasons.js';
export const summaryMinCount = itemCheck({
    id: 'min_count',
    kind: 'summary',
    status: 'fail',
    flag: (s, p) => flagEach(s.statistics, (x) => belowThreshold(x.n, p.threshold, 'n'), (x, i) => statisticRef(i, x), (x) => x.n),
    message: (n, _s, p) => `${countOf(n, 'statistic')} ${n === 1 ? 'is' : 'are'} computed from fewer than ${p.threshold} records.`,
    remedy: (_n, _s, p) => `Compute these statistics over wider groups (merge categories or pool periods) so each uses at least ${p.threshold} records, or leave them out.`,
    passMessage: (_s, p) => `Every statistic is computed from at least ${p.threshold} records.`,
});
//# sourceMappingURL=summary-min-count.js.map