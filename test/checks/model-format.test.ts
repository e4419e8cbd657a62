import { describe, expect, it } from 'vitest';
import { modelFormat } from '../../src/checks/model-format.js';
import { modelKind } from '../../src/outputs/model/model-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

describe('model_format', () => {
  it.each([
    ['pickle', 'fail'],
    ['joblib', 'fail'],
    ['dill', 'fail'],
    ['cloudpickle', 'fail'],
    ['ONNX', 'pass'],
    ['pmml', 'pass'],
    ['json', 'pass'],
    ['safetensors', 'pass'],
    ['h5', 'review'],
    ['keras', 'review'],
    ['savedmodel', 'review'],
    ['rds', 'fail'],
    ['.pt', 'fail'],
    ['PTH', 'fail'],
    ['torch', 'fail'],
    ['ckpt', 'fail'],
    ['.pkl', 'fail'],
    ['safe tensors', 'pass'],
  ])('%s: %s', (format, status) => {
    const [f] = modelFormat.run(parseAs(modelKind, { family: 'random_forest', n_train: 100, format }), params(), ctx);
    expect(f).toMatchObject({ check: 'model_format', status });
    if (status !== 'pass') expect(f.remedy).toMatch(/^Export the model as ONNX/);
  });

  it('does not apply to regressions', () => {
    expect(modelFormat.run(parseAs(modelKind, { family: 'ols', n_obs: 100, n_params: 2 }), params(), ctx)).toEqual([]);
  });
});
