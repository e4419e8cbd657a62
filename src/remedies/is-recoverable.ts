/**
 * The attacker's calculation: which suppressed cells of a table are exactly determined by
 * everything released (the unsuppressed cells and the known totals).
 *
 * After substituting the known values, the equations of `tableConstraints` restricted to the
 * suppressed cells form a matrix A; a suppressed cell i is determined exactly when the unit
 * vector e_i lies in the row space of A. In the reduced row echelon form of A that is the case
 * when i is a pivot column whose row has no other non-zero entry (a free column in that row
 * would let the cell move along the null space).
 *
 * Elimination runs modulo a prime, which is exact: the coefficients are 0/±1 and the matrix is
 * a network matrix (totally unimodular), so every minor is 0 or ±1 and no rank is lost modulo
 * any prime. The prime is below 2^26 so products stay exact in float64.
 *
 * @example
 * recoverableCells(grid, mask); // [4] — cell 4 can be computed from the released totals
 */
import { AirlockError } from '../errors.js';
import { outOfRange } from '../lib/invariant.js';
import { tableConstraints, type SuppressionGrid } from '../outputs/table/table-constraints.js';

const P = 67108859;

function inverse(a: number): number {
  // Extended Euclid; a is in 1..P−1 and P is prime, so the inverse exists.
  let [r0, r1] = [P, a];
  let [t0, t1] = [0, 1];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return ((t0 % P) + P) % P;
}

/**
 * Indices (ascending) of the suppressed cells (`mask[i] === 1`) that are exactly recoverable
 * from the released cells and totals.
 *
 * @example
 * // 2x2 interior + margins; only cell 0 suppressed: its row total gives it away.
 * const grid = { nRows: 3, nCols: 3, rowMargin: 2, colMargin: 2, value: new Float64Array(9) };
 * recoverableCells(grid, Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0)); // [0]
 */
export function recoverableCells(grid: SuppressionGrid, mask: Uint8Array): number[] {
  const c = tableConstraints(grid);
  if (mask.length !== grid.value.length) {
    throw new AirlockError('INTERNAL', `suppression mask has ${mask.length} cells, the grid ${grid.value.length}`);
  }
  const unknowns: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) unknowns.push(i);
  const k = unknowns.length;
  if (k === 0) return [];

  // Only equations that touch an unknown matter; the others are fully known.
  // Every index below is an equation id, a cell or a column of the unknowns by construction,
  // so a read past an end is a bug: the elimination is the hot loop, hence inline reads.
  const eqRow = new Int32Array(c.nEquations).fill(-1);
  const rows: Float64Array[] = [];
  const put = (eq: number, coef: number, col: number): void => {
    if (eq < 0) return;
    let r = eqRow[eq] ?? outOfRange();
    if (r < 0) {
      r = eqRow[eq] = rows.length;
      rows.push(new Float64Array(k));
    }
    (rows[r] ?? outOfRange())[col] = coef === 1 ? 1 : P - 1;
  };
  unknowns.forEach((cell, col) => {
    put(c.rowEq[cell] ?? outOfRange(), c.rowCoef[cell] ?? outOfRange(), col);
    put(c.colEq[cell] ?? outOfRange(), c.colCoef[cell] ?? outOfRange(), col);
  });

  const m = rows.length;
  const pivotOfRow: number[] = [];
  let rank = 0;
  for (let col = 0; col < k && rank < m; col++) {
    let p = -1;
    for (let r = rank; r < m; r++) if ((rows[r] ?? outOfRange())[col] !== 0) { p = r; break; }
    if (p < 0) continue;
    const pr = rows[p] ?? outOfRange();
    rows[p] = rows[rank] ?? outOfRange();
    rows[rank] = pr;
    const inv = inverse(pr[col] ?? outOfRange());
    if (inv !== 1) for (let j = col; j < k; j++) pr[j] = ((pr[j] ?? outOfRange()) * inv) % P;
    for (let r = 0; r < m; r++) {
      const row = rows[r] ?? outOfRange();
      const f = row[col] ?? outOfRange();
      if (r === rank || f === 0) continue;
      for (let j = col; j < k; j++) {
        const x = pr[j] ?? outOfRange();
        if (x !== 0) row[j] = ((row[j] ?? outOfRange()) + (P - f) * x) % P;
      }
    }
    pivotOfRow.push(col);
    rank++;
  }

  const out: number[] = [];
  for (let r = 0; r < rank; r++) {
    const row = rows[r] ?? outOfRange();
    const pc = pivotOfRow[r] ?? outOfRange();
    let alone = true;
    for (let j = pc + 1; j < k && alone; j++) if ((row[j] ?? outOfRange()) !== 0) alone = false;
    if (alone) out.push(unknowns[pc] ?? outOfRange());
  }
  return out.sort((a, b) => a - b);
}
