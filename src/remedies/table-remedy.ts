/**
 * The `table` kind's remedy: when cells fail, a protected version of the table (suppressed or
 * rounded, per governance's method), offered only if it holds up when checked again, else
 * `protection_refused` saying why none is offered.
 *
 * @example tableRemedy.protect(t, findings, params) // { protected: { suppressed: [0, 1, 4, 5, 9], rechecked: true, … } }
 */
import type { CheckId, Finding } from '../domain.js';
import { isCountStatistic } from '../domain.js';
import { AirlockError } from '../errors.js';
import { sensitiveCells } from '../checks/protection/sensitive-cells.js';
import type { LpRow } from '../lib/lp-bounds.js';
import { outOfRange } from '../lib/invariant.js';
import { LpInfeasible, LpUnsolved } from '../lib/lp-bounds.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { cellCount, cellLabels } from '../outputs/table/cell-table.js';
import { publishableCsv } from '../outputs/table/publishable-csv.js';
import { structuralZeroCells } from '../outputs/table/structural-zero-cells.js';
import type { Parameters } from '../rules/parameters.js';
import { ProtectionRefused } from './audited-suppression.js';
import { recoverableCells } from './is-recoverable.js';
import type { OutputRemedy } from './output-remedy.js';
import type { ProtectedTable, ProtectOptions } from './protect-table.js';
import { protectTable } from './protect-table.js';

/**
 * Re-checks a protected version before it is offered: every failing cell must be suppressed,
 * and an attacker with the released cells and totals must recover none of them exactly.
 * A version that does not hold up is withheld rather than offered.
 */
export function recheckProtected(t: CellTable, failing: ReadonlyMap<number, unknown> | Set<number>, p: ProtectedTable): { passed: boolean; problems: string[] } {
  const problems: string[] = [];
  const mask = new Uint8Array(cellCount(t));
  for (const c of p.suppressed) mask[c] = 1;
  for (const c of failing.keys()) if (!mask[c]) problems.push(`failing cell ${JSON.stringify(cellLabels(t, c))} is released`);
  const grid = { nRows: t.rows.keys.length, nCols: t.cols.keys.length, rowMargin: t.rows.margin, colMargin: t.cols.margin, value: t.value };
  for (const c of recoverableCells(grid, mask)) problems.push(`suppressed cell ${JSON.stringify(cellLabels(t, c))} can be recalculated from released totals`);
  return { passed: problems.length === 0, problems };
}

/** The cells protection must hide (each with the checks it fails) and how, per governance's method; null when the table needs none. */
function protectionJob(t: CellTable, findings: Finding[], params: Parameters): { primary: Map<number, Set<CheckId>>; opts: ProtectOptions } | null {
  const failing = sensitiveCells(t, findings);
  const roundingFailed = findings.some((f) => f.check === 'rounding' && f.status === 'fail');
  if (failing.size === 0 && !roundingFailed) return null;
  const zeros = structuralZeroCells(t, params.structural_zeros);
  // Both masks have one entry per cell of `t`.
  const fixed = zeros.listed.map((z, c) => z | (zeros.declaredOnly[c] ?? outOfRange()));
  // Governance's method (sdc-rules.md "Remedies and protection"): rounding protects counts
  // only, so a magnitude table is suppressed whatever the method; `round` alone (accepted
  // only where threshold ≤ round_base) rounds the failing counts instead of suppressing them.
  const counts = isCountStatistic(t.statistic);
  const rounds = roundingFailed || (counts && params.protection !== 'suppress');
  const roundOnly = counts && params.protection === 'round';
  const primary = roundOnly ? new Map<number, Set<CheckId>>() : failing;
  return { primary, opts: rounds ? { roundBase: params.round_base, roundingScheme: params.rounding_scheme, fixed, params } : { fixed, params } };
}

/**
 * Why no protected version is offered, kept in `extra.protection_refused`: no complement avoids
 * the structural zeros, or no pattern meets the LP audit — offer nothing (saying why) rather
 * than a weak version or a failed decision. Any other error is rethrown.
 */
function noteRefusal(extra: Record<string, unknown>, e: unknown): void {
  if (e instanceof ProtectionRefused) extra.protection_refused = e.message;
  else if (e instanceof LpUnsolved || e instanceof LpInfeasible) extra.protection_refused = `the protection audit could not be completed: ${e.message}`;
  else if (!(e instanceof AirlockError && e.code === 'INTERNAL')) throw e;
}

/** What the decision offers: the protected version only if it holds up when checked again. */
function offered(t: CellTable, primary: ReadonlyMap<number, unknown>, p: ProtectedTable | null): unknown {
  const recheck = p ? recheckProtected(t, primary, p) : { passed: false };
  return p && recheck.passed ? { ...p, rechecked: true, csv: publishableCsv(t, p.rows.map((r) => r.value)) } : null;
}

/**
 * The protected version of a failing table made again with the equations of linked tables of
 * the same population (`linked`, from the pipeline's linked-tables step): `protected` (or null)
 * and `protection_refused` when none is offered; nothing when the table needs no protection.
 *
 * @example protectedVersion(t, findings, params, rows).protected?.suppressed // [0, 1, 4, 5, 9]
 */
export function protectedVersion(t: CellTable, findings: Finding[], params: Parameters, linked: LpRow[]): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  const job = protectionJob(t, findings, params);
  if (!job) return extra;
  let p: ProtectedTable | null = null;
  try {
    p = protectTable(t, job.primary, { ...job.opts, linked });
  } catch (e) {
    noteRefusal(extra, e);
  }
  extra.protected = offered(t, job.primary, p);
  return extra;
}

export const tableRemedy: OutputRemedy<CellTable> = {
  kind: 'table',
  protect(t, findings, params) {
    const extra: Record<string, unknown> = {};
    const job = protectionJob(t, findings, params);
    if (!job) return extra;
    let p: ProtectedTable | null = null;
    try {
      p = protectTable(t, job.primary, job.opts);
    } catch (e) {
      noteRefusal(extra, e);
    }
    extra.protected = offered(t, job.primary, p);
    return extra;
  },
  async protectWith(t, findings, params, work) {
    const extra: Record<string, unknown> = {};
    const job = protectionJob(t, findings, params);
    if (!job) return extra;
    work.beforeProtection(cellCount(t));
    let p: ProtectedTable | null = null;
    try {
      p = await work.protect(t, job.primary, job.opts);
    } catch (e) {
      noteRefusal(extra, e);
    }
    extra.protected = offered(t, job.primary, p);
    return extra;
  },
};
