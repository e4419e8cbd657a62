/**
 * `zeros` on frequency and count tables: a zero cell fails when zeros are disclosive (it
 * tells everyone in the row that they are not in the column: class disclosure).
 *
 * @example zeros.run(table, { ...DEFAULT_PARAMETERS, zeros_are_disclosive: false }, ctx)[0].status // 'pass'
 */
import { isCountStatistic } from '../domain.js';
import { cellsWord, tableCellCheck } from './table-cell-check.js';
import { zeroCount } from './threshold-reasons.js';

export const zeros = tableCellCheck({
  id: 'zeros',
  status: 'fail',
  applies: (t) => isCountStatistic(t.statistic),
  // With zeros declared non-disclosive the check still runs and passes, so the decision
  // records that the policy was considered.
  flag: (t, cell, p) => (p.zeros_are_disclosive ? zeroCount(t.count[cell]) : null),
  message: (n) => `${cellsWord(n)} ${n === 1 ? 'is' : 'are'} zero; a zero reveals that nobody in that row has that column's attribute.`,
  remedy: () => 'Merge the categories that produce structural or sampling zeros, or submit the protected version with them suppressed.',
  passMessage: (p) => (p.zeros_are_disclosive ? 'No cell is zero.' : 'Zeros are not disclosive under this rule set.'),
});
