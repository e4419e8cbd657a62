/**
 * Secondary suppression that meets the LP audit (sdc-rules.md "Remedies and protection"):
 * 1. today's fast heuristic (`suppressWithReasons`): complements until no suppressed cell is
 *    exactly recoverable, cheapest cycles first;
 * 2. then the attacker's linear programmes (`auditIntervals`) on every sensitive cell; for the
 *    first one whose interval misses its protection level, one more cycle of complements
 *    through it, made of cells at least as large as the protection it lacks where the table
 *    has them (`cycleThrough`) — a cycle lets the cell move by as much as its smallest member;
 *    the cycle's cells outside the sensitive cell's row and column are avoided for that cell
 *    next time, forcing a different cycle when this one (or one already there) is too narrow;
 * 3. repeat until every sensitive cell meets its level. Suppressing more only widens every
 *    interval (the LP's feasible set grows), so a cell once protected stays protected and only
 *    the failing ones are re-audited; a last audit of all of them confirms.
 * Work is bounded: at most `MAX_ATTEMPTS` cycles per sensitive cell and the solver's limits.
 * When that is not enough (linked tables pin the cell, structural zeros block every cycle…),
 * no version is offered: `ProtectionRefused` with the reason — never a weak version.
 *
 * @example
 * const s = auditedSuppression(t, levels, primary, { fixed: null, linked: [] });
 * s.protects[7]; // 2: complement 7 was chosen to protect sensitive cell 2
 */
import type { CellInterval } from '../checks/protection/lp-audit.js';
import { auditIntervals, maskedAuditInput } from '../checks/protection/lp-audit.js';
import type { ProtectionLevel } from '../checks/protection/protection-levels.js';
import { additiveValue, describeInterval, meetsLevel } from '../checks/protection/protection-levels.js';
import { isCountStatistic } from '../domain.js';
import { at, got } from '../lib/invariant.js';
import type { LpRow } from '../lib/lp-bounds.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { cellCount, cellLabels } from '../outputs/table/cell-table.js';
import type { Suppression } from './secondary-suppression.js';
import { cycleThrough, suppressWithReasons } from './secondary-suppression.js';

/** Cycles tried per sensitive cell before giving up on it. */
export const MAX_ATTEMPTS = 8;

/** No protected version meets the audit; `reason` says why (for the decision). */
export class ProtectionRefused extends Error {}

/** The result: the mask, who protects whom, and the final interval of every sensitive cell. */
export interface AuditedSuppression extends Suppression {
  intervals: CellInterval[];
}

/** Options: cells never chosen as complements, and constraints from linked tables. */
export interface AuditedOptions {
  fixed: Uint8Array | null;
  linked: LpRow[];
}

/**
 * Every cell's additive value (count, or sum; mean tables as sums).
 *
 * @example additiveValues(t)[0] // 3
 */
export function additiveValues(t: CellTable): Float64Array {
  const n = cellCount(t);
  const out = new Float64Array(n);
  for (let c = 0; c < n; c++) out[c] = additiveValue(t, c);
  return out;
}

/** How far a cell must be able to move for its level: the amount each cycle member should exceed. */
function needOf(level: ProtectionLevel, x: number): number {
  let need = 0;
  if (level.width !== undefined) need = Math.max(need, level.width);
  if (level.hiAtLeast !== undefined) need = Math.max(need, level.hiAtLeast - x);
  if (level.loAtMost !== undefined) need = Math.max(need, x - level.loAtMost);
  return need;
}

/**
 * Primary ∪ secondary suppression whose every sensitive cell (a key of `levels`) meets its
 * protection level against the LP attacker, or `ProtectionRefused`.
 *
 * @example auditedSuppression(t, new Map([[0, { width: 10, rules: ['min_count'] }]]), primary, { fixed: null, linked: [] }).mask
 */
export function auditedSuppression(t: CellTable, levels: ReadonlyMap<number, ProtectionLevel>, primary: Uint8Array, opts: AuditedOptions): AuditedSuppression {
  const additive = additiveValues(t);
  const integer = isCountStatistic(t.statistic);
  const grid = { nRows: t.rows.keys.length, nCols: t.cols.keys.length, rowMargin: t.rows.margin, colMargin: t.cols.margin, value: additive };
  const { mask, protects } = suppressWithReasons(grid, primary, opts.fixed);
  const sensitive = [...levels.keys()].sort((a, b) => a - b);
  // The audit answers for the cells asked, and those are keys of `levels`.
  const meets = (iv: CellInterval): boolean => meetsLevel(iv, got(levels, iv.cell));
  const audit = (cells: number[]): CellInterval[] => auditIntervals(maskedAuditInput(t, additive, mask, opts.linked, integer), cells, meets);
  const banned = new Map<number, Set<number>>();
  const attempts = new Map<number, number>();
  let pending = sensitive;
  for (;;) {
    const failing = audit(pending).filter((iv) => !meets(iv));
    const f = failing[0];
    if (f === undefined) break;
    pending = failing.map((iv) => iv.cell);
    const level = got(levels, f.cell);
    const tried = attempts.get(f.cell) ?? 0;
    const where = JSON.stringify(cellLabels(t, f.cell));
    if (tried >= MAX_ATTEMPTS) {
      throw new ProtectionRefused(`no suppression pattern found within ${MAX_ATTEMPTS} complementary cycles protects cell ${where}: ${describeInterval(f, level, { hideNeeds: true })}`);
    }
    attempts.set(f.cell, tried + 1);
    const avoid = banned.get(f.cell) ?? new Set<number>();
    banned.set(f.cell, avoid);
    const cycle = cycleThrough(grid, mask, f.cell, needOf(level, at(additive, f.cell)), opts.fixed, avoid);
    if (cycle === null) {
      throw new ProtectionRefused(`no complementary cells can protect cell ${where}${opts.linked.length ? ' given the linked tables published of the same population' : ''}: ${describeInterval(f, level, { hideNeeds: true })}`);
    }
    // Avoid this cycle's far cells next time; the cell's own row and column neighbours stay
    // usable (every cycle through it needs one of each, and there may be only one).
    const nC = grid.nCols;
    const sameLine = (c: number): boolean => Math.floor(c / nC) === Math.floor(f.cell / nC) || c % nC === f.cell % nC;
    for (const c of cycle.path) if (c !== f.cell && !primary[c] && !sameLine(c)) avoid.add(c);
    for (const c of cycle.added) {
      mask[c] = 1;
      protects[c] = f.cell;
    }
  }
  // Confirm on every sensitive cell (cheap insurance against a wrong monotonicity argument).
  const intervals = audit(sensitive);
  const weak = intervals.find((iv) => !meets(iv));
  if (weak) throw new ProtectionRefused(`cell ${JSON.stringify(cellLabels(t, weak.cell))} is not protected after suppression`);
  return { mask, protects, intervals };
}
