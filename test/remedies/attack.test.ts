/**
 * The attack test: an attacker written from scratch here, sharing no code with
 * src/remedies (which uses a graph of bridges to choose cells and exact modular elimination
 * to verify). This one writes the equations out from the table's own values and uses
 * floating-point least squares: it orthonormalises the equations over the suppressed cells
 * (modified Gram-Schmidt), so a cell i is pinned exactly when the projection of e_i onto the
 * equations' span has length 1; the minimum-norm solution then gives the pinned cell's value,
 * which must equal the true value (a check on the attacker itself).
 */
import { describe, expect, it } from 'vitest';
import { recoverableCells } from '../../src/remedies/is-recoverable.js';
import { suppress, type SuppressionGrid } from '../../src/remedies/secondary-suppression.js';
import { seededRandom } from '../helpers/seeded-random.js';

interface Truth {
  nRows: number;
  nCols: number;
  rowMargin: number;
  colMargin: number;
  /** Every cell's true value, margins included, row-major. */
  v: number[];
}

interface Equation {
  terms: Array<[cell: number, coef: number]>;
  constant: number;
}

/** Every equation the attacker knows, straight from the rules: lines sum to their totals. */
function equations(t: Truth): Equation[] {
  const at = (r: number, c: number) => r * t.nCols + c;
  const rowsIn = [...Array(t.nRows).keys()].filter((r) => r !== t.rowMargin);
  const colsIn = [...Array(t.nCols).keys()].filter((c) => c !== t.colMargin);
  const out: Equation[] = [];
  for (let r = 0; r < t.nRows; r++) {
    const terms: Array<[number, number]> = colsIn.map((c) => [at(r, c), 1]);
    // A margin column holds the row totals; without one, the row totals are known from
    // elsewhere — unless the "total" would be a single cell.
    if (t.colMargin >= 0) out.push({ terms: [...terms, [at(r, t.colMargin), -1]], constant: 0 });
    else if (colsIn.length > 1) out.push({ terms, constant: terms.reduce((s, [i]) => s + t.v[i], 0) });
  }
  for (let c = 0; c < t.nCols; c++) {
    const terms: Array<[number, number]> = rowsIn.map((r) => [at(r, c), 1]);
    if (t.rowMargin >= 0) out.push({ terms: [...terms, [at(t.rowMargin, c), -1]], constant: 0 });
    else if (rowsIn.length > 1) out.push({ terms, constant: terms.reduce((s, [i]) => s + t.v[i], 0) });
  }
  return out;
}

/** The attacker: which suppressed cells are pinned, and the values it computes for them. */
function attack(t: Truth, mask: Uint8Array): Map<number, number> {
  const unknown: number[] = [];
  mask.forEach((m, i) => m && unknown.push(i));
  const col = new Map(unknown.map((cell, j) => [cell, j]));
  const basis: Array<{ q: number[]; beta: number }> = [];
  for (const eq of equations(t)) {
    const a = new Array<number>(unknown.length).fill(0);
    let b = eq.constant;
    for (const [cell, coef] of eq.terms) {
      const j = col.get(cell);
      if (j === undefined) b -= coef * t.v[cell];
      else a[j] += coef;
    }
    for (let pass = 0; pass < 2; pass++) {
      for (const { q, beta } of basis) {
        const d = a.reduce((s, x, j) => s + x * q[j], 0);
        for (let j = 0; j < a.length; j++) a[j] -= d * q[j];
        b -= d * beta;
      }
    }
    const norm = Math.hypot(...a);
    if (norm > 1e-9) basis.push({ q: a.map((x) => x / norm), beta: b / norm });
    else expect(Math.abs(b)).toBeLessThan(1e-6); // the released data is consistent
  }
  const pinned = new Map<number, number>();
  unknown.forEach((cell, j) => {
    const proj = basis.reduce((s, { q }) => s + q[j] * q[j], 0);
    if (proj > 1 - 1e-7) pinned.set(cell, basis.reduce((s, { q, beta }) => s + beta * q[j], 0));
  });
  return pinned;
}

