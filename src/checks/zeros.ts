/**
 * `zeros` on frequency and count tables: a zero cell fails when zeros are disclosive (it
 * tells everyone in the row that they are not in the column: class disclosure). A structural
 * zero (empty by definition, e.g. pregnant men) that governance lists in `structural_zeros`
 * passes; one only the submitter declares gets `review` (a claim, never a pass).
 *
 * @example zeros.run(table, { ...DEFAULT_PARAMETERS, zeros_are_disclosive: false }, ctx)[0].status // 'pass'
 */
import { isCountStatistic } from '../domain.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import type { Check } from './check.js';
import { declaredZeroReview, structuralZeros } from './structural-zeros.js';
import { cellsWord, tableCellCheck } from './table-cell-check.js';
import { zeroCount } from './threshold-reasons.js';
import { outOfRange } from '../lib/invariant.js';

const perCell = tableCellCheck({
  id: 'zeros',
  status: 'fail',
  applies: (t) => isCountStatistic(t.statistic),
  // With zeros declared non-disclosive the check still runs and passes, so the decision
  // records that the policy was considered.
  flag: (t, cell, p) => {
    if (!p.zeros_are_disclosive) return null;
    const z = structuralZeros(t, p);
    return z.listed[cell] || z.declaredOnly[cell] ? null : zeroCount(t.count[cell] ?? outOfRange());
  },
  message: (n) => `${cellsWord(n)} ${n === 1 ? 'is' : 'are'} zero; a zero reveals that nobody in that row has that column's attribute.`,
  remedy: () => 'Merge the categories that produce sampling zeros, or submit the protected version with them suppressed. A cell that is empty by definition can be listed by governance in `structural_zeros`.',
  passMessage: (p) => (p.zeros_are_disclosive ? 'No cell is zero (other than structural zeros governance lists).' : 'Zeros are not disclosive under this rule set.'),
});

export const zeros: Check<CellTable> = {
  id: 'zeros',
  kind: 'table',
  run(t, p, ctx) {
    const found = perCell.run(t, p, ctx);
    if (found.length === 0 || !p.zeros_are_disclosive) return found;
    const review = declaredZeroReview('zeros', t, structuralZeros(t, p));
    return review ? [...found.filter((f) => f.status !== 'pass'), review] : found;
  },
};

