import { describe, expect, it } from 'vitest';
import { modelKind } from '../../../src/outputs/model/model-kind.js';
import { expectCode, parseAs } from '../../helpers/parse-output.js';

describe('model kind: parsing', () => {
  it('reads a regression and derives its residual degrees of freedom', () => {
    const m = parseAs(modelKind, {
      family: 'OLS',
      n_obs: 120,
      n_params: 3,
      coefficients: [
        { term: '(Intercept)', estimate: 1.2, std_error: 0.3 },
        { term: 'age', estimate: 0.04 },
      ],
    });
    expect(m).toEqual({
      type: 'regression',
      family: 'ols',
      familyName: 'OLS',
      familyRecognised: true,
      nObs: 120,
      nParams: 3,
      residualDof: 117,
      coefficients: [
        { term: '(Intercept)', estimate: 1.2, stdError: 0.3, n: null },
        { term: 'age', estimate: 0.04, stdError: null, n: null },
      ],
      converged: null,
      perfectSeparation: null,
    });
  });

  it('accepts residual_dof instead of n_params', () => {
    const m = parseAs(modelKind, { family: 'logit', n_obs: 50, residual_dof: 46 });
    expect(m).toMatchObject({ type: 'regression', nParams: 4, residualDof: 46 });
  });

  it('reads a trained model with its leaf size', () => {
    const m = parseAs(modelKind, { family: 'Random Forest', n_train: 500, format: '.ONNX', hyperparameters: { n_estimators: 100, min_samples_leaf: 5 } });
    expect(m).toMatchObject({ type: 'trained', family: 'random_forest', nTrain: 500, format: 'onnx', leafSize: { hyperparameter: 'min_samples_leaf', records: 5 } });
  });

  it.each([
    [{ min_samples_leaf: 0.01 }, { hyperparameter: 'min_samples_leaf', records: 10 }],
    [{ min_data_in_leaf: 20 }, { hyperparameter: 'min_data_in_leaf', records: 20 }],
    [{ nodesize: 8, min_samples_leaf: 3 }, { hyperparameter: 'min_samples_leaf', records: 3 }],
    [{ max_depth: 4 }, null],
  ])('leaf size from %j', (hyperparameters, leafSize) => {
    const m = parseAs(modelKind, { family: 'random_forest', n_train: 1000, format: 'onnx', hyperparameters });
    expect(m).toMatchObject({ leafSize });
  });

  it.each([
    ['no family', { n_obs: 10, n_params: 2 }, '/outputs/0/family'],
    ['neither kind of fields', { family: 'ols' }, '/outputs/0'],
    ['mixed fields', { family: 'ols', n_obs: 100, n_params: 2, format: 'onnx' }, '/outputs/0'],
    ['no n_obs', { family: 'ols', n_params: 2 }, '/outputs/0/n_obs'],
    ['no n_params nor residual_dof', { family: 'ols', n_obs: 100 }, '/outputs/0/n_params'],
    ['n_params > n_obs', { family: 'ols', n_obs: 10, n_params: 11 }, '/outputs/0/n_params'],
    ['n_params < 1', { family: 'ols', n_obs: 10, n_params: 0 }, '/outputs/0/n_params'],
    ['negative n_obs', { family: 'ols', n_obs: -5, n_params: 1 }, '/outputs/0/n_obs'],
    ['fractional n_obs', { family: 'ols', n_obs: 10.5, n_params: 1 }, '/outputs/0/n_obs'],
    ['string n_obs', { family: 'ols', n_obs: '100', n_params: 1 }, '/outputs/0/n_obs'],
    ['inconsistent residual_dof', { family: 'ols', n_obs: 100, n_params: 3, residual_dof: 90 }, '/outputs/0/residual_dof'],
    ['residual_dof > n_obs − 1', { family: 'ols', n_obs: 10, residual_dof: 10 }, '/outputs/0/residual_dof'],
    ['more coefficients than parameters', { family: 'ols', n_obs: 100, n_params: 1, coefficients: [{ term: 'a', estimate: 1 }, { term: 'b', estimate: 2 }] }, '/outputs/0/coefficients'],
    ['duplicate term', { family: 'ols', n_obs: 100, n_params: 3, coefficients: [{ term: 'a', estimate: 1 }, { term: 'a', estimate: 2 }] }, '/outputs/0/coefficients/1/term'],
    ['non-finite estimate', { family: 'ols', n_obs: 100, n_params: 3, coefficients: [{ term: 'a', estimate: 'x' }] }, '/outputs/0/coefficients/0/estimate'],
    ['negative std_error', { family: 'ols', n_obs: 100, n_params: 3, coefficients: [{ term: 'a', estimate: 1, std_error: -1 }] }, '/outputs/0/coefficients/0/std_error'],
    ['no format', { family: 'knn', n_train: 100 }, '/outputs/0/format'],
    ['n_train 0', { family: 'knn', n_train: 0, format: 'onnx' }, '/outputs/0/n_train'],
    ['hyperparameters not an object', { family: 'random_forest', n_train: 100, format: 'onnx', hyperparameters: [1] }, '/outputs/0/hyperparameters'],
    ['negative leaf size', { family: 'random_forest', n_train: 100, format: 'onnx', hyperparameters: { min_samples_leaf: -1 } }, '/outputs/0/hyperparameters/min_samples_leaf'],
    ['fractional leaf size > 1', { family: 'random_forest', n_train: 100, format: 'onnx', hyperparameters: { min_samples_leaf: 2.5 } }, '/outputs/0/hyperparameters/min_samples_leaf'],
    ['string leaf size', { family: 'random_forest', n_train: 100, format: 'onnx', hyperparameters: { nodesize: '5' } }, '/outputs/0/hyperparameters/nodesize'],
    ['a term with more observations than the model', { family: 'ols', n_obs: 100, n_params: 3, coefficients: [{ term: 'a', estimate: 1, n: 101 }] }, '/outputs/0/coefficients/0/n'],
    ['a fractional term n', { family: 'ols', n_obs: 100, n_params: 3, coefficients: [{ term: 'a', estimate: 1, n: 2.5 }] }, '/outputs/0/coefficients/0/n'],
    ['an estimate left out', { family: 'ols', n_obs: 100, n_params: 3, coefficients: [{ term: 'a' }] }, '/outputs/0/coefficients/0/estimate'],
    ['converged not a boolean', { family: 'logit', n_obs: 100, n_params: 3, converged: 'no' }, '/outputs/0/converged'],
    ['separation with trained-model fields', { family: 'logit', n_train: 100, format: 'onnx', perfect_separation: true }, '/outputs/0'],
  ])('%s → MODEL_INVALID', (_what, fields, pointer) => {
    const e = expectCode(() => parseAs(modelKind, fields), 'MODEL_INVALID');
    expect(e.details[0].pointer).toBe(pointer);
  });

  it.each([
    ['DecisionTreeClassifier', 'decision_tree'],
    ['sklearn.tree.DecisionTreeRegressor', 'decision_tree'],
    ['rpart', 'decision_tree'],
    ['rpart::rpart', 'decision_tree'],
    ['RandomForestRegressor', 'random_forest'],
    ['ranger', 'random_forest'],
    ['GradientBoostingClassifier', 'gradient_boosting'],
    ['gbm', 'gradient_boosting'],
    ['xgboost.XGBClassifier', 'xgboost'],
    ['KNeighborsClassifier', 'knn'],
    ['class::knn', 'knn'],
    ['SVC', 'svm'],
    ['e1071::svm', 'svm'],
    ['GaussianProcessRegressor', 'gaussian_process'],
    ['Random Forest', 'random_forest'],
    ['k-nearest neighbours', 'knn'],
    ['ＫＮｅｉｇｈｂｏｒｓＣｌａｓｓｉｆｉｅｒ', 'knn'],
  ])('resolves the family %s to %s', (name, family) => {
    expect(parseAs(modelKind, { family: name, n_train: 500, format: 'onnx' })).toMatchObject({ family, familyName: name, familyRecognised: true });
  });

  it.each([
    ['glm', 'glm'],
    ['lm', 'ols'],
    ['coxph', 'cox'],
    ['LogisticRegression', 'logit'],
    ['MASS::glm.nb', 'negative_binomial'],
  ])('resolves the regression family %s to %s', (name, family) => {
    expect(parseAs(modelKind, { family: name, n_obs: 500, n_params: 3 })).toMatchObject({ family, familyRecognised: true });
  });

  it('keeps an unknown family as it is, unrecognised', () => {
    expect(parseAs(modelKind, { family: 'My Memoriser', n_train: 500, format: 'onnx' })).toMatchObject({ family: 'my_memoriser', familyRecognised: false });
  });

  it('reads coefficient n, non-finite estimates and standard errors as R and Python write them, and the fit flags', () => {
    const m = parseAs(modelKind, {
      family: 'glm',
      n_obs: 200,
      n_params: 4,
      converged: false,
      perfect_separation: true,
      coefficients: [
        { term: '(Intercept)', estimate: 0.2, std_error: 0.1, n: 200 },
        { term: 'siteB', estimate: 'NA', std_error: 'NA', n: 0 },
        { term: 'siteC', estimate: 19.6, std_error: 'Inf', n: 3 },
        { term: 'age', estimate: 0.01, std_error: null },
      ],
    });
    expect(m).toMatchObject({ converged: false, perfectSeparation: true });
    if (m.type !== 'regression') throw new Error('not a regression');
    expect(m.coefficients.map((c) => [c.n, c.estimate, c.stdError])).toEqual([
      [200, 0.2, 0.1],
      [0, NaN, NaN],
      [3, 19.6, Infinity],
      [null, 0.01, null],
    ]);
  });

  it.each([
    [{ min_child_weight: 10 }, null, /min_child_weight bounds the sum/],
    [{ min_sum_hessian_in_leaf: 10, min_data_in_leaf: 8 }, { hyperparameter: 'min_data_in_leaf', records: 8 }, /min_sum_hessian_in_leaf/],
    [{ 'min.bucket': 7 }, { hyperparameter: 'min.bucket', records: 7 }, null],
    [{ 'n.minobsinnode': 6 }, { hyperparameter: 'n.minobsinnode', records: 6 }, null],
    [{ minInstancesPerNode: 9 }, { hyperparameter: 'minInstancesPerNode', records: 9 }, null],
    [{ 'min.node.size': 9 }, null, null],
  ])('leaf size by alias from %j', (hyperparameters, leafSize, note) => {
    const m = parseAs(modelKind, { family: 'random_forest', n_train: 1000, format: 'onnx', hyperparameters });
    expect(m).toMatchObject({ leafSize });
    if (m.type !== 'trained') throw new Error('not trained');
    if (note) expect(m.leafSizeNotes.join(' ')).toMatch(note);
    else expect(m.leafSizeNotes).toEqual([]);
  });

  it('takes CatBoost min_data_in_leaf only under a grow policy that honours it', () => {
    const symmetric = parseAs(modelKind, { family: 'CatBoostClassifier', n_train: 1000, format: 'onnx', hyperparameters: { min_data_in_leaf: 20 } });
    expect(symmetric).toMatchObject({ leafSize: null });
    const depthwise = parseAs(modelKind, { family: 'CatBoostClassifier', n_train: 1000, format: 'onnx', hyperparameters: { min_data_in_leaf: 20, grow_policy: 'Depthwise' } });
    expect(depthwise).toMatchObject({ leafSize: { hyperparameter: 'min_data_in_leaf', records: 20 } });
  });

  it('keeps replay evidence that parses back to the same model', () => {
    const raw = {
      family: 'LogisticRegression',
      n_obs: 300,
      n_params: 2,
      converged: true,
      coefficients: [
        { term: '(Intercept)', estimate: 0.5, std_error: 0.2, n: 300 },
        { term: 'x', estimate: 'NaN', std_error: 'Inf', n: 12 },
      ],
    };
    const m = parseAs(modelKind, raw);
    const evidence = modelKind.evidence!(m) as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(evidence))).toEqual(evidence);
    expect(parseAs(modelKind, evidence)).toEqual(m);
    const t = parseAs(modelKind, { family: 'rpart', n_train: 900, format: 'ONNX', hyperparameters: { minbucket: 7 } });
    expect(parseAs(modelKind, modelKind.evidence!(t) as Record<string, unknown>)).toEqual(t);
  });
});
