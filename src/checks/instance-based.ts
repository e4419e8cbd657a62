/**
 * `instance_based` on trained models: families that store training records inside the
 * model (k-nearest neighbours, support vector machines, Gaussian processes, kernel methods,
 * self-organising maps, LVQ; `instance_based_families`) fail, whatever their format.
 *
 * @example instanceBased.run({ type: 'trained', family: 'knn', … }, DEFAULT_PARAMETERS, ctx)[0].status // 'fail'
 */
import type { ModelOutput } from '../outputs/model/model-output.js';
import { normaliseName } from '../outputs/read-fields.js';
import { itemCheck } from './item-check.js';

export const instanceBased = itemCheck<ModelOutput>({
  id: 'instance_based',
  kind: 'model',
  status: 'fail',
  flag: (m, p) => {
    if (m.type !== 'trained') return null;
    const stores = p.instance_based_families.some((f) => normaliseName(f) === m.family);
    return stores ? [{ ref: 'family', value: null, reason: `"${m.family}" models store training records (support vectors, neighbours or kernel centres)` }] : [];
  },
  message: (_n, m) => `A ${m.family} model carries some of its training records inside it.`,
  remedy: () =>
    'Do not release the fitted model: release a model that does not store records (e.g. a tree ensemble with min_samples_leaf of at least 5, or a regression), or only its evaluation metrics.',
  passMessage: (m) => `"${m.family}" is not an instance-based family.`,
});
