/**
 * `min_count` on trained models: a model trained on fewer than `threshold` records fails
 * (equal passes). Regressions are covered by `residual_dof` instead.
 *
 * @example modelMinCount.run({ type: 'trained', family: 'random_forest', nTrain: 9, format: 'onnx', hyperparameters: {}, leafSize: null }, DEFAULT_PARAMETERS, ctx)[0].status // 'fail'
 */
import type { ModelOutput } from '../outputs/model/model-output.js';
import { itemCheck } from './item-check.js';
import { belowThreshold } from './threshold-reasons.js';

export const modelMinCount = itemCheck<ModelOutput>({
  id: 'min_count',
  kind: 'model',
  status: 'fail',
  flag: (m, p) => {
    if (m.type !== 'trained') return null;
    const reason = belowThreshold(m.nTrain, p.threshold, 'n_train');
    return reason ? [{ ref: 'n_train', value: m.nTrain, reason }] : [];
  },
  message: (_n, _m, p) => `The model was trained on fewer than ${p.threshold} records.`,
  remedy: (_n, _m, p) => `Train on at least ${p.threshold} records, or release only aggregate performance metrics instead of the model.`,
  passMessage: (_m, p) => `The model was trained on at least ${p.threshold} records.`,
});
