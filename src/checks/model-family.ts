/**
 * `model_family` on models: the family must be one the rules recognise (a key or alias of
 * `model_family_aliases`, or listed in `instance_based_families` / `tree_model_families`),
 * because the structural checks (`instance_based`, `tree_leaf_size`) can only judge a family
 * they know. An unrecognised family gets `review`: its structural risks are unknown
 * (sdc-rules.md principle 1), whatever its other checks say.
 *
 * @example modelFamily.run(parseModel({ …, family: 'MysteryNet' }), DEFAULT_PARAMETERS, ctx)[0].status // 'review'
 */
import type { ModelOutput } from '../outputs/model/model-output.js';
import { familyLabel } from '../outputs/model/model-output.js';
import { itemCheck } from './item-check.js';

export const modelFamily = itemCheck<ModelOutput>({
  id: 'model_family',
  kind: 'model',
  status: 'review',
  flag: (m) => (m.familyRecognised ? [] : [{ ref: 'family', value: null, reason: `"${m.familyName}" is not a family the rules know (model_family_aliases)` }]),
  message: (_n, m) => `The model family "${m.familyName}" is not recognised, so whether the model stores training records or has small leaves cannot be checked automatically.`,
  remedy: () =>
    'Name the family as the library does (e.g. RandomForestClassifier, rpart, glm); an output checker must otherwise judge the model, and governance can add the name to model_family_aliases.',
  passMessage: (m) => `The model family ${familyLabel(m)} is recognised.`,
});
