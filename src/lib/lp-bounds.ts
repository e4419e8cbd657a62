/**
 * The range of each of some variables over a polyhedron: for every target variable, the
 * minimum and the maximum of that variable subject to `rowLo ≤ A·x ≤ rowHi` and
 * `colLo ≤ x ≤ colHi` — the attacker's linear programmes of the protection audit.
 *
 * Solver: HiGHS compiled to WebAssembly (the `highs` package), chosen over `glpk.js` on the
 * same models (bench `protection`, `--only protection`): HiGHS keeps a persistent model whose
 * objective can be changed in place, so each min/max after the first starts from the previous
 * optimal basis (a cost change keeps the basis primal feasible: typically a handful of
 * simplex iterations), and it runs synchronously once loaded, so a check can call it. glpk.js
 * rebuilds the problem from a JSON description on every call (no warm start through its API;
 * its Node build is synchronous too). Measured on the same audits (bench `protection`, 326 LPs):
 * HiGHS 1.13 s, glpk.js 2.57 s — 2.3× (docs/protection.md).
 *
 * The WebAssembly module is loaded once, when this module is first imported (top-level await),
 * so the checks that use it stay synchronous.
 *
 * Limits: at most `LP_MAX_COLUMNS` variables and `LP_MAX_ROWS` constraints, and a time limit
 * per solve; beyond them, or on any status other than optimal / unbounded, `lpBounds` throws
 * (callers fail closed: an interval that could not be computed protects nothing).
 *
 * @example
 * // x0 + x1 = 5, both ≥ 0: x0 ∈ [0, 5]
 * lpBounds({ nCols: 2, colLo: [0, 0], colHi: [Infinity, Infinity], rows: [{ cols: [0, 1], coef: [1, 1], lo: 5, hi: 5 }] }, [0]);
 * // { lo: Float64Array [0], hi: Float64Array [5] }
 */
import { createRequire } from 'node:module';
import type { Highs } from 'highs';
import type { InitOptions } from 'highs';
import { at, outOfRange } from './invariant.js';

// The package's types describe an ES default export on a CommonJS entry; NodeNext typing would
// then see the whole module as the default. Its CommonJS build exports the loader itself.
const loadHighs = createRequire(import.meta.url)('highs') as (options?: InitOptions) => Promise<Highs>;

/** The largest model `lpBounds` accepts (variables). A 100x100x10 table with margins is ~100k. */
export const LP_MAX_COLUMNS = 200_000;
/** The largest model `lpBounds` accepts (constraints). */
export const LP_MAX_ROWS = 200_000;
/** Seconds one min or max may take before the audit gives up (fails closed). */
const SOLVE_SECONDS = 20;

const highs: Highs = await loadHighs();

/** One linear constraint: lo ≤ Σ coef[k]·x[cols[k]] ≤ hi (±Infinity for no bound). */
export interface LpRow {
  cols: number[];
  coef: number[];
  lo: number;
  hi: number;
}

/** A linear system over `nCols` variables with their own bounds. */
export interface LpSystem {
  nCols: number;
  colLo: ArrayLike<number>;
  colHi: ArrayLike<number>;
  rows: LpRow[];
}

/** Thrown when the system has no solution (the published numbers contradict each other). */
export class LpInfeasible extends Error {}

/** Thrown when a solve ends in anything but an optimum or unboundedness (limits, solver errors). */
export class LpUnsolved extends Error {}

/**
 * Early stopping for `lpBounds`: a known feasible point, and a test of whether a range is
 * already wide enough.
 *
 * @example { start: trueValues, enough: (k, lo, hi) => hi - lo >= 10 }
 */
export interface LpBoundsOptions {
  /** A point known to satisfy the system (e.g. the true table): seeds every target's range. */
  start?: ArrayLike<number>;
  /**
   * Whether target k's range [lo, hi] — values the variable is known to take at feasible
   * points — is enough for the caller; then its remaining solves are skipped and [lo, hi] is
   * returned for it (an inner bound of the true range).
   */
  enough?: (k: number, lo: number, hi: number) => boolean;
}

/**
 * Minimum and maximum of each target variable over the system (±Infinity when unbounded),
 * in target order. One persistent HiGHS model; only the objective changes between solves,
 * so each solve is warm-started from the previous basis.
 *
 * Batching: every optimal vertex is a feasible point, so it widens the known range of every
 * target, not only the one optimised; with `enough`, a target whose known range already
 * suffices is not solved at all (a table's LPs mostly share vertices, so most are skipped).
 * A target that is not `enough` gets its exact minimum and maximum.
 *
 * @example lpBounds(system, [3, 7]).hi[1] // the largest value x7 can take
 */
