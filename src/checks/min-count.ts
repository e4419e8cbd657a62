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
import type { Parameters } from '../rules/parameters.js';
import type { Check } from './check.js';
import { declaredZeroReview, structuralZeros } from './structural-zeros.js';
import { cellsWord, tableCellCheck } from './table-cell-check.js';
import { belowThreshold } from './threshold-reasons.js';

const perCell = tableCellCheck({
  id: 'min_count',
  status: 'fail',
  applies: () => true,
  flag: (t, cell, p) => {
    const z = structuralZeros(t, p);
    return z.listed[cell] || z.declaredOnly[cell] ? null : belowThreshold(t.count[cell], p.threshold);
  },
  message: (n, p) => `${cellsWord(n)} ${n === 1 ? 'has' : 'have'} fewer than ${p.threshold} contributors.`,
  remedy: (p) =>
    `Merge categories (e.g. combine small groups or use wider bands) until every cell has at least ${p.threshold} contributors, or submit the protected version, which suppresses these cells and the complementary cells needed to keep them from being recalculated.`,
  passMessage: (p) => `Every cell has at least ${p.threshold} contributors.`,
});

/**
 * The finding `require_unit` adds for a table whose counts are not known to be distinct
 * units, or null.
 *
 * @example unitRequirement(t, { ...p, require_unit: true })?.status // 'fail' for microdata without spec.unit
 */
export function unitRequirement(t: CellTable, p: Parameters): Finding | null {
  if (!p.require_unit) return null;
  if (t.source === 'microdata') {
    if (t.unit !== null) return null;
    return {
      check: 'min_count',
      status: 'fail',
      message: 'Governance requires a unit column: without one every row counts as a contributor, so one person with several rows could pass as several.',
      remedy: 'Name the column identifying the person (or household, firm…) each row belongs to in `spec.unit`; counts then become distinct units.',
    };
  }
  return {
    check: 'min_count',
    status: 'review',
    message: `Governance requires counts of distinct units, and airlock cannot verify what the counts of pre-aggregated cells count${t.unit !== null ? ` (declared: distinct ${t.unit})` : ''}: an output checker must confirm.`,
    remedy: 'Submit the microdata with `spec.unit` naming the unit column instead, so airlock counts distinct units itself.',
  };
}

export const minCount: Check<CellTable> = {
  id: 'min_count',
  kind: 'table',
  run(t, p, ctx) {
    const found = perCell.run(t, p, ctx);
    const extra = [declaredZeroReview('min_count', t, structuralZeros(t, p)), unitRequirement(t, p)].filter((f): f is Finding => f !== null);
    // A pass next to a review or failure of the same check would only confuse the reader.
    return extra.length ? [...found.filter((f) => f.status !== 'pass'), ...extra] : found;
  },
};
