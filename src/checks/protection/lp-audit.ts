/**
 * The attacker's linear programmes (sdc-rules.md "Remedies and protection"): for every
 * suppressed (or rounded) cell of a table, the minimum and maximum its value can take given
 * everything published of the same population — the table's released cells and margins (or,
 * without margins, its row, column and grand totals), non-negativity, and linked tables —
 * with integer bounds rounded inward for counts.
 *
 * The model: one variable per cell of the table (interior and margins), bounded by what the
 * attacker knows of it (`CellBounds`: a published cell is [v, v], a suppressed one [0, ∞) or
 * evidence bounds, a rounded count [r − b, r + b] — the rounding and resubmission code supplies
 * those); one equation per row and column line (`tableConstraints`): the interior cells of the
 * line sum to its margin cell, or, on an axis without margins, to the line's known total; plus
 * any extra rows (linked tables, `linked-constraints.ts`), each a sum of interior cells.
 * Mean tables are audited as sums (their counts are published): the caller passes sum bounds.
 *
 * Used both by `suppression_audit` (submitted tables) and by the remedies (vetting airlock's
 * own protected versions and guiding secondary suppression), so it lives below both.
 *
 * @example
 * const iv = auditIntervals({ table: t, bounds, totals: truth, integer: true, linked: [] }, [4]);
 * iv[0]; // { cell: 4, lo: 0, hi: 33 }
 */
import type { LpBoundsOptions, LpRow } from '../../lib/lp-bounds.js';
import { lpBounds } from '../../lib/lp-bounds.js';
import type { CellTable } from '../../outputs/table/cell-table.js';
import { cellCount } from '../../outputs/table/cell-table.js';
import { tableConstraints } from '../../outputs/table/table-constraints.js';
import { at, outOfRange } from '../../lib/invariant.js';

/**
 * What the attacker knows of each cell's additive value (the count, or the sum for magnitude
 * tables), per cell in cell order. This is the interface with rounding and resubmission.
 *
 * @example { lo: Float64Array [3, 0, 40], hi: Float64Array [3, Infinity, 40] } // cell 1 suppressed
 */
export interface CellBounds {
  lo: Float64Array;
  hi: Float64Array;
}

/** Everything the audit of one table needs. */
export interface AuditInput {
  /** The table's shape and labels (its values are not read: `bounds` and `totals` say what is known). */
  table: CellTable;
  bounds: CellBounds;
  /**
   * The cells' true additive values, when airlock knows them (its own protected versions,
   * evidence under a protection token): the known totals of an axis without margins are sums of
   * these. Null when the values are unknown; then a line without a margin whose cells are not
   * all published makes the audit impossible (`AuditUnavailable`).
   */
  totals: Float64Array | null;
  /** Counts: bounds are rounded inward to integers. */
  integer: boolean;
  /** Further constraints over this table's cells (linked tables). */
  linked: LpRow[];
}

/** One cell's attacker interval. */
export interface CellInterval {
  cell: number;
  lo: number;
  hi: number;
}

/** The audit cannot be run on what is known (it would need values the audit does not have). */
export class AuditUnavailable extends Error {}

/** Slack for floating residue before rounding integer bounds inward. */
const EPS = 1e-6;

/**
 * The LP system of a table: variables = cells, rows = the lines' equations and the linked rows.
 *
 * @example const sys = auditSystem(input); sys.rows.length // lines + linked constraints
 */
