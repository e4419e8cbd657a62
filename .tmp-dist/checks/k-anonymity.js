import { equivalenceClasses, rowsInSmallClasses } from '../outputs/records/equivalence-classes.js';
import { classRef } from '../outputs/records/records-output.js';
import { itemCheck } from './item-check.js';
import { countOf } from './threshold-reasons.js';
/**
 * For each quasi-identifier, the rows left in classes smaller than `k` without it; the best
 * (fewest) first.
 *
 * @example generalisationGain(records, 10) // [{ column: 'postcode', rowsAtRisk: 2 }, …]
 */
export function generalisationGain(r, k) {
    if (r.qiColumns.length < 2)
        return [];
    return r.quasiIdentifiers
        .map((column, j) => ({ column, rowsAtRisk: rowsInSmallClasses(equivalenceClasses(r.qiColumns.filter((_, i) => i !== j), r.nRows), k) }))
        .sort((a, b) => a.rowsAtRisk - b.rowsAtRisk);
}
function smallClasses(r, k) {
    const { sizes, count } = r.classes;
    const small = [];
    for (let c = 0; c < count; c++)
        if (sizes[c] < k)
            small.push(c);
    small.sort((a, b) => sizes[a] - sizes[b] || a - b);
    const qis = r.quasiIdentifiers.join(', ');
    return small.map((c) => ({ ref: classRef(r, c), value: sizes[c], reason: `${sizes[c] === 1 ? '1 record has its own' : `${sizes[c]} records share one`} combination of (${qis}); k = ${k}` }));
}
export const kAnonymity = itemCheck({
    id: 'k_anonymity',
    kind: 'records',
    status: 'fail',
    flag: (r, p) => smallClasses(r, p.k),
    message: (n, r, p) => {
        const rows = rowsInSmallClasses(r.classes, p.k);
        return `${countOf(n, 'combination')} of (${r.quasiIdentifiers.join(', ')}) ${n === 1 ? 'occurs' : 'occur'} fewer than ${p.k} times (${countOf(rows, 'record')} in them, of ${r.nRows}).`;
    },
    remedy: (_n, r, p) => {
        const rows = rowsInSmallClasses(r.classes, p.k);
        const suppress = `or suppress the ${countOf(rows, 'record')} in classes smaller than ${p.k}`;
        const [best] = generalisationGain(r, p.k);
        if (!best)
            return `Generalise ${r.quasiIdentifiers[0]} (coarser categories, e.g. wider bands or fewer digits), ${suppress}.`;
        return `Generalise ${best.column} first (coarser categories, e.g. wider bands or fewer digits): without it, ${countOf(best.rowsAtRisk, 'record')} would remain in classes smaller than ${p.k} instead of ${rows}; ${suppress}.`;
    },
    passMessage: (r, p) => `Every combination of (${r.quasiIdentifiers.join(', ')}) occurs at least ${p.k} times.`,
});
//# sourceMappingURL=k-anonymity.js.map