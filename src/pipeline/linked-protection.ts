/**
 * The linked-tables step (sdc-rules.md "Remedies and protection"; issue 12 item 3): a table's
 * protected version must hold against everything else published of its population — the
 * other outputs of the request and the earlier outputs of the population (released or
 * awaiting review, `populationOutputs`). For every table output that comes with a protected
 * version (or a refusal), the label forms of those outputs become equations on its cells
 * (`linkedConstraints`); when any apply, the version is made again with them, so the offered
 * version meets every protection level against the linked tables too — or none is offered,
 * with the reason (e.g. "F/A = 43 − 40": the 2-way table in the same request pins a cell).
 * The other outputs of the request count as published as submitted (the conservative
 * reading: one of them may be released as it is).
 *
 * @example await protectLinked(evaluated, { project: 'p1', dataset: 'cohort', rules }, store);
 */
import { protectedVersion } from '../remedies/table-remedy.js';
import type { LabelForm } from '../history/label-form.js';
import { labelFormsOf } from '../history/label-form.js';
import type { DifferencingHistory } from '../history/history-index.js';
import type { EffectiveRules } from '../rules/load-ruleset.js';
import { findingsAsChecked } from './apply-exception.js';
import { DIFFERENCED_KINDS } from './difference-outputs.js';
import type { EvaluatedOutput, EvaluatedOutputOf } from './evaluate-output.js';
import { linkedConstraints } from './linked-constraints.js';
import { populationOutputs } from './population-history.js';

/**
 * Re-makes the protected versions of the request's tables against their linked tables, in place.
 *
 * @example await protectLinked(evaluated, { project, dataset, rules }, deps.history);
 */
export async function protectLinked(evaluated: EvaluatedOutput[], q: { project: string; dataset: string | null; rules: EffectiveRules }, history?: DifferencingHistory): Promise<void> {
  const tables = evaluated.filter((e): e is EvaluatedOutputOf<'table'> => e.kind === 'table' && ('protected' in e.decision || 'protection_refused' in e.decision));
  if (tables.length === 0) return;
  const formsFor = await linkedForms(evaluated, q, history);
  for (const e of tables) {
    const t = e.parsed;
    const linked = linkedConstraints(t, await formsFor(e));
    if (linked.rows.length === 0) continue;
    const decision = e.decision as unknown as Record<string, unknown>;
    delete decision.protected;
    delete decision.protection_refused;
    // The failures as checked: an exception (failures shown as `review`) must not make the
    // remade version protect nothing and so withdraw the one offered.
    const again = protectedVersion(t, findingsAsChecked(e.decision.findings), q.rules.params, linked.rows);
    const version = again.protected as Record<string, unknown> | null;
    if (version) version.linked_tables = linked.used;
    else if (typeof again.protection_refused === 'string') again.protection_refused = `${again.protection_refused} (linked tables: ${linked.used.join(', ')})`;
    Object.assign(decision, again);
  }
}

/**
 * What an output of the request is linked with: the label forms of the request's other outputs
 * (published as submitted, the conservative reading) and of the population's earlier outputs.
 *
 * @example const formsFor = await linkedForms(evaluated, q, store); linkedConstraints(t, await formsFor(e))
 */
export async function linkedForms(evaluated: readonly EvaluatedOutput[], q: { project: string; dataset: string | null; rules: EffectiveRules }, history?: DifferencingHistory): Promise<(e: EvaluatedOutput) => Promise<LabelForm[]>> {
  let historyForms: LabelForm[] = [];
  if (history) {
    const { outputs } = await populationOutputs(history, q);
    historyForms = outputs.flatMap((o) => o.forms);
  }
  return async (e) => {
    const others: LabelForm[] = [];
    for (const o of evaluated) if (o !== e && DIFFERENCED_KINDS.includes(o.decision.kind)) others.push(...(await labelFormsOf(o.decision.name, o)));
    return [...others, ...historyForms];
  };
}