export function auditSystem(input: AuditInput): { nCols: number; colLo: Float64Array; colHi: Float64Array; rows: LpRow[] } {
  const t = input.table;
  const n = cellCount(t);
  const grid = { nRows: t.rows.keys.length, nCols: t.cols.keys.length, rowMargin: t.rows.margin, colMargin: t.cols.margin, value: new Float64Array(n) };
  const c = tableConstraints(grid);
  const lines: { cols: number[]; coef: number[]; hasTotal: boolean }[] = Array.from({ length: c.nEquations }, () => ({ cols: [], coef: [], hasTotal: false }));
  for (let i = 0; i < n; i++) {
    for (const [eq, coef] of [
      [c.rowEq[i] ?? outOfRange(), c.rowCoef[i] ?? outOfRange()],
      [c.colEq[i] ?? outOfRange(), c.colCoef[i] ?? outOfRange()],
    ] as const) {
      if (eq < 0) continue;
      const line = at(lines, eq);
      line.cols.push(i);
      line.coef.push(coef);
      if (coef === -1) line.hasTotal = true;
    }
  }
  const rows: LpRow[] = [];
  for (const line of lines) {
    if (line.cols.length === 0) continue;
    if (line.hasTotal) {
      rows.push({ cols: line.cols, coef: line.coef, lo: 0, hi: 0 });
      continue;
    }
    // No margin on this axis: the line's total is assumed published elsewhere (sdc-rules.md).
    let total = 0;
    let known = true;
    for (const i of line.cols) {
      if (input.totals) total += input.totals[i] ?? outOfRange();
      else if (input.bounds.lo[i] === input.bounds.hi[i]) total += input.bounds.lo[i] ?? outOfRange();
      else known = false;
    }
    if (!known) throw new AuditUnavailable('the table has no margins and suppressed or rounded cells whose values are not known to airlock: the totals an attacker may know cannot be formed');
    rows.push({ cols: line.cols, coef: line.coef, lo: total, hi: total });
  }
  rows.push(...input.linked);
  return { nCols: n, colLo: input.bounds.lo, colHi: input.bounds.hi, rows };
}

/**
 * The attacker's interval of each target cell (in the order given), integer bounds rounded
 * inward for counts. Throws `LpInfeasible` when the published numbers contradict each other,
 * `LpUnsolved` beyond the solver's limits, `AuditUnavailable` as above.
 *
 * With `enough` (e.g. "meets its protection level"), a cell whose interval is already known to
 * be at least as wide as `enough` asks is not solved further: its returned interval is then an
 * inner bound (values it certainly can take), which is all a passing verdict needs; a cell that
 * is not `enough` gets its exact interval.
 *
 * @example auditIntervals(input, [0, 5]).map((iv) => iv.hi - iv.lo) // widths
 */
export function auditIntervals(input: AuditInput, targets: readonly number[], enough?: (iv: CellInterval) => boolean): CellInterval[] {
  const round = (cell: number, l: number, h: number): CellInterval => {
    if (input.integer) {
      if (Number.isFinite(l)) l = Math.ceil(l - EPS);
      if (Number.isFinite(h)) h = Math.floor(h + EPS);
    }
    // −0 from the solver would print as "-0".
    return { cell, lo: l === 0 ? 0 : l, hi: h === 0 ? 0 : h };
  };
  const opts: LpBoundsOptions = {};
  if (input.totals) opts.start = input.totals;
  if (enough) opts.enough = (k, l, h) => enough(round(targets[k] ?? outOfRange(), l, h));
  const { lo, hi } = lpBounds(auditSystem(input), targets, opts);
  return targets.map((cell, k) => round(cell, lo[k] ?? outOfRange(), hi[k] ?? outOfRange()));
}

/**
 * The audit input of a table airlock protects itself: the cells of `mask` (1 = suppressed)
 * are known only as non-negative (unbounded below where a contribution is negative), the rest
 * exactly; the true values (airlock computed them) give the totals of an axis without margins.
 * `additive` is each cell's count or sum (mean tables as sums).
 *
 * @example maskedAuditInput(t, additive, mask, []).bounds.lo[3] // 0 when cell 3 is suppressed
 */
export function maskedAuditInput(t: CellTable, additive: Float64Array, mask: Uint8Array, linked: LpRow[], integer: boolean): AuditInput {
  const n = cellCount(t);
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    if (mask[c]) {
      lo[c] = t.negative[c] ? -Infinity : 0;
      hi[c] = Infinity;
    } else lo[c] = hi[c] = additive[c] ?? outOfRange();
  }
  return { table: t, bounds: { lo, hi }, totals: additive, integer, linked };
}
