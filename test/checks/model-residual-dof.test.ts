import { describe, expect, it } from 'vitest';
import { modelResidualDof } from '../../src/checks/model-residual-dof.js';
import { modelKind } from '../../src/outputs/model/model-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

describe('residual_dof on models', () => {
  it.each([
    [14, 4, 10, 'pass'], // dof 10 passes
    [13, 4, 10, 'fail'], // dof 9 fails
    [25, 5, 20, 'pass'],
    [24, 5, 20, 'fail'],
    [5, 5, 10, 'fail'],
  ])('n_obs %i, n_params %i, threshold %i: %s', (n_obs, n_params, dof_threshold, status) => {
    const [f] = modelResidualDof.run(parseAs(modelKind, { family: 'logit', n_obs, n_params }), params({ dof_threshold }), ctx);
    expect(f).toMatchObject({ check: 'residual_dof', status });
  });

  it('names the shortfall and the sizes that would pass', () => {
    const [f] = modelResidualDof.run(parseAs(modelKind, { family: 'cox', n_obs: 30, residual_dof: 9 }), params(), ctx);
    expect(f.items).toEqual([{ ref: 'residual_dof', value: 9, reason: '9 residual degrees of freedom < 10' }]);
    expect(f.remedy).toBe('Reduce the model to at most 20 parameters (it has 21), or fit it on at least 31 observations, so that n_obs − n_params ≥ 10.');
  });

  it('does not apply to trained models', () => {
    expect(modelResidualDof.run(parseAs(modelKind, { family: 'knn', n_train: 5, format: 'onnx' }), params(), ctx)).toEqual([]);
  });
});
