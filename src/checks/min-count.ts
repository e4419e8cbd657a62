/**
 * `min_count` on tables: a cell with fewer than `threshold` contributors fails (a count
 * equal to the threshold passes). Margins are cells like any other.
 *
 * @example minCount.run(table, params, ctx) // [{ check: 'min_count', status: 'fail', cells: [...] }]
 */
import { cellsWord, tableCellCheck } from './table-cell-check.js';
import { belowThreshold } from './threshold-reasons.js';

export const minCount = tableCellCheck({
  id: 'min_count',
  status: 'fail',
  applies: () => true,
  flag: (t, cell, p) => belowThreshold(t.count[cell], p.threshold),
  message: (n, p) => `${cellsWord(n)} ${n === 1 ? 'has' : 'have'} fewer than ${p.threshold} contributors.`,
  remedy: (p) =>
    `Merge categories (e.g. combine small groups or use wider bands) until every cell has at least ${p.threshold} contributors, or submit the protected version, which suppresses these cells and the complementary cells needed to keep them from being recalculated.`,
  passMessage: (p) => `Every cell has at least ${p.threshold} contributors.`,
});
