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
      nObs: 120,
      nParams: 3,
      residualDof: 117,
      coefficients: [
        { term: '(Intercept)', estimate: 1.2, stdError: 0.3 },
        { term: 'age', estimate: 0.04, stdError: null },
      ],
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
  ])('%s → MODEL_INVALID', (_what, fields, pointer) => {
    const e = expectCode(() => parseAs(modelKind, fields), 'MODEL_INVALID');
    expect(e.details[0].pointer).toBe(pointer);
  });
});
