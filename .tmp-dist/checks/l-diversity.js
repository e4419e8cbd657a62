import { distinctPerClass } from '../outputs/records/equivalence-classes.js';
import { classRef } from '../outputs/records/records-output.js';
import { itemCheck } from './item-check.js';
import { countOf } from './threshold-reasons.js';
function homogeneousClasses(r, l) {
    if (r.sensitiveColumn === null)
        return null;
    const distinct = distinctPerClass(r.classes, r.sensitiveColumn);
    const flagged = [];
    for (let c = 0; c < r.classes.count; c++) {
        if (distinct[c] < l) {
            flagged.push({
                ref: classRef(r, c),
                value: distinct[c],
                reason: `${countOf(r.classes.sizes[c], 'record')} with ${countOf(distinct[c], 'distinct value')} of ${r.sensitive} < l ${l}`,
            });
        }
    }
    return flagged;
}
export const lDiversity = itemCheck({
    id: 'l_diversity',
    kind: 'records',
    status: 'fail',
    flag: (r, p) => homogeneousClasses(r, p.l),
    message: (n, r, p) => `${countOf(n, 'equivalence class', 'equivalence classes')} of (${r.quasiIdentifiers.join(', ')}) ${n === 1 ? 'has' : 'have'} fewer than ${p.l} distinct values of ${r.sensitive}, revealing it for everyone in them.`,
    remedy: (_n, r, p) => `Generalise the quasi-identifiers (${r.quasiIdentifiers.join(', ')}) so classes merge until each holds at least ${p.l} distinct values of ${r.sensitive}, generalise ${r.sensitive} itself, or suppress the records of these classes.`,
    passMessage: (r, p) => `Every equivalence class holds at least ${p.l} distinct values of ${r.sensitive}.`,
});
//# sourceMappingURL=l-diversity.js.map