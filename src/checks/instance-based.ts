/**
 * `instance_based` on models: families that store training records inside the model
 * (k-nearest neighbours, support vector machines, Gaussian processes, kernel methods,
 * self-organising maps, LVQ; `instance_based_families`) fail, whatever their format and
 * whichever fields (regression or trained model) describe them. The family is the one the
 * rules' alias table resolves (`KNeighborsClassifier` is `knn`).
 *
 * @example instanceBased.run(parseModel({ …, family: 'KNeighborsClassifier' }), DEFAULT_PARAMETERS, ctx)[0].status // 'fail'
 */
import { familyListed } from '../outputs/model/model-family.js';
import type { ModelOutput } from '../outputs/model/model-output.js';
import { familyLabel } from '../outputs/model/model-output.js';
import { itemCheck } from './item-check.js';

export const instanceBased = itemCheck<ModelOutput>({
  id: 'instance_based',
  kind: 'model',
  status: 'fail',
  flag: (m, p) => {
    const stores = familyListed(p.instance_based_families, m.family, p);
    return stores ? [{ ref: 'family', value: null, reason: `${familyLabel(m)} models store training records (support vectors, neighbours or kernel centres)` }] : [];
  },
  message: (_n, m) => `A ${familyLabel(m)} model carries some of its training records inside it.`,
  remedy: () =>
    'Do not release the fitted model: release a model that does not store records (e.g. a tree ensemble with min_samples_leaf of at least 5, or a regression), or only its evaluation metrics.',
  passMessage: (m) => `${familyLabel(m)} is not an instance-based family.`,
});
