/**
 * Which empty cells of a table are structural zeros (sdc-rules.md "Structural zeros"): those
 * governance lists (`structural_zeros`, label objects compared after normalisation) are
 * exempt from `zeros` and `min_count`; those only the submitter declares are a claim
 * (principle 2), so the checks answer `review` for them rather than `fail` — never `pass`.
 * Only an empty cell can be a structural zero: a listed cell with contributors is an ordinary
 * cell (and fails like one). Suppressed cells are not published and are left out.
 *
 * @example
 * const z = structuralZeros(t, params);
 * z.listed[c];       // 1: governance lists it, nothing to report
 * z.declaredOnly[c]; // 1: the submitter says so, a checker must confirm
 */
import type { CellFinding, CheckId, Finding } from '../domain.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import type { StructuralZeroCells } from '../outputs/table/structural-zero-cells.js';
import { structuralZeroCells } from '../outputs/table/structural-zero-cells.js';
import type { Parameters } from '../rules/parameters.js';
import { cellFinding, cellsWord } from './table-cell-check.js';

export type StructuralZeros = StructuralZeroCells;

// min_count and zeros both ask for the same table under the same list: compute it once.
const cache = new WeakMap<CellTable, WeakMap<object, StructuralZeros>>();

/**
 * The structural zeros of `t` under the parameters' `structural_zeros` list (cached per table and list).
 *
 * @example structuralZeros(t, params).listed[c] // 1 when governance lists cell c and it is empty
 */
export function structuralZeros(t: CellTable, p: Parameters): StructuralZeros {
  let byList = cache.get(t);
  if (!byList) {
    byList = new WeakMap();
    cache.set(t, byList);
  }
  let z = byList.get(p.structural_zeros);
  if (!z) {
    z = structuralZeroCells(t, p.structural_zeros);
    byList.set(p.structural_zeros, z);
  }
  return z;
}

/**
 * The `review` finding a check gives for empty cells that only the submitter declares
 * structural zeros, or null when there are none.
 *
 * @example declaredZeroReview('zeros', t, structuralZeros(t, p))?.status // 'review'
 */
export function declaredZeroReview(check: CheckId, t: CellTable, z: StructuralZeros): Finding | null {
  const cells: CellFinding[] = [];
  z.declaredOnly.forEach((on, c) => on && cells.push(cellFinding(t, c, 'declared a structural zero by the submitter; governance does not list it')));
  if (cells.length === 0) return null;
  return {
    check,
    status: 'review',
    message: `${cellsWord(cells.length)} ${cells.length === 1 ? 'is' : 'are'} empty and declared structural zeros (empty by definition), which governance's rules do not list: an output checker must confirm.`,
    remedy: 'If the cells are empty by definition, ask governance to add them to `structural_zeros`; otherwise merge the categories or submit the protected version.',
    cells,
  };
}
