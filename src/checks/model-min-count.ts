/**
 * `min_count` on models. A trained model fits fewer than `threshold` records: fail. A
 * regression term whose declared `n` (the observations behind it, e.g. a dummy's group) is
 * below `threshold` fails: a dummy for a group of one fits that person exactly (equal
 * passes). And a regression whose fit cannot be trusted to be an aggregate — a term without
 * a finite estimate or with a missing, zero or non-finite standard error, a fit that did not
 * converge, or perfect separation — gets `review`: those are the signs of a term fitted to
 * very few records that `n` alone does not reveal.
 *
 * @example modelMinCount.run(parseModel({ …, coefficients: [{ term: 'siteX', estimate: 2, std_error: 0.4, n: 1 }] }), DEFAULT_PARAMETERS, ctx)[0].status // 'fail'
 */
import type { Finding, ItemFinding } from '../domain.js';
import type { Coefficient, ModelOutput } from '../outputs/model/model-output.js';
import type { Check } from './check.js';
import { itemCheck } from './item-check.js';
import { belowThreshold, countOf } from './threshold-reasons.js';

const termRef = (c: Coefficient): string => `coefficients[term=${c.term}]`;

function smallCounts(m: ModelOutput, threshold: number): ItemFinding[] {
  if (m.type === 'trained') {
    const reason = belowThreshold(m.nTrain, threshold, 'n_train');
    return reason ? [{ ref: 'n_train', value: m.nTrain, reason }] : [];
  }
  const out: ItemFinding[] = [];
  for (const c of m.coefficients) {
    const reason = c.n === null ? null : belowThreshold(c.n, threshold, 'n');
    if (reason) out.push({ ref: termRef(c), value: c.n, reason: `${reason}: the term is fitted to fewer than ${threshold} observations` });
  }
  return out;
}

function seReason(c: Coefficient): string | null {
  if (!Number.isFinite(c.estimate)) return 'no finite estimate (an aliased or inestimable term)';
  if (c.stdError === null) return 'no standard error is reported';
  if (!Number.isFinite(c.stdError)) return 'the standard error is not finite';
  if (c.stdError === 0) return 'the standard error is 0';
  return null;
}

function untrustedFit(m: ModelOutput): ItemFinding[] {
  if (m.type !== 'regression') return [];
  const out: ItemFinding[] = [];
  if (m.converged === false) out.push({ ref: 'converged', value: null, reason: 'the fit did not converge' });
  if (m.perfectSeparation === true) out.push({ ref: 'perfect_separation', value: null, reason: 'the outcome is perfectly separated: some terms are fitted to a handful of records' });
  for (const c of m.coefficients) {
    const reason = seReason(c);
    if (reason) out.push({ ref: termRef(c), value: null, reason });
  }
  return out;
}

const counts = itemCheck<ModelOutput>({
  id: 'min_count',
  kind: 'model',
  status: 'fail',
  flag: (m, p) => smallCounts(m, p.threshold),
  message: (n, m, p) =>
    m.type === 'trained'
      ? `The model was trained on fewer than ${p.threshold} records.`
      : `${countOf(n, 'term')} of the regression ${n === 1 ? 'is' : 'are'} fitted to fewer than ${p.threshold} observations.`,
  remedy: (_n, m, p) =>
    m.type === 'trained'
      ? `Train on at least ${p.threshold} records, or release only aggregate performance metrics instead of the model.`
      : `Merge the small groups behind these terms (e.g. pool categories of the factor) so each term rests on at least ${p.threshold} observations, or drop the terms.`,
  passMessage: (m, p) =>
    m.type === 'trained' ? `The model was trained on at least ${p.threshold} records.` : `Every term with a declared n rests on at least ${p.threshold} observations.`,
});

const fit = itemCheck<ModelOutput>({
  id: 'min_count',
  kind: 'model',
  status: 'review',
  flag: (m) => untrustedFit(m),
  message: (n) => `The regression reports ${countOf(n, 'sign')} of a term fitted to very few records (missing, zero or non-finite standard errors, non-convergence or separation).`,
  remedy: () => 'Refit without the terms concerned (merge sparse categories, remove perfectly predicting covariates) and report every standard error; an output checker must otherwise judge the model.',
  passMessage: () => '',
});

export const modelMinCount: Check<ModelOutput> = {
  id: 'min_count',
  kind: 'model',
  run(m, p, ctx): Finding[] {
    const found = counts.run(m, p, ctx);
    // The fit's warnings add a review finding only when there is one; its pass adds nothing.
    const review = fit.run(m, p, ctx).filter((f) => f.status !== 'pass');
    return [...found, ...review];
  },
};
