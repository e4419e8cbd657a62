import { normaliseName } from '../outputs/read-fields.js';
import { itemCheck } from './item-check.js';
export const treeLeafSize = itemCheck({
    id: 'tree_leaf_size',
    kind: 'model',
    status: (m) => (m.type === 'trained' && m.leafSize === null ? 'review' : 'fail'),
    flag: (m, p) => {
        if (m.type !== 'trained' || !p.tree_model_families.some((f) => normaliseName(f) === m.family))
            return null;
        const leaf = m.leafSize;
        if (leaf === null)
            return [{ ref: 'hyperparameters', value: null, reason: 'no leaf-size hyperparameter (min_samples_leaf) is declared' }];
        return leaf.records < p.min_samples_leaf
            ? [{ ref: `hyperparameters/${leaf.hyperparameter}`, value: leaf.records, reason: `leaves of ${leaf.records} record(s) < ${p.min_samples_leaf}` }]
            : [];
    },
    message: (_n, m, p) => m.type === 'trained' && m.leafSize === null
        ? `The ${m.family} model does not declare its leaf size; most libraries default to leaves of 1 record.`
        : `The ${m.family} model may have leaves with fewer than ${p.min_samples_leaf} training records.`,
    remedy: (_n, m, p) => m.type === 'trained' && m.leafSize === null
        ? `Declare hyperparameters.min_samples_leaf (retrain with min_samples_leaf = ${p.min_samples_leaf} or more if it was lower).`
        : `Retrain with min_samples_leaf = ${p.min_samples_leaf} or more (LightGBM: min_data_in_leaf; R randomForest: nodesize).`,
    passMessage: (_m, p) => `Every leaf holds at least ${p.min_samples_leaf} training records.`,
});
//# sourceMappingURL=tree-leaf-size.js.map