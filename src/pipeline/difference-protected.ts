/**
 * The protected version passes differencing before it is offered (sdc-rules.md "Remedies and
 * protection"; issue 12). A failing table's protected version hides its failing cells, but the
 * margins and totals it still publishes are new releases of the population: a total of 117
 * beside an earlier release of 120 tells the world the 3 people left out. So each protected
 * version offered is differenced as what it would publish — the table with its suppressed
 * cells left out — against the release history of its population and the other outputs of the
 * request (as submitted: the conservative reading, one of them may be released as it is),
 * exactly as a submitted table is (`differenceOutputs`). If it fails, it is not offered:
 * `protected` becomes null and `protection_refused` names the comparisons, as for a version the
 * LP audit refuses.
 *
 * Compared with what it would publish, the version is judged conservatively: rounded counts are
 * taken at their true values (an attacker who sees a rounded count knows less, so a difference
 * that is not small for the true counts is not small for the rounded ones either), and in unit
 * mode a suppressed cell's units still count (the unit form is not rebuilt without them).
 *
 * @example await differenceProtected(evaluated, { project: 'p1', dataset: 'cohort', rules }, { history: store });
 */
import type { Finding } from '../domain.js';
import { at } from '../lib/invariant.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { cellCount } from '../outputs/table/cell-table.js';
import type { ProtectedTable } from '../remedies/protect-table.js';
import type { EffectiveRules } from '../rules/load-ruleset.js';
import type { DifferencingDeps } from './difference-outputs.js';
import { differenceOutputs } from './difference-outputs.js';
import type { EvaluatedOutput, EvaluatedOutputOf } from './evaluate-output.js';
import { isProtectedTable } from './seal-protected.js';

/**
 * What a protected version publishes, as a table: `t` with the version's suppressed cells
 * marked suppressed (so differencing leaves them out, as it does a submitted suppressed cell).
 *
 * @example publishedVersion(t, p).suppressed // Uint8Array [1, 1, 0, …]
 */
export function publishedVersion(t: CellTable, p: ProtectedTable): CellTable {
  const suppressed = new Uint8Array(cellCount(t));
  p.rows.forEach((r, c) => {
    if (r.suppressed || t.suppressed[c]) suppressed[c] = 1;
  });
  return { ...t, suppressed };
}

/** The failing differencing findings of table `e`'s protected version `p`, vetted on its own against the rest of the request and the history. */
async function versionFailures(evaluated: readonly EvaluatedOutput[], index: number, e: EvaluatedOutputOf<'table'>, p: ProtectedTable, ctx: { project: string; dataset: string | null; rules: EffectiveRules }, deps: DifferencingDeps): Promise<Finding[]> {
  // Without the output's exception request: that asks a person to look at the table as submitted, it never excuses the version offered.
  const { exception: _exception, ...asOffered } = e.decision;
  const version: EvaluatedOutputOf<'table'> = { ...e, parsed: publishedVersion(e.parsed, p), decision: { ...asOffered, findings: [], outcome: 'release' } };
  const replaced = evaluated.map((o, i) => (i === index ? version : o));
  const out = await differenceOutputs(replaced, ctx, deps, { only: index });
  return at(out, index).decision.findings.filter((f) => f.check === 'differencing' && f.status === 'fail');
}

/** The refusal text: what the version would be differenced against, in the words of its findings. */
function refusal(failures: readonly Finding[]): string {
  return `the protected version fails differencing, so it is not offered: ${failures.map((f) => f.message).join('; ')}`;
}

/**
 * Withdraws, in place, every protected table version that fails differencing (see the module
 * comment), saying why in `protection_refused`.
 *
 * @example await differenceProtected(evaluated, { project, dataset, rules }, { history });
 */
export async function differenceProtected(evaluated: EvaluatedOutput[], ctx: { project: string; dataset: string | null; rules: EffectiveRules }, deps: DifferencingDeps = {}): Promise<void> {
  for (const [index, e] of evaluated.entries()) {
    const p = e.decision.protected;
    if (e.kind !== 'table' || !isProtectedTable(p)) continue;
    const failures = await versionFailures(evaluated, index, e, p, ctx, deps);
    if (failures.length === 0) continue;
    const decision = e.decision as unknown as Record<string, unknown>;
    decision.protected = null;
    decision.protection_refused = refusal(failures);
  }
}
