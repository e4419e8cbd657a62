/**
 * `tree_leaf_size` on tree models (`tree_model_families`, after the alias table resolves the
 * family: `DecisionTreeClassifier` and `rpart` are `decision_tree`): leaves with fewer than
 * `min_samples_leaf` training records (5 by default) describe too few people, so the model
 * fails. A tree model that declares no leaf size (by the rules' `leaf_size_hyperparameters`)
 * goes to review, because the common libraries default to leaves of a single record; so does
 * one whose only leaf-like hyperparameter bounds weights rather than records
 * (`min_child_weight`), or one whose library ignores the declared value (CatBoost's
 * `min_data_in_leaf` under its default grow policy).
 *
 * @example treeLeafSize.run(parseModel({ …, family: 'DecisionTreeClassifier', hyperparameters: { min_samples_leaf: 1 } }), DEFAULT_PARAMETERS, ctx)[0].status // 'fail'
 */
import { familyListed } from '../outputs/model/model-family.js';
import type { LeafSize, ModelOutput } from '../outputs/model/model-output.js';
import { familyLabel } from '../outputs/model/model-output.js';
import { itemCheck } from './item-check.js';

const leafOf = (m: ModelOutput): LeafSize | null => (m.type === 'trained' ? m.leafSize : null);
const notesOf = (m: ModelOutput): string => (m.type === 'trained' && m.leafSizeNotes.length ? ` (${m.leafSizeNotes.join('; ')})` : '');

export const treeLeafSize = itemCheck<ModelOutput>({
  id: 'tree_leaf_size',
  kind: 'model',
  status: (m) => (leafOf(m) === null ? 'review' : 'fail'),
  flag: (m, p) => {
    if (!familyListed(p.tree_model_families, m.family, p)) return null;
    const leaf = leafOf(m);
    if (leaf === null) return [{ ref: 'hyperparameters', value: null, reason: `no leaf-size hyperparameter (${p.leaf_size_hyperparameters.slice(0, 3).join(', ')}, …) is declared${notesOf(m)}` }];
    return leaf.records < p.min_samples_leaf
      ? [{ ref: `hyperparameters/${leaf.hyperparameter}`, value: leaf.records, reason: `leaves of ${leaf.records} record(s) < ${p.min_samples_leaf}` }]
      : [];
  },
  message: (_n, m, p) =>
    leafOf(m) === null
      ? `The ${familyLabel(m)} model does not declare a leaf size in records; most libraries default to leaves of 1 record.`
      : `The ${familyLabel(m)} model may have leaves with fewer than ${p.min_samples_leaf} training records.`,
  remedy: (_n, m, p) =>
    leafOf(m) === null
      ? `Declare the leaf size in hyperparameters (min_samples_leaf, minbucket, nodesize, min_data_in_leaf, …; retrain with ${p.min_samples_leaf} or more if it was lower).`
      : `Retrain with min_samples_leaf = ${p.min_samples_leaf} or more (rpart: minbucket; randomForest: nodesize; LightGBM: min_data_in_leaf; gbm: n.minobsinnode).`,
  passMessage: (m, p) => `Every leaf of the ${familyLabel(m)} model holds at least ${p.min_samples_leaf} training records.`,
});
