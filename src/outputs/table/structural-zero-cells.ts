/**
 * Which empty cells of a table are structural zeros (sdc-rules.md "Structural zeros"):
 * `listed` are those a governance list names (label objects, compared after normalisation),
 * `declaredOnly` those only the submitter declares. Only an empty cell can be a structural
 * zero: a listed cell with records is an ordinary cell. Suppressed cells are not published
 * and are left out. Checks read this through `src/checks/structural-zeros.ts`; the protected
 * version uses it to never pick a structural zero as a complement (its value is known).
 *
 * @example
 * structuralZeroCells(t, [{ sex: 'male', pregnant: 'yes' }]).listed[5]; // 1
 */
import type { CellTable } from './cell-table.js';
import { cellCount } from './cell-table.js';
import { cellsMatching } from './cells-matching.js';

export interface StructuralZeroCells {
  /** 1 = an empty cell the governance list names. */
  listed: Uint8Array;
  /** 1 = an empty cell the submitter declares a structural zero and the list does not name. */
  declaredOnly: Uint8Array;
}

/**
 * The structural zeros of `t` under a governance list of label patterns.
 *
 * @example structuralZeroCells(t, []).declaredOnly // the submitter's declarations alone
 */
export function structuralZeroCells(t: CellTable, patterns: readonly Readonly<Record<string, string>>[]): StructuralZeroCells {
  const n = cellCount(t);
  const listed = new Uint8Array(n);
  const declaredOnly = new Uint8Array(n);
  const empty = (c: number) => !t.suppressed[c] && t.records[c] === 0;
  for (const pattern of patterns) for (const c of cellsMatching(t, pattern) ?? []) if (empty(c)) listed[c] = 1;
  for (let c = 0; c < n; c++) if (t.declaredZero[c] && !listed[c] && empty(c)) declaredOnly[c] = 1;
  return { listed, declaredOnly };
}
