/**
 * `suppression_audit` on tables submitted with suppressed cells (sdc-rules.md "Suppressed
 * cells"): is every suppressed cell protected from an attacker holding everything published?
 *
 * What this version does — the interim audit until the linear-programming audit of the
 * protection issue replaces these internals (keep the interface: table and parameters in,
 * findings out):
 * 1. The exact-recovery test (`src/remedies/is-recoverable.ts`): a suppressed cell that the
 *    published cells and totals determine exactly fails. Value-free, so it applies to every
 *    additive statistic (frequency, count, sum, mean — a mean table publishes its counts).
 * 2. For frequency and count tables, bounds propagated through the published row and column
 *    totals (each suppressed count ≥ 0; integer bounds rounded inward): a suppressed cell
 *    whose interval is narrower than `threshold` fails (the width rule needs no suppressed
 *    value). The propagated interval contains the attacker's LP interval, so such a failure
 *    is certain; a wider one does not prove protection.
 * 3. Every other suppressed cell gets `review`: frequency cells because step 2 is not the LP
 *    audit, magnitude cells because without airlock's `protection` token their evidence is a
 *    claim (sdc-rules.md principle 2). So a table with suppressed cells is never released by
 *    this interim audit, and each finding says which test was applied.
 * Median, min, max and std cells get primary suppression only: they are not additive, so
 * only step 3 applies to them.
 *
 * @example suppressionAudit.run(tableWithSuppressedCells, params, ctx)[0].check // 'suppression_audit'
 */
import type { CellFinding, Finding } from '../domain.js';
import { isCountStatistic } from '../domain.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { cellCount } from '../outputs/table/cell-table.js';
// The interim audit reuses the remedies' exact-recovery test; the protection issue's LP audit replaces it.
import { recoverableCells } from '../remedies/is-recoverable.js';
import type { SuppressionGrid } from '../remedies/table-constraints.js';
import { tableConstraints } from '../remedies/table-constraints.js';
import type { Parameters } from '../rules/parameters.js';
import type { Check } from './check.js';
import { cellFinding, cellsWord } from './table-cell-check.js';

const ADDITIVE = new Set(['frequency', 'count', 'sum', 'mean']);
const MAX_ROUNDS = 64;

function gridOf(t: CellTable): SuppressionGrid {
  return { nRows: t.rows.keys.length, nCols: t.cols.keys.length, rowMargin: t.rows.margin, colMargin: t.cols.margin, value: t.value };
}

/** One published total and the suppressed cells in it: Σ coef·x = rhs. */
interface Line {
  cells: number[];
  coef: number[];
  rhs: number;
}

/**
 * Bounds of each suppressed count implied by the published lines (a row or column with its
 * published total), by propagation to a fixed point. Lines whose total is assumed known but
 * not in the table carry no number and are left out (the bounds stay wider: sound).
 *
 * @example const { lo, hi } = countBounds(t); hi[c] - lo[c]; // the width the published totals leave cell c
 */
export function countBounds(t: CellTable): { lo: Float64Array; hi: Float64Array } {
  const n = cellCount(t);
  const lo = new Float64Array(n);
  const hi = new Float64Array(n).fill(Infinity);
  const c = tableConstraints(gridOf(t));
  const lines = new Map<number, Line & { hasTotal: boolean; unknownTotal: boolean }>();
  const add = (eq: number, coef: number, cell: number): void => {
    if (eq < 0) return;
    let line = lines.get(eq);
    if (!line) {
      line = { cells: [], coef: [], rhs: 0, hasTotal: false, unknownTotal: false };
      lines.set(eq, line);
    }
    if (coef === -1) line.hasTotal = true;
    if (t.suppressed[cell]) {
      line.cells.push(cell);
      line.coef.push(coef);
    } else {
      const v = t.value[cell];
      if (Number.isNaN(v)) line.unknownTotal = true;
      else line.rhs -= coef * v;
    }
  };
  for (let i = 0; i < n; i++) {
    add(c.rowEq[i], c.rowCoef[i], i);
    add(c.colEq[i], c.colCoef[i], i);
  }
  const usable = [...lines.values()].filter((l) => l.hasTotal && !l.unknownTotal && l.cells.length > 0);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let changed = false;
    for (const line of usable) changed = tighten(line, lo, hi) || changed;
    if (!changed) break;
  }
  return { lo, hi };
}

