import { describe, expect, it } from 'vitest';
import { modelMinCount } from '../../src/checks/model-min-count.js';
import { modelKind } from '../../src/outputs/model/model-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const regression = (coefficients: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
  parseAs(modelKind, { family: 'glm', n_obs: 1000, n_params: 10, coefficients, ...extra });

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

  it('passes a regression without per-term counts (residual_dof covers its size)', () => {
    expect(modelMinCount.run(parseAs(modelKind, { family: 'ols', n_obs: 5, n_params: 1 }), params(), ctx)).toMatchObject([{ status: 'pass' }]);
  });

  it.each([
    [10, 'pass'],
    [9, 'fail'],
    [1, 'fail'],
    [0, 'fail'],
  ])('a term with n = %i (threshold 10): %s', (n, status) => {
    const found = modelMinCount.run(regression([{ term: 'siteX', estimate: 0.3, std_error: 0.1, n }]), params(), ctx);
    expect(found).toHaveLength(1);
    expect(found[0]!.status).toBe(status);
    if (status === 'fail') expect(found[0]!.items).toEqual([{ ref: 'coefficients[term=siteX]', value: n, reason: `n ${n} < threshold 10: the term is fitted to fewer than 10 observations` }]);
  });

  it.each([
    ['a missing standard error', { term: 'x', estimate: 0.3 }, /no standard error/],
    ['a null standard error', { term: 'x', estimate: 0.3, std_error: null }, /no standard error/],
    ['a zero standard error', { term: 'x', estimate: 0.3, std_error: 0 }, /standard error is 0/],
    ['an infinite standard error', { term: 'x', estimate: 0.3, std_error: 'Inf' }, /not finite/],
    ['a NaN standard error', { term: 'x', estimate: 0.3, std_error: 'NaN' }, /not finite/],
    ['an NA estimate', { term: 'x', estimate: 'NA', std_error: 'NA' }, /no finite estimate/],
  ])('%s → review', (_what, coefficient, reason) => {
    const found = modelMinCount.run(regression([coefficient]), params(), ctx);
    expect(found.map((f) => f.status)).toEqual(['pass', 'review']);
    expect(found[1]!.items?.[0]?.reason).toMatch(reason);
  });

  it.each([
    ['non-convergence', { converged: false }, 'converged'],
    ['perfect separation', { perfect_separation: true }, 'perfect_separation'],
  ])('%s → review', (_what, extra, ref) => {
    const found = modelMinCount.run(regression([{ term: 'x', estimate: 0.3, std_error: 0.1, n: 500 }], extra), params(), ctx);
    expect(found.map((f) => [f.status, f.items?.[0]?.ref])).toEqual([
      ['pass', undefined],
      ['review', ref],
    ]);
  });

  it('a converged fit without separation adds no review', () => {
    const found = modelMinCount.run(regression([{ term: 'x', estimate: 0.3, std_error: 0.1, n: 500 }], { converged: true, perfect_separation: false }), params(), ctx);
    expect(found.map((f) => f.status)).toEqual(['pass']);
  });

  it('a small term fails and a bad standard error asks for review, both reported', () => {
    const found = modelMinCount.run(regression([{ term: 'a', estimate: 2, std_error: 0.5, n: 3 }, { term: 'b', estimate: 1, std_error: 0 }]), params(), ctx);
    expect(found.map((f) => f.status)).toEqual(['fail', 'review']);
  });
});
