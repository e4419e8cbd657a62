import { describe, expect, it } from 'vitest';
import { modelMinCount } from '../../src/checks/model-min-count.js';
import { modelKind } from '../../src/outputs/model/model-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

describe('min_count on models', () => {
  it.each([
    [10, 10, 'pass'],
    [9, 10, 'fail'],
    [20, 20, 'pass'],
    [19, 20, 'fail'],
  ])('n_train %i with threshold %i: %s', (n_train, threshold, status) => {
    const [f] = modelMinCount.run(parseAs(modelKind, { family: 'random_forest', n_train, format: 'onnx' }), params({ threshold }), ctx);
    expect(f.status).toBe(status);
    if (status === 'fail') expect(f.items).toEqual([{ ref: 'n_train', value: n_train, reason: `n_train ${n_train} < threshold ${threshold}` }]);
  });

  it('does not apply to regressions (residual_dof covers them)', () => {
    expect(modelMinCount.run(parseAs(modelKind, { family: 'ols', n_obs: 5, n_params: 1 }), params(), ctx)).toEqual([]);
  });
});