/** One pass of bound tightening over Σ coef·x = rhs; true when a bound moved. */
function tighten(line: Line, lo: Float64Array, hi: Float64Array): boolean {
  // Range of every term: coef·x ∈ [tmin, tmax]; sums keep infinite parts apart so one term can be excluded.
  let minSum = 0;
  let maxSum = 0;
  let minInf = 0;
  let maxInf = 0;
  const k = line.cells.length;
  const tmin = new Float64Array(k);
  const tmax = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const x = line.cells[j];
    tmin[j] = line.coef[j] > 0 ? lo[x] : -hi[x];
    tmax[j] = line.coef[j] > 0 ? hi[x] : -lo[x];
    if (Number.isFinite(tmin[j])) minSum += tmin[j];
    else minInf++;
    if (Number.isFinite(tmax[j])) maxSum += tmax[j];
    else maxInf++;
  }
  let changed = false;
  for (let j = 0; j < k; j++) {
    const x = line.cells[j];
    // The rest of the line: Σ over i ≠ j.
    const restMin = minInf - (Number.isFinite(tmin[j]) ? 0 : 1) > 0 ? -Infinity : minSum - (Number.isFinite(tmin[j]) ? tmin[j] : 0);
    const restMax = maxInf - (Number.isFinite(tmax[j]) ? 0 : 1) > 0 ? Infinity : maxSum - (Number.isFinite(tmax[j]) ? tmax[j] : 0);
    // coef·x = rhs − rest
    let newLo = line.coef[j] > 0 ? line.rhs - restMax : restMin - line.rhs;
    let newHi = line.coef[j] > 0 ? line.rhs - restMin : restMax - line.rhs;
    // Counts are integers: round inward (with a little slack for floating residue).
    newLo = Number.isFinite(newLo) ? Math.ceil(newLo - 1e-9) : newLo;
    newHi = Number.isFinite(newHi) ? Math.floor(newHi + 1e-9) : newHi;
    if (newLo > lo[x]) {
      lo[x] = newLo;
      changed = true;
    }
    if (newHi < hi[x]) {
      hi[x] = newHi;
      changed = true;
    }
  }
  return changed;
}

function finding(status: 'fail' | 'review', cells: CellFinding[], message: string, remedy: string): Finding {
  return { check: 'suppression_audit', status, message, remedy, cells };
}

export const suppressionAudit: Check<CellTable> = {
  id: 'suppression_audit',
  kind: 'table',
  run(t: CellTable, p: Parameters): Finding[] {
    const n = cellCount(t);
    const suppressed: number[] = [];
    for (let i = 0; i < n; i++) if (t.suppressed[i]) suppressed.push(i);
    if (suppressed.length === 0) return [];
    const failed = new Map<number, string>();
    if (ADDITIVE.has(t.statistic)) {
      for (const c of recoverableCells(gridOf(t), t.suppressed)) failed.set(c, 'can be recalculated exactly from the published cells and totals (exact-recovery test)');
    }
    if (isCountStatistic(t.statistic)) {
      const { lo, hi } = countBounds(t);
      for (const c of suppressed) {
        if (failed.has(c) || !(hi[c] - lo[c] < p.threshold)) continue;
        failed.set(c, `the published cells and totals narrow it to between ${lo[c]} and ${hi[c]} (a range of ${hi[c] - lo[c]} < threshold ${p.threshold})`);
      }
    }
    const out: Finding[] = [];
    if (failed.size) {
      out.push(
        finding(
          'fail',
          [...failed].map(([c, reason]) => cellFinding(t, c, reason)),
          `${cellsWord(failed.size)} suppressed in the submitted table ${failed.size === 1 ? 'is' : 'are'} not protected: the published cells and totals give ${failed.size === 1 ? 'it' : 'them'} away (audited with the exact-recovery test and bounds from the published totals; the linear-programming audit is not yet in place).`,
          'Suppress complementary cells (or merge categories) so each suppressed cell could take a range of at least the threshold, or submit the table unsuppressed and use the protected version airlock offers.',
        ),
      );
    }
    const rest = suppressed.filter((c) => !failed.has(c));
    if (rest.length) {
      const counts = isCountStatistic(t.statistic);
      const reason = counts
        ? 'not recoverable exactly and not narrowed below the threshold by the published totals; the linear-programming protection audit is not yet in place'
        : 'a suppressed magnitude cell: without airlock\'s protection token its evidence is a claim';
      out.push(
        finding(
          'review',
          rest.map((c) => cellFinding(t, c, reason)),
          counts
            ? `${cellsWord(rest.length)} suppressed in the submitted table passed the exact-recovery test and the bounds from the published totals, but airlock cannot yet prove their protection (the linear-programming audit is not in place): an output checker must confirm.`
            : `${cellsWord(rest.length)} of a magnitude table ${rest.length === 1 ? 'is' : 'are'} suppressed; their protection cannot be established from a submitter's evidence (exact-recovery test applied where the statistic is additive): an output checker must confirm.`,
          'Submit the table unsuppressed (microdata and a spec, or full evidence) and use the protected version airlock offers, which is audited before it is offered.',
        ),
      );
    }
    return out;
  },
};
