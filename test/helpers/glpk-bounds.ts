/**
 * An independent LP for the attack test: the same question as `src/lib/lp-bounds.ts` (min and
 * max of each target over A·x within bounds), answered by GLPK (glpk.js) instead of HiGHS, from
 * its own JSON model — so a bug in one solver wrapper is not repeated in the check of it.
 *
 * @example await glpkBounds(nCols, colLo, colHi, rows, [0]) // { lo: [0], hi: [33] }
 */
import GLPK from 'glpk.js/node';
import type { GLPK as Glpk, LP } from 'glpk.js/node';

let glpk: Glpk | null = null;

export interface GlpkRow {
  cols: number[];
  coef: number[];
  lo: number;
  hi: number;
}

export async function glpkBounds(nCols: number, colLo: ArrayLike<number>, colHi: ArrayLike<number>, rows: GlpkRow[], targets: number[]): Promise<{ lo: number[]; hi: number[] }> {
  glpk ??= await GLPK();
  const g = glpk;
  const name = (j: number) => `x${j}`;
  const bounds = Array.from({ length: nCols }, (_, j) => {
    const l = colLo[j];
    const h = colHi[j];
    const type = l === h ? g.GLP_FX : Number.isFinite(l) && Number.isFinite(h) ? g.GLP_DB : Number.isFinite(l) ? g.GLP_LO : Number.isFinite(h) ? g.GLP_UP : g.GLP_FR;
    return { name: name(j), type, lb: Number.isFinite(l) ? l : 0, ub: Number.isFinite(h) ? h : 0 };
  });
  const subjectTo = rows.map((r, i) => ({
    name: `r${i}`,
    vars: r.cols.map((c, k) => ({ name: name(c), coef: r.coef[k] })),
    bnds: { type: r.lo === r.hi ? g.GLP_FX : Number.isFinite(r.lo) && Number.isFinite(r.hi) ? g.GLP_DB : Number.isFinite(r.lo) ? g.GLP_LO : g.GLP_UP, lb: Number.isFinite(r.lo) ? r.lo : 0, ub: Number.isFinite(r.hi) ? r.hi : 0 },
  }));
  const lo: number[] = [];
  const hi: number[] = [];
  for (const j of targets) {
    for (const dir of [g.GLP_MIN, g.GLP_MAX]) {
      const lp: LP = { name: 'audit', objective: { direction: dir, name: 'obj', vars: [{ name: name(j), coef: 1 }] }, subjectTo, bounds };
      const res = g.solve(lp, { msglev: g.GLP_MSG_OFF, presol: false });
      const st = res.result.status;
      let v: number;
      if (st === g.GLP_OPT) v = res.result.z;
      else if (st === g.GLP_UNBND) v = dir === g.GLP_MIN ? -Infinity : Infinity;
      else throw new Error(`glpk status ${st}`);
      (dir === g.GLP_MIN ? lo : hi).push(v);
    }
  }
  return { lo, hi };
}
