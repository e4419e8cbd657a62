/**
 * `suppression_audit` against linked tables (sdc-rules.md "Remedies and protection": the
 * attacker's linear programmes take in every other table of the population released in the
 * same request or earlier that shares the table's variables). The check itself audits a
 * submitted table with suppressed cells on its own; this step, which holds the release history,
 * audits it again with the equations the request's other outputs and the population's earlier
 * outputs put on its cells (`linkedConstraints`), under the differencing lock. Those equations
 * only narrow an attacker's intervals: what the linked audit finds beyond the table alone is
 * added (the first finding still says how the table fares alone), and the outcome can only get
 * worse — a table whose suppressed cell a released slice of its population gives away is
 * rejected.
 *
 * @example await auditSuppressedLinked(evaluated, { project: 'p1', dataset: 'cohort', rules }, store);
 */
import type { Finding, OutputDecision } from '../domain.js';
import { outcomeOfStatuses, worstOutcome } from '../domain.js';
import type { DifferencingHistory } from '../history/history-index.js';
import { auditSuppressed } from '../checks/suppression-audit.js';
import { canonicalJson } from '../lib/canonical-json.js';
import type { EffectiveRules } from '../rules/load-ruleset.js';
import { applyException, findingsAsChecked } from './apply-exception.js';
import type { EvaluatedOutput, EvaluatedOutputOf } from './evaluate-output.js';
import { linkedConstraints } from './linked-constraints.js';
import { linkedForms } from './linked-protection.js';

const CHECK = 'suppression_audit';

/**
 * Audits again, in place, every table of the request that carries suppressed cells and whose
 * rules ran `suppression_audit`, with its linked tables.
 *
 * @example await auditSuppressedLinked(evaluated, q, deps.history)
 */
export async function auditSuppressedLinked(evaluated: EvaluatedOutput[], q: { project: string; dataset: string | null; rules: EffectiveRules }, history?: DifferencingHistory): Promise<void> {
  const tables = evaluated.filter((e): e is EvaluatedOutputOf<'table'> => e.kind === 'table' && e.parsed.suppressed.some((s) => s) && e.decision.findings.some((f) => f.check === CHECK));
  if (tables.length === 0) return;
  const formsFor = await linkedForms(evaluated, q, history);
  for (const e of tables) {
    const linked = linkedConstraints(e.parsed, await formsFor(e));
    if (linked.rows.length === 0) continue;
    e.decision = withLinkedAudit(e.decision, auditSuppressed(e.parsed, q.rules.params, linked));
  }
}

/**
 * The decision with what the linked audit found beyond the audit of the table alone (which the
 * check already reported, beside the protection token's verdict under the same check id): its
 * failures, and any review it needs that the table alone did not. An exception request covers
 * them too; the outcome only gets worse.
 */
function withLinkedAudit(decision: OutputDecision, linked: Finding[]): OutputDecision {
  // The table alone as the check found it (before an exception turned failures into review): not audited again.
  const seen = new Set(findingsAsChecked(decision.findings).filter((f) => f.check === CHECK).map((f) => canonicalJson(f)));
  const beyond = linked.filter((f) => f.status !== 'pass' && !seen.has(canonicalJson(f)));
  if (beyond.length === 0) return decision;
  const found = decision.exception ? applyException({ ...decision, findings: beyond }, decision.exception).findings : beyond;
  return { ...decision, findings: [...decision.findings, ...found], outcome: worstOutcome([decision.outcome, outcomeOfStatuses(found.map((f) => f.status))]) };
}
