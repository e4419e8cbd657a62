/**
 * `residual_dof` on std tables: a standard deviation from n values has n − 1 degrees of
 * freedom; fewer than `dof_threshold` fails.
 *
 * @example residualDof.run(stdTable, params, ctx)
 */
import { cellsWord, tableCellCheck } from './table-cell-check.js';
import { dofBelowThreshold } from './threshold-reasons.js';
import { outOfRange } from '../lib/invariant.js';

export const residualDof = tableCellCheck({
  id: 'residual_dof',
  status: 'fail',
  applies: (t) => t.statistic === 'std',
  flag: (t, cell, p) => dofBelowThreshold((t.count[cell] ?? outOfRange()) - 1, p.dof_threshold),
  message: (n, p) => `${cellsWord(n)} ${n === 1 ? 'has' : 'have'} fewer than ${p.dof_threshold} residual degrees of freedom.`,
  remedy: (p) => `Merge categories until every cell has at least ${p.dof_threshold + 1} contributors.`,
  passMessage: (p) => `Every cell has at least ${p.dof_threshold} residual degrees of freedom.`,
});
