/**
 * The sensitive cells of a table: those a failing finding names, with the checks each failed
 * (the primary suppressions, and which protection level each needs). Rounding failures are
 * not cell disclosures (the protected version rounds instead).
 *
 * @example
 * sensitiveCells(t, findings); // Map { 0 => Set { 'min_count' }, 5 => Set { 'p_percent', 'nk_dominance' } }
 */
import type { CheckId, Finding } from '../../domain.js';
import type { CellTable } from '../../outputs/table/cell-table.js';
import { cellCount, cellLabels } from '../../outputs/table/cell-table.js';
import type { Parameters } from '../../rules/parameters.js';
import { allSame } from '../all-same.js';
import { binaryMeasure } from '../binary-measure.js';
import { minCount } from '../min-count.js';
import { nkDominance } from '../nk-dominance.js';
import { pPercent } from '../p-percent.js';
import { zeros } from '../zeros.js';

/**
 * Cell index → the checks whose failing findings name the cell.
 *
 * @example sensitiveCells(t, [{ check: 'min_count', status: 'fail', cells: [{ labels, … }], … }]).get(0) // Set { 'min_count' }
 */
export function sensitiveCells(t: CellTable, findings: readonly Finding[]): Map<number, Set<CheckId>> {
  const index = new Map<string, number>();
  const n = cellCount(t);
  for (let c = 0; c < n; c++) index.set(JSON.stringify(cellLabels(t, c)), c);
  const out = new Map<number, Set<CheckId>>();
  for (const f of findings) {
    if (f.status !== 'fail' || f.check === 'rounding') continue;
    for (const cell of f.cells ?? []) {
      const i = index.get(JSON.stringify(cell.labels));
      if (i === undefined) continue;
      const checks = out.get(i) ?? new Set<CheckId>();
      checks.add(f.check);
      out.set(i, checks);
    }
  }
  return out;
}

/** The cell checks whose failures call for protection. */
const CELL_CHECKS = [minCount, zeros, pPercent, nkDominance, allSame, binaryMeasure];

/**
 * Runs the cell checks on a table and returns its sensitive cells (for tools that have a table
 * but no decision: benchmarks, attack tests).
 *
 * @example failingCellChecks(t, DEFAULT_PARAMETERS).size // 3
 */
export function failingCellChecks(t: CellTable, p: Parameters): Map<number, Set<CheckId>> {
  const ctx = { output: 't', project: 'p', dataset: null };
  return sensitiveCells(
    t,
    CELL_CHECKS.flatMap((c) => c.run(t, p, ctx)),
  );
}