/** A random 1–8 x 1–8 table, with margins on none, one or both axes, first or last. */
function randomTable(rand: () => number): Truth {
  const ri = 1 + Math.floor(rand() * 8);
  const ci = 1 + Math.floor(rand() * 8);
  const mode = Math.floor(rand() * 4); // 0 none, 1 both, 2 rows only, 3 cols only
  const withRow = mode === 1 || mode === 2;
  const withCol = mode === 1 || mode === 3;
  const nRows = ri + (withRow ? 1 : 0);
  const nCols = ci + (withCol ? 1 : 0);
  const rowMargin = withRow ? (rand() < 0.5 ? 0 : ri) : -1;
  const colMargin = withCol ? (rand() < 0.5 ? 0 : ci) : -1;
  const v = new Array<number>(nRows * nCols).fill(0);
  for (let r = 0; r < nRows; r++) {
    for (let c = 0; c < nCols; c++) {
      if (r !== rowMargin && c !== colMargin) v[r * nCols + c] = rand() < 0.15 ? 0 : Math.floor(rand() * 40);
    }
  }
  for (let r = 0; r < nRows; r++) {
    for (let c = 0; c < nCols; c++) {
      if (r === rowMargin || c === colMargin) {
        let s = 0;
        for (let r2 = 0; r2 < nRows; r2++) {
          for (let c2 = 0; c2 < nCols; c2++) {
            const inRow = r === rowMargin ? r2 !== rowMargin : r2 === r;
            const inCol = c === colMargin ? c2 !== colMargin : c2 === c;
            if (inRow && inCol) s += v[r2 * nCols + c2];
          }
        }
        v[r * nCols + c] = s;
      }
    }
  }
  return { nRows, nCols, rowMargin, colMargin, v };
}

function randomMask(t: Truth, rand: () => number): Uint8Array {
  const p = 0.05 + rand() * 0.35;
  return Uint8Array.from(t.v, () => (rand() < p ? 1 : 0));
}

const gridOf = (t: Truth): SuppressionGrid => ({ ...t, value: Float64Array.from(t.v) });
const on = (m: Uint8Array | Map<number, number>) => (m instanceof Map ? [...m.keys()].sort((a, b) => a - b) : [...m.keys()].filter((i) => m[i]));

describe('attack test', () => {
  it('the attacker recovers a lone suppressed cell from its row total, and its value', () => {
    const t: Truth = { nRows: 3, nCols: 3, rowMargin: 2, colMargin: 2, v: [4, 6, 10, 1, 2, 3, 5, 8, 13] };
    const lone = attack(t, Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0));
    expect(on(lone)).toEqual([0]);
    expect(lone.get(0)).toBeCloseTo(4, 9);
    expect(on(attack(t, Uint8Array.of(1, 1, 0, 1, 1, 0, 0, 0, 0)))).toEqual([]); // a 4-cycle: each cell can move
    expect(on(attack(t, Uint8Array.of(1, 1, 0, 0, 0, 0, 0, 0, 0)))).toEqual([0, 1]); // column totals give both away
  });

  it('the attacker and recoverableCells agree on random masks, and the attacker is right', () => {
    const rand = seededRandom(20240601);
    let pinnedSomewhere = 0;
    for (let n = 0; n < 400; n++) {
      const t = randomTable(rand);
      const m = randomMask(t, rand);
      const pinned = attack(t, m);
      for (const [cell, value] of pinned) expect(value).toBeCloseTo(t.v[cell], 6);
      expect(recoverableCells(gridOf(t), m)).toEqual(on(pinned));
      if (pinned.size) pinnedSomewhere++;
    }
    expect(pinnedSomewhere).toBeGreaterThan(100); // the attacker is not vacuous
  });

  it('after suppression no cell can be recovered and every primary cell stays suppressed', () => {
    const rand = seededRandom(7);
    let secondaries = 0;
    for (let n = 0; n < 600; n++) {
      const t = randomTable(rand);
      const primary = randomMask(t, rand);
      const m = suppress(gridOf(t), primary);
      primary.forEach((p, i) => p && expect(m[i]).toBe(1));
      expect(on(attack(t, m))).toEqual([]);
      secondaries += on(m).length - on(primary).length;
    }
    expect(secondaries).toBeGreaterThan(0);
  });
});
