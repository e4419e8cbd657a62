import { describe, expect, it } from 'vitest';
import { instanceBased } from '../../src/checks/instance-based.js';
import { modelKind } from '../../src/outputs/model/model-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const trained = (family: string) => parseAs(modelKind, { family, n_train: 1000, format: 'onnx' });

describe('instance_based', () => {
  it.each([
    ['knn', 'fail'],
    ['K-Nearest Neighbours', 'fail'],
    ['svm', 'fail'],
    ['SVC', 'fail'],
    ['gaussian_process', 'fail'],
    ['kernel_ridge', 'fail'],
    ['som', 'fail'],
    ['lvq', 'fail'],
    ['random_forest', 'pass'],
    ['gradient_boosting', 'pass'],
    ['neural_network', 'pass'],
    ['decision_tree', 'pass'],
    ['KNeighborsClassifier', 'fail'],
    ['KNeighborsRegressor', 'fail'],
    ['class::knn', 'fail'],
    ['e1071::svm', 'fail'],
    ['NuSVR', 'fail'],
    ['GaussianProcessRegressor', 'fail'],
    ['KernelDensity', 'fail'],
    ['LinearSVC', 'pass'],
    ['RandomForestClassifier', 'pass'],
  ])('%s: %s', (family, status) => {
    const [f] = instanceBased.run(trained(family), params(), ctx);
    expect(f).toMatchObject({ check: 'instance_based', status });
    if (status === 'fail') expect(f.remedy).toContain('Do not release the fitted model');
  });

  it('uses the families the rules list', () => {
    expect(instanceBased.run(trained('knn'), params({ instance_based_families: ['svm'] }), ctx)[0].status).toBe('pass');
    expect(instanceBased.run(trained('my_memoriser'), params({ instance_based_families: ['My Memoriser'] }), ctx)[0].status).toBe('fail');
  });

  it('judges the family, not the fields: a nearest-neighbours model described like a regression still fails', () => {
    expect(instanceBased.run(parseAs(modelKind, { family: 'ols', n_obs: 100, n_params: 2 }), params(), ctx)[0].status).toBe('pass');
    expect(instanceBased.run(parseAs(modelKind, { family: 'KNeighborsRegressor', n_obs: 100, n_params: 2 }), params(), ctx)[0].status).toBe('fail');
  });

  it('accepts aliases in the rules list', () => {
    expect(instanceBased.run(trained('knn'), params({ instance_based_families: ['KNeighborsClassifier'] }), ctx)[0].status).toBe('fail');
  });
});
