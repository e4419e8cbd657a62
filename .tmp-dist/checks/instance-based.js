import { normaliseName } from '../outputs/read-fields.js';
import { itemCheck } from './item-check.js';
export const instanceBased = itemCheck({
    id: 'instance_based',
    kind: 'model',
    status: 'fail',
    flag: (m, p) => {
        if (m.type !== 'trained')
            return null;
        const stores = p.instance_based_families.some((f) => normaliseName(f) === m.family);
        return stores ? [{ ref: 'family', value: null, reason: `"${m.family}" models store training records (support vectors, neighbours or kernel centres)` }] : [];
    },
    message: (_n, m) => `A ${m.family} model carries some of its training records inside it.`,
    remedy: () => 'Do not release the fitted model: release a model that does not store records (e.g. a tree ensemble with min_samples_leaf of at least 5, or a regression), or only its evaluation metrics.',
    passMessage: (m) => `"${m.family}" is not an instance-based family.`,
});
//# sourceMappingURL=instance-based.js.map