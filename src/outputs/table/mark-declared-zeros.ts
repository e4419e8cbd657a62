/**
 * The submitter's structural-zero declarations on a table computed from microdata
 * (`spec.structural_zeros`): each pattern must name cells of the table, and every cell it
 * names must be empty. A declaration is a claim (sdc-rules.md principle 2): it is recorded on
 * the table (`declaredZero`) for `zeros` and `min_count` to answer with `review`, and a
 * declared cell that is not 0 is bad input.
 *
 * @example markDeclaredZeros(t, [{ sex: 'male', pregnant: 'yes' }], '/outputs/0/spec/structural_zeros');
 */
import { AirlockError } from '../../errors.js';
import type { CellTable } from './cell-table.js';
import { cellLabels, isMarginCell } from './cell-table.js';
import { cellsMatching } from './cells-matching.js';

/**
 * Sets `t.declaredZero` for the cells the patterns name; throws `SPEC_INVALID` on a bad declaration.
 *
 * @example markDeclaredZeros(t, spec.structuralZeros, '/outputs/0/spec/structural_zeros');
 */
export function markDeclaredZeros(t: CellTable, patterns: readonly Readonly<Record<string, string>>[], pointer: string): void {
  patterns.forEach((pattern, i) => {
    const bad = (message: string): never => {
      throw new AirlockError('SPEC_INVALID', `structural zero ${i}: ${message}`, [{ pointer: `${pointer}/${i}`, message }]);
    };
    const cells = cellsMatching(t, pattern);
    if (cells === null) bad('it names a variable that is not a dimension of the table');
    const interior = (cells ?? []).filter((c) => !isMarginCell(t, c));
    if (interior.length === 0) bad('no cell of the table has these labels');
    for (const c of interior) {
      if (t.records[c] !== 0) bad(`the cell ${JSON.stringify(cellLabels(t, c))} is declared a structural zero but has count ${t.records[c]}`);
      t.declaredZero[c] = 1;
    }
  });
}