export function lpBounds(sys: LpSystem, targets: readonly number[], opts: LpBoundsOptions = {}): { lo: Float64Array; hi: Float64Array } {
  const n = sys.nCols;
  if (n > LP_MAX_COLUMNS || sys.rows.length > LP_MAX_ROWS) {
    throw new LpUnsolved(`the linear programme has ${n} variables and ${sys.rows.length} constraints; the limits are ${LP_MAX_COLUMNS} and ${LP_MAX_ROWS}`);
  }
  const lo = new Float64Array(targets.length);
  const hi = new Float64Array(targets.length);
  if (targets.length === 0) return { lo, hi };
  for (let j = 0; j < n; j++) {
    if (Number.isNaN(sys.colLo[j]) || Number.isNaN(sys.colHi[j])) throw new LpUnsolved(`variable ${j} has an unknown bound`);
  }
  for (const r of sys.rows) if (Number.isNaN(r.lo) || Number.isNaN(r.hi) || r.coef.some((v) => !Number.isFinite(v))) throw new LpUnsolved('a constraint has an unknown value');
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const r of sys.rows) {
    // HiGHS refuses a repeated column within a row: merge them.
    const merged = new Map<number, number>();
    r.cols.forEach((c, k) => merged.set(c, (merged.get(c) ?? 0) + (r.coef[k] ?? outOfRange())));
    for (const [c, v] of merged) {
      if (v === 0) continue;
      indices.push(c);
      values.push(v);
    }
    starts.push(indices.length);
  }
  const model = highs.createModel({
    numCols: n,
    numRows: sys.rows.length,
    colCost: new Float64Array(n),
    colLower: Float64Array.from(sys.colLo),
    colUpper: Float64Array.from(sys.colHi),
    rowLower: sys.rows.map((r) => r.lo),
    rowUpper: sys.rows.map((r) => r.hi),
    matrix: { format: 'csr', numRows: sys.rows.length, numCols: n, starts, indices, values },
  });
  try {
    // Presolve off: it would discard the basis each solve, and the models are small and sparse.
    model.options.set({ output_flag: false, presolve: 'off', time_limit: SOLVE_SECONDS });
    const { minimize, maximize } = highs.constants.objectiveSense;
    const status = highs.constants.modelStatus;
    lo.fill(Infinity);
    hi.fill(-Infinity);
    const seen = (x: ArrayLike<number>): void => {
      for (let k = 0; k < targets.length; k++) {
        const v = at(x, targets[k] ?? outOfRange());
        if (v < (lo[k] ?? outOfRange())) lo[k] = v;
        if (v > (hi[k] ?? outOfRange())) hi[k] = v;
      }
    };
    // Checked before any read: a target outside the variables is the caller's unsolvable ask.
    for (const j of targets) if (!Number.isInteger(j) || j < 0 || j >= n) throw new LpUnsolved(`target variable ${j} is not in 0..${n - 1}`);
    if (opts.start) seen(opts.start);
    const enough = (k: number): boolean => opts.enough !== undefined && (lo[k] ?? outOfRange()) <= (hi[k] ?? outOfRange()) && opts.enough(k, lo[k] ?? outOfRange(), hi[k] ?? outOfRange());
    let prev = -1;
    for (let k = 0; k < targets.length; k++) {
      const j = targets[k] ?? outOfRange();
      if (enough(k)) continue;
      if (prev >= 0) model.changeColCost(prev, 0);
      model.changeColCost(j, 1);
      prev = j;
      let exactLo = NaN;
      let exactHi = NaN;
      for (const sense of [maximize, minimize]) {
        if (enough(k)) break;
        model.changeObjectiveSense(sense);
        model.run();
        const s = model.getModelStatus();
        let v: number;
        if (s === status.optimal) {
          v = model.getObjectiveValue();
          seen(model.getSolution().colValue);
        } else if (s === status.unbounded) v = sense === minimize ? -Infinity : Infinity;
        else if (s === status.infeasible) throw new LpInfeasible('the published numbers admit no table: they contradict each other');
        else throw new LpUnsolved(`the solver stopped with model status ${s}`);
        if (sense === minimize) exactLo = v;
        else exactHi = v;
      }
      // An optimum is the bound itself (the vertex's value up to the solver's tolerance).
      if (!Number.isNaN(exactLo)) lo[k] = exactLo;
      if (!Number.isNaN(exactHi)) hi[k] = exactHi;
    }
    return { lo, hi };
  } finally {
    model.dispose();
  }
}
