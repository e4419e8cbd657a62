/**
 * `min_count` on tables: a cell with fewer than `threshold` contributors fails (a count
 * equal to the threshold passes). Margins are cells like any other; suppressed cells are not
 * published (`suppression_audit` audits them).
 *
 * Structural zeros (sdc-rules.md): an empty cell governance lists is not disclosive; one only
 * the submitter declares gets `review`. With `require_unit`, counts of rows are not counts of
 * people: a table from microdata without a unit column fails, and a pre-aggregated table
 * (whose counts airlock cannot see into) gets `review`.
 *
 * @example minCount.run(table, params, ctx) // [{ check: 'min_count', status: 'fail', cells: [...] }]
 */
import type { Finding } from '../domain.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import type { Check } from './check.js';
import { declaredZeroReview, structuralZeros } from './structural-zeros.js';
import { unitRequirement } from './unit-requirement.js';
import { cellsWord, tableCellCheck } from './table-cell-check.js';
import { belowThreshold } from './threshold-reasons.js';
import { outOfRange } from '../lib/invariant.js';

const perCell = tableCellCheck({
  id: 'min_count',
  status: 'fail',
  applies: () => true,
  flag: (t, cell, p) => {
    const z = structuralZeros(t, p);
    return z.listed[cell] || z.declaredOnly[cell] ? null : belowThreshold(t.count[cell] ?? outOfRange(), p.threshold);
  },
  message: (n, p) => `${cellsWord(n)} ${n === 1 ? 'has' : 'have'} fewer than ${p.threshold} contributors.`,
  remedy: (p) =>
    `Merge categories (e.g. combine small groups or use wider bands) until every cell has at least ${p.threshold} contributors, or submit the protected version, which suppresses these cells and the complementary cells needed to keep them from being recalculated.`,
  passMessage: (p) => `Every cell has at least ${p.threshold} contributors.`,
});

export const minCount: Check<CellTable> = {
  id: 'min_count',
  kind: 'table',
  run(t, p, ctx) {
    const found = perCell.run(t, p, ctx);
    const extra = [declaredZeroReview('min_count', t, structuralZeros(t, p)), unitRequirement(t.source === 'microdata' ? 'microdata' : 'declared', t.unit, p)].filter((f): f is Finding => f !== null);
    // A pass next to a review or failure of the same check would only confuse the reader.
    return extra.length ? [...found.filter((f) => f.status !== 'pass'), ...extra] : found;
  },
};
