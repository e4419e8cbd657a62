import { describe, expect, it } from 'vitest';
import { treeLeafSize } from '../../src/checks/tree-leaf-size.js';
import { modelKind } from '../../src/outputs/model/model-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const tree = (family: string, hyperparameters?: Record<string, unknown>, n_train = 1000) =>
  parseAs(modelKind, { family, n_train, format: 'onnx', ...(hyperparameters ? { hyperparameters } : {}) });

describe('tree_leaf_size', () => {
  it.each([
    ['random_forest', { min_samples_leaf: 5 }, 'pass'],
    ['random_forest', { min_samples_leaf: 4 }, 'fail'],
    ['gradient_boosting', { min_samples_leaf: 1 }, 'fail'],
    ['decision_tree', { min_samples_leaf: 50 }, 'pass'],
    ['lightgbm', { min_data_in_leaf: 4 }, 'fail'],
    ['lightgbm', { min_child_samples: 20 }, 'pass'],
    ['random_forest', { nodesize: 5 }, 'pass'],
    ['random_forest', { min_samples_leaf: 0.005 }, 'pass'], // ceil(0.005 × 1000) = 5
    ['random_forest', { min_samples_leaf: 0.004 }, 'fail'], // 4
    ['random_forest', undefined, 'review'],
    ['xgboost', { max_depth: 3 }, 'review'],
    ['DecisionTreeClassifier', { min_samples_leaf: 1 }, 'fail'],
    ['DecisionTreeClassifier', { min_samples_leaf: 5 }, 'pass'],
    ['DecisionTreeClassifier', undefined, 'review'],
    ['rpart', { minbucket: 4 }, 'fail'],
    ['rpart', { minbucket: 5 }, 'pass'],
    ['randomForest', { nodesize: 1 }, 'fail'],
    ['ranger', { 'min.bucket': 5 }, 'pass'],
    ['ranger', { 'min.node.size': 10 }, 'review'], // a node size to split at, not a leaf size
    ['gbm', { 'n.minobsinnode': 3 }, 'fail'],
    ['XGBClassifier', { min_child_weight: 50 }, 'review'], // weights, not records
    ['LGBMClassifier', { min_child_samples: 4 }, 'fail'],
    ['CatBoostRegressor', { min_data_in_leaf: 50 }, 'review'], // ignored under SymmetricTree
    ['HistGradientBoostingClassifier', { min_samples_leaf: 20 }, 'pass'],
  ])('%s %j: %s', (family, hp, status) => {
    const [f] = treeLeafSize.run(tree(family, hp), params(), ctx);
    expect(f).toMatchObject({ check: 'tree_leaf_size', status });
  });

  it('remedy: raise min_samples_leaf to the limit', () => {
    const [f] = treeLeafSize.run(tree('random_forest', { min_samples_leaf: 2 }), params(), ctx);
    expect(f.items).toEqual([{ ref: 'hyperparameters/min_samples_leaf', value: 2, reason: 'leaves of 2 record(s) < 5' }]);
    expect(f.remedy).toMatch(/^Retrain with min_samples_leaf = 5 or more/);
  });

  it('follows min_samples_leaf from the rules', () => {
    expect(treeLeafSize.run(tree('random_forest', { min_samples_leaf: 5 }), params({ min_samples_leaf: 10 }), ctx)[0].status).toBe('fail');
  });

  it.each(['knn', 'neural_network', 'MLPClassifier', 'unknown_thing'])('does not apply to %s', (family) => {
    expect(treeLeafSize.run(tree(family, { min_samples_leaf: 1 }), params(), ctx)).toEqual([]);
  });

  it('says why a weight bound is not a leaf size', () => {
    const [f] = treeLeafSize.run(tree('XGBClassifier', { min_child_weight: 50 }), params(), ctx);
    expect(f.items?.[0]?.reason).toMatch(/min_child_weight bounds the sum of instance weights/);
  });

  it('sends a tree family described like a regression (no hyperparameters) to review', () => {
    const [f] = treeLeafSize.run(parseAs(modelKind, { family: 'rpart', n_obs: 500, n_params: 12 }), params(), ctx);
    expect(f.status).toBe('review');
  });

  it('reads leaf-size hyperparameter names from the rules', () => {
    const h2o = tree('random_forest', { min_rows: 2 });
    expect(treeLeafSize.run(h2o, params(), ctx)[0].status).toBe('fail');
  });
});
