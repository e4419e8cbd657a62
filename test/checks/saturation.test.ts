import { describe, expect, it } from 'vitest';
import { saturation } from '../../src/checks/saturation.js';
import { modelKind } from '../../src/outputs/model/model-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const regression = (n_obs: number, n_params: number) => parseAs(modelKind, { family: 'ols', n_obs, n_params });

describe('saturation', () => {
  it.each([
    [100, 33, 0.33, 'pass'], // exactly the limit passes
    [100, 34, 0.33, 'fail'],
    [300, 99, 0.33, 'pass'],
    [300, 100, 0.33, 'fail'],
    [1000, 330, 0.33, 'pass'],
    [10, 5, 0.5, 'pass'],
    [10, 6, 0.5, 'fail'],
    [12, 12, 0.33, 'fail'],
  ])('n_obs %i, n_params %i, limit %f: %s', (nObs, nParams, limit, status) => {
    const [f] = saturation.run(regression(nObs, nParams), params({ saturation: limit }), ctx);
    expect(f.status).toBe(status);
    expect(f.check).toBe('saturation');
  });

  it('says how many parameters or observations would pass', () => {
    const [f] = saturation.run(regression(100, 40), params(), ctx);
    expect(f.items).toEqual([{ ref: 'n_params', value: 0.4, reason: 'n_params / n_obs = 40/100 = 0.400 > 0.33' }]);
    expect(f.remedy).toContain('at most 33 parameters');
    expect(f.remedy).toContain('at least 122 observations');
    const [again] = saturation.run(regression(100, 33), params(), ctx);
    expect(again.status).toBe('pass');
  });

  it('does not apply to trained models', () => {
    expect(saturation.run(parseAs(modelKind, { family: 'random_forest', n_train: 5, format: 'onnx' }), params(), ctx)).toEqual([]);
  });
});
