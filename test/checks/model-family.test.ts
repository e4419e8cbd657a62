import { describe, expect, it } from 'vitest';
import { modelFamily } from '../../src/checks/model-family.js';
import { modelKind } from '../../src/outputs/model/model-kind.js';
import { ambiguousAliases } from '../../src/outputs/model/model-family.js';
import { DEFAULT_PARAMETERS } from '../../src/rules/parameters.js';
import { parseAs, parseCtx } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const trained = (family: string, p = params()) => parseAs(modelKind, { family, n_train: 1000, format: 'onnx' }, { ...parseCtx, params: p });

describe('model_family', () => {
  it.each(['DecisionTreeClassifier', 'RandomForestRegressor', 'GradientBoostingClassifier', 'KNeighborsClassifier', 'SVC', 'GaussianProcessRegressor', 'rpart', 'randomForest', 'ranger', 'gbm', 'xgboost', 'e1071::svm', 'class::knn', 'glm', 'lm', 'coxph', 'neural network', 'MLPClassifier'])(
    '%s is recognised',
    (family) => {
      expect(modelFamily.run(trained(family), params(), ctx)).toMatchObject([{ check: 'model_family', status: 'pass' }]);
    },
  );

  it.each(['MysteryNet', 'KMeans', 'Pipeline', 'RandomForestClassifier(n_estimators=100)'])('%s is not recognised: review', (family) => {
    const [f] = modelFamily.run(trained(family), params(), ctx);
    expect(f).toMatchObject({ check: 'model_family', status: 'review', items: [{ ref: 'family' }] });
    expect(f!.message).toContain(family);
  });

  it('recognises what governance adds to the alias table', () => {
    const p = params({ model_family_aliases: { ...DEFAULT_PARAMETERS.model_family_aliases, clustering: ['KMeans'] } });
    expect(modelFamily.run(trained('KMeans', p), p, ctx)[0]!.status).toBe('pass');
  });

  it('recognises a family listed only by its risk', () => {
    const p = params({ instance_based_families: [...DEFAULT_PARAMETERS.instance_based_families, 'memoriser'] });
    expect(modelFamily.run(trained('Memoriser', p), p, ctx)[0]!.status).toBe('pass');
  });

  it('the default alias table gives every name one family', () => {
    expect(ambiguousAliases(DEFAULT_PARAMETERS.model_family_aliases)).toEqual([]);
    expect(ambiguousAliases({ a: ['x'], b: ['X'] })).toEqual([{ alias: 'x', families: ['a', 'b'] }]);
  });

  it('every family the risk lists name is a key of the default alias table', () => {
    const keys = Object.keys(DEFAULT_PARAMETERS.model_family_aliases);
    expect([...DEFAULT_PARAMETERS.instance_based_families, ...DEFAULT_PARAMETERS.tree_model_families].filter((f) => !keys.includes(f))).toEqual([]);
  });
});
