import { itemCheck } from './item-check.js';
import { belowThreshold } from './threshold-reasons.js';
export const modelMinCount = itemCheck({
    id: 'min_count',
    kind: 'model',
    status: 'fail',
    flag: (m, p) => {
        if (m.type !== 'trained')
            return null;
        const reason = belowThreshold(m.nTrain, p.threshold, 'n_train');
        return reason ? [{ ref: 'n_train', value: m.nTrain, reason }] : [];
    },
    message: (_n, _m, p) => `The model was trained on fewer than ${p.threshold} records.`,
    remedy: (_n, _m, p) => `Train on at least ${p.threshold} records, or release only aggregate performance metrics instead of the model.`,
    passMessage: (_m, p) => `The model was trained on at least ${p.threshold} records.`,
});
//# sourceMappingURL=model-min-count.js.map