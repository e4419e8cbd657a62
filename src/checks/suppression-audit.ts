/**
 * `suppression_audit` on tables submitted with suppressed cells (sdc-rules.md "Suppressed
 * cells", "Remedies and protection"): is every suppressed sensitive cell protected from an
 * attacker who solves linear programmes over everything published?
 *
 * The attacker's interval of each suppressed cell comes from the LP audit
 * (`protection/lp-audit.ts`): the published cells and margins (or, without margins, the
 * totals), non-negativity, integer bounds rounded inward for counts. Then:
 * - frequency and count tables without airlock's `protection` token: the values of suppressed
 *   cells are unknown (their evidence is a claim), and so is which of them are sensitive, so
 *   every suppressed cell is held to the width rule (hi − lo ≥ threshold), which needs no
 *   value. All protected → pass; any narrower → fail.
 * - with the token (`evidenceTrusted`): the evidence is airlock's own, so the sensitive cells
 *   are those whose evidence fails `min_count`, `zeros`, `p_percent` or `nk_dominance`, each
 *   held to its protection level (`protection-levels.ts`); complements need none.
 * - magnitude tables without the token: a suppressed cell the published numbers determine
 *   exactly fails; the rest get `review` (their protection levels need values that are only
 *   claims).
 * - median, min, max, std tables: not additive, no LP; suppressed cells get `review`.
 * A table without margins whose suppressed values airlock does not know cannot be audited (the
 * attacker's totals are unknown to airlock): `review`. So does a model beyond the solver's
 * limits. Published numbers that admit no table fail.
 *
 * @example suppressionAudit.run(tableWithSuppressedCells, params, ctx)[0].check // 'suppression_audit'
 */
import type { CellFinding, CheckId, Finding } from '../domain.js';
import { isCountStatistic } from '../domain.js';
import { LpInfeasible, LpUnsolved } from '../lib/lp-bounds.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { cellCount } from '../outputs/table/cell-table.js';
import type { Parameters } from '../rules/parameters.js';
import type { Check } from './check.js';
import { nkDominance } from './nk-dominance.js';
import { pPercent } from './p-percent.js';
import type { AuditInput, CellInterval } from './protection/lp-audit.js';
import type { LpRow } from '../lib/lp-bounds.js';
import { AuditUnavailable, auditIntervals } from './protection/lp-audit.js';
import type { ProtectionLevel } from './protection/protection-levels.js';
import { ADDITIVE_STATISTICS, additiveValue, describeInterval, meetsLevel, protectionLevel } from './protection/protection-levels.js';
import { cellFinding, cellsWord } from './table-cell-check.js';
import { outOfRange } from '../lib/invariant.js';

/**
 * What the attacker knows of a submitted table: published cells exactly (mean cells as sums),
 * suppressed cells only that they are non-negative (or unbounded below when their evidence says
 * a contribution is negative). With trusted evidence the true values are known too.
 *
 * @example submittedAuditInput(t, false).bounds.hi[4] // Infinity for a suppressed cell
 */
export function submittedAuditInput(t: CellTable, trusted: boolean): AuditInput {
  const n = cellCount(t);
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  const truth = trusted ? new Float64Array(n) : null;
  for (let c = 0; c < n; c++) {
    if (t.suppressed[c]) {
      // A claimed negative contribution only widens the attacker's range; believe it only with the token.
      lo[c] = trusted && t.negative[c] ? -Infinity : 0;
      hi[c] = Infinity;
      if (truth) truth[c] = trustedValue(t, c);
    } else {
      lo[c] = hi[c] = additiveValue(t, c);
      if (truth) truth[c] = lo[c] ?? outOfRange();
    }
  }
  return { table: t, bounds: { lo, hi }, totals: truth, integer: isCountStatistic(t.statistic), linked: [] };
}

/** A suppressed cell's value from evidence airlock vouched for (its count, or its sum = Σ|x| without negatives). */
function trustedValue(t: CellTable, c: number): number {
  if (isCountStatistic(t.statistic)) return t.count[c] ?? outOfRange();
  return t.negative[c] ? NaN : t.sumAbs[c] ?? outOfRange();
}

/** The checks a suppressed cell's trusted evidence fails (why it is sensitive). */
function failedByEvidence(t: CellTable, c: number, p: Parameters): Set<CheckId> {
  const failed = new Set<CheckId>();
  const count = t.count[c] ?? outOfRange();
  if (count < p.threshold && !(count === 0 && !p.zeros_are_disclosive)) failed.add(count === 0 ? 'zeros' : 'min_count');
  if (!isCountStatistic(t.statistic)) {
    if (pPercent.rule.flag(t, c, p) !== null) failed.add('p_percent');
    if (nkDominance.rule.flag(t, c, p) !== null) failed.add('nk_dominance');
  }
  return failed;
}

function finding(status: 'fail' | 'review' | 'pass', cells: CellFinding[], message: string, remedy: string): Finding {
  return { check: 'suppression_audit', status, message, remedy, cells };
}

const UNSUPPRESSED_REMEDY = 'Submit the table unsuppressed (microdata and a spec, or full evidence) and use the protected version airlock offers, which is audited before it is offered.';

/**
 * A table without margins whose suppressed values airlock does not know: the attacker's totals
 * are unknown, so widths cannot be computed — but whether a cell is determined exactly does not
 * depend on the values. With every suppressed cell given a value far from 0 (so non-negativity
 * binds nowhere), a zero-width interval means the totals pin the cell whatever its value: fail.
 * The rest: review.
 */
function withoutTotals(t: CellTable, suppressed: number[], why: string): Finding[] {
  const input = submittedAuditInput(t, false);
  const generic = Float64Array.from(input.bounds.lo);
  for (const c of suppressed) generic[c] = 1e6;
  const pinned = new Set(auditIntervals({ ...input, totals: generic, integer: false }, suppressed).filter((iv) => iv.hi - iv.lo < 1e-6).map((iv) => iv.cell));
  const out: Finding[] = [];
  if (pinned.size) {
    out.push(finding('fail', [...pinned].map((c) => cellFinding(t, c, 'the totals of the table (assumed published) determine it exactly, whatever its value')), `${cellsWord(pinned.size)} suppressed in the submitted table can be recalculated exactly from the published cells and the table's totals.`, 'Suppress complementary cells so no suppressed cell is alone in a row or column, or submit the table unsuppressed and use the protected version airlock offers.'));
  }
  const rest = suppressed.filter((c) => !pinned.has(c));
  if (rest.length) out.push(finding('review', rest.map((c) => cellFinding(t, c, why)), `The suppressed cells could not be fully audited (${why}): an output checker must confirm their protection.`, UNSUPPRESSED_REMEDY));
  return out;
}

export const suppressionAudit: Check<CellTable> = {
  id: 'suppression_audit',
  kind: 'table',
  run(t: CellTable, p: Parameters): Finding[] {
    return auditSuppressed(t, p, NO_LINKED);
  },
};

/** The equations other published tables put on this one's cells (`pipeline/linked-constraints.ts`), and their names. */
export interface LinkedRows {
  rows: LpRow[];
  used: string[];
}

const NO_LINKED: LinkedRows = { rows: [], used: [] };

/**
 * The audit of `suppression_audit` with the linked tables of the population as further
 * equations (sdc-rules.md: the attacker knows every other table of the population released in
 * the same request or earlier that shares its variables). The check itself sees one table; the
 * pipeline, which holds the release history, runs this again with `linked` under the
 * differencing lock (`pipeline/linked-suppression-audit.ts`).
 *
 * @example auditSuppressed(t, params, { rows, used: ['by_region'] })[0].status // 'fail'
 */
export function auditSuppressed(t: CellTable, p: Parameters, linked: LinkedRows): Finding[] {
  const n = cellCount(t);
  const suppressed: number[] = [];
  for (let i = 0; i < n; i++) if (t.suppressed[i]) suppressed.push(i);
  if (suppressed.length === 0) return [];
  const review = (cells: number[], reason: string, message: string): Finding[] => [finding('review', cells.map((c) => cellFinding(t, c, reason)), message, UNSUPPRESSED_REMEDY)];
  if (!ADDITIVE_STATISTICS.has(t.statistic)) {
    return review(suppressed, `a suppressed ${t.statistic} cell: the statistic does not add up, so no published total bounds it`, `${cellsWord(suppressed.length)} of a ${t.statistic} table ${suppressed.length === 1 ? 'is' : 'are'} suppressed; their protection cannot be audited: an output checker must confirm.`);
  }
  const trusted = t.evidenceTrusted === true;
  const counts = isCountStatistic(t.statistic);
  const withLinked = linked.used.length ? ` and the linked tables published of its population (${linked.used.join(', ')})` : '';
  // Per suppressed cell, the level it must meet (null: a complement, or unknown without the token).
  const levels = new Map<number, ProtectionLevel | null>();
  for (const c of suppressed) {
    if (trusted) levels.set(c, protectionLevel(t, c, failedByEvidence(t, c, p), p, trustedValue(t, c)));
    else levels.set(c, counts ? { width: p.threshold, rules: ['the width rule'] } : null);
  }
  let intervals: CellInterval[];
  try {
    // A cell is settled once its known range meets its level (or, without one, is not a single point).
    intervals = auditIntervals({ ...submittedAuditInput(t, trusted), linked: linked.rows }, suppressed, (iv) => {
      const level = levels.get(iv.cell) ?? null;
      return level ? meetsLevel(iv, level) : iv.hi - iv.lo > 0;
    });
  } catch (e) {
    if (e instanceof AuditUnavailable) return withoutTotals(t, suppressed, e.message);
    if (e instanceof LpUnsolved) return review(suppressed, e.message, `The suppressed cells could not be audited (${e.message}): an output checker must confirm their protection.`);
    if (e instanceof LpInfeasible) {
      return [finding('fail', suppressed.map((c) => cellFinding(t, c, e.message)), `The published cells and margins admit no table with non-negative suppressed cells: ${e.message}.`, 'Correct the table: the published cells and margins must add up.')];
    }
    throw e;
  }
  const failed: CellFinding[] = [];
  const passed: CellFinding[] = [];
  const unknown: CellFinding[] = [];
  for (const iv of intervals) {
    const level = levels.get(iv.cell) ?? null;
    if (level) {
      if (meetsLevel(iv, level)) passed.push(cellFinding(t, iv.cell, `protected: an attacker solving linear programmes cannot narrow it below [${iv.lo}, ${iv.hi}] (${level.rules.join(' and ')} met)`));
      else failed.push(cellFinding(t, iv.cell, describeInterval(iv, level, { hideNeeds: !counts })));
    } else if (iv.hi - iv.lo <= 0) {
      failed.push(cellFinding(t, iv.cell, `the published cells and totals determine it exactly (an attacker's linear programme gives [${iv.lo}, ${iv.hi}])`));
    } else if (trusted) {
      passed.push(cellFinding(t, iv.cell, `a complement (its evidence passes every check); an attacker can narrow it to [${iv.lo}, ${iv.hi}]`));
    } else {
      unknown.push(cellFinding(t, iv.cell, `a suppressed magnitude cell: not determined by what is published ([${iv.lo}, ${iv.hi}]), but without airlock's protection token its evidence is a claim, so its protection level is unknown`));
    }
  }
  const out: Finding[] = [];
  if (failed.length) {
    out.push(
      finding(
        'fail',
        failed,
        `${cellsWord(failed.length)} suppressed in the submitted table ${failed.length === 1 ? 'is' : 'are'} not protected: an attacker who solves linear programmes over the published cells and totals${withLinked} narrows ${failed.length === 1 ? 'it' : 'them'} too far.`,
        'Suppress complementary cells (or merge categories) so each suppressed cell could take a range of at least the threshold, or submit the table unsuppressed and use the protected version airlock offers.',
      ),
    );
  }
  if (unknown.length) {
    out.push(finding('review', unknown, `${cellsWord(unknown.length)} of a magnitude table ${unknown.length === 1 ? 'is' : 'are'} suppressed without airlock's protection token; their protection cannot be established from a submitter's evidence: an output checker must confirm.`, UNSUPPRESSED_REMEDY));
  }
  if (!out.length) {
    const how = trusted ? 'each sensitive cell meets its protection level (evidence under airlock\'s protection token)' : 'each could take a range of at least the threshold (the width rule; no suppressed value needed)';
    out.push(finding('pass', passed, `Every suppressed cell is protected against an attacker solving linear programmes over the published cells and totals${withLinked}: ${how}.`, ''));
  }
  return out;
}
