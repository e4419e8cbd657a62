/**
 * Evaluates one output: parse it with its kind's module, run every check the rule set
 * enables for that kind, derive the output's outcome from the findings, then let the kind's
 * remedy offer a protected version (parse → checks → remedies). A check that throws stops the
 * request with `CHECK_FAILED` (fail closed: never a release).
 *
 * @example
 * const r = evaluateOutput(raw, '/outputs/0', rules.resolve('p1'), limits, { project: 'p1', dataset: null });
 * r.decision.outcome; // 'reject'
 */
import { createHash } from 'node:crypto';
import type { Finding, OutputDecision, OutputKind } from '../domain.js';
import { outcomeOfStatuses, worstStatus } from '../domain.js';
import { AirlockError } from '../errors.js';
import { checksFor } from '../checks/index.js';
import type { Limits } from '../limits.js';
import { asKindUnion, outputKindModule, type EvidenceOf, type ParsedOf, type ParsedOutput, type ReleasableOf } from '../outputs/index.js';
import type { RawOutput } from '../outputs/output-kind.js';
import { outputRemedy } from '../remedies/index.js';
import type { RemedyWork } from '../remedies/output-remedy.js';
import type { ProtectionVerdict } from '../outputs/table/cell-table.js';
import { cellCount } from '../outputs/table/cell-table.js';
import type { EffectiveRules } from '../rules/load-ruleset.js';
import { jsonSha256 } from '../lib/json-digest.js';
import type { ExceptionRequest } from './apply-exception.js';
import { applyException } from './apply-exception.js';
import { recordTableRows } from '../telemetry/metrics.js';
import { outputRows } from '../telemetry/output-rows.js';
import { withSpan } from '../telemetry/with-span.js';
import type { OutputHistory } from './difference-outputs.js';
import type { WorkBudget } from './work-budget.js';

/** The part of a project's rules an output's evaluation reads (plain data: it crosses to a worker thread). */
export type OutputRules = Pick<EffectiveRules, 'params' | 'checks'>;

/** One output of kind K, evaluated: its decision and its kind's own types. */
export interface EvaluatedOutputOf<K extends OutputKind> {
  /** The output's kind (as in `decision.kind`): narrowing it narrows the fields below. */
  kind: K;
  decision: OutputDecision;
  /** The parsed form, for checks across outputs (differencing) and for the audit store. */
  parsed: ParsedOf<K>;
  /** What the store keeps if the output is released (null when the kind keeps nothing). */
  releasable: ReleasableOf<K> | null;
  /** What the store keeps of the output for replaying rule changes (null when the kind keeps nothing). */
  evidence: EvidenceOf<K> | null;
  /** What the output adds to the differencing history if recorded as released or awaiting review (set by differencing). */
  history?: OutputHistory;
}

/** An evaluated output of any kind: a union over the kinds, so `e.kind === 'table'` makes `e.parsed` a `CellTable`. */
export type EvaluatedOutput = { [K in OutputKind]: EvaluatedOutputOf<K> }[OutputKind];

/** An output as submitted, of kind K. */
type RawOutputOf<K extends OutputKind> = RawOutput & { kind: K };

/**
 * The SHA-256 a decision names for an output. Callers that have the raw bytes (a CSV upload)
 * pass them; otherwise it is the digest of the output's JSON as received.
 */
export function outputDigest(raw: RawOutput, bytes?: Uint8Array): string {
  if (!bytes) return jsonSha256(raw);
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where an output was submitted, its digest, and the verdict on the protection token it carries (tables). */
export interface OutputContext {
  project: string;
  dataset: string | null;
  digest?: string;
  protection?: ProtectionVerdict;
}

/** An output parsed and checked, before its kind adds what it presents (the table) and its remedy a protected version. */
interface CheckedOutput<K extends OutputKind> {
  raw: RawOutputOf<K>;
  parsed: ParsedOf<K>;
  findings: Finding[];
  decision: OutputDecision;
}

/** Parses and checks one output; `beforeChecks` sees the parsed form first (the request's work budget). */
function checkOutput<K extends OutputKind>(
  raw: RawOutputOf<K>,
  pointer: string,
  rules: OutputRules,
  limits: Limits,
  ctx: OutputContext,
  beforeChecks?: (parsed: ParsedOf<K>) => void,
): CheckedOutput<K> {
  const mod = outputKindModule(raw.kind);
  const parsed = withSpan('airlock.parse', { 'airlock.output.kind': raw.kind, 'airlock.output.pointer': pointer }, (span) => {
    const p = mod.parse(raw, { limits, params: rules.params, pointer, ...(ctx.protection ? { protection: ctx.protection } : {}) });
    const rows = outputRows(asKindUnion<ParsedOutput>({ kind: raw.kind, parsed: p }));
    if (rows !== null) {
      span.setAttribute('airlock.output.rows', rows);
      recordTableRows(rows, raw.kind);
    }
    return p;
  });
  beforeChecks?.(parsed);
  const findings: Finding[] = [];
  for (const check of checksFor(raw.kind, rules.checks[raw.kind] ?? [])) {
    try {
      const found = withSpan(`airlock.check.${check.id}`, { 'airlock.check.id': check.id, 'airlock.output.kind': raw.kind }, (span) => {
        const f = check.run(parsed, rules.params, { output: raw.name, project: ctx.project, dataset: ctx.dataset });
        // No findings: the check did not apply to this output.
        span.setAttribute('airlock.check.status', f.length ? worstStatus(f.map((x) => x.status)) : 'not_applicable');
        return f;
      });
      findings.push(...found);
    } catch (e) {
      if (e instanceof AirlockError) throw e;
      throw new AirlockError('CHECK_FAILED', `check ${check.id} could not evaluate output "${raw.name}"; no decision was made`, [], { cause: e });
    }
  }
  const decision: OutputDecision = {
    name: raw.name,
    kind: raw.kind,
    sha256: ctx.digest ?? outputDigest(raw),
    outcome: outcomeOfStatuses(findings.map((f) => f.status)),
    findings,
  };
  if (findings.length === 0) {
    // No enabled check applied: nothing vouches for the output, so a human must look.
    decision.outcome = 'review';
  }
  return { raw, parsed, findings, decision };
}

/** Adds what the kind presents and what its remedy offers, then the exception, and what the store keeps. */
function completeOutput<K extends OutputKind>(c: CheckedOutput<K>, remedied: Record<string, unknown> | undefined): EvaluatedOutput {
  const mod = outputKindModule(c.raw.kind);
  Object.assign(c.decision, mod.present?.(c.parsed), remedied);
  // After the remedy: a protected version is still offered for the checker to consider.
  const exception = (c.raw as { exception?: ExceptionRequest }).exception;
  const evaluated: EvaluatedOutputOf<K> = {
    kind: c.raw.kind,
    decision: exception ? applyException(c.decision, exception) : c.decision,
    parsed: c.parsed,
    releasable: mod.releasable?.(c.parsed) ?? null,
    evidence: mod.evidence?.(c.parsed) ?? null,
  };
  return asKindUnion<EvaluatedOutput>(evaluated);
}

export function evaluateOutput<K extends OutputKind>(
  raw: RawOutputOf<K>,
  pointer: string,
  rules: OutputRules,
  limits: Limits,
  ctx: OutputContext,
): EvaluatedOutput {
  const c = checkOutput(raw, pointer, rules, limits, ctx);
  const remedy = outputRemedy(raw.kind);
  return completeOutput(c, remedy?.protect(c.parsed, c.findings, rules.params));
}

/**
 * `evaluateOutput` as a decision request runs it, charged to the request's `budget`: a table's
 * cells before any check runs, the size of a table before it is protected; `protect` is where
 * protection runs (off the event loop, cancelled at the deadline). The same on the event loop
 * (small outputs) and in a pool worker (large ones, `src/pipeline/output-task.ts`).
 *
 * @example await evaluateWithinBudget(raw, '/outputs/0', rules, limits, ctx, budget, inlineProtection.protect)
 */
export async function evaluateWithinBudget(
  raw: RawOutput,
  pointer: string,
  rules: OutputRules,
  limits: Limits,
  ctx: OutputContext,
  budget: WorkBudget,
  protect: RemedyWork['protect'],
): Promise<EvaluatedOutput> {
  const c = checkOutput(raw, pointer, rules, limits, ctx, (parsed) => {
    const p = asKindUnion<ParsedOutput>({ kind: raw.kind, parsed });
    budget.addCells(p.kind === 'table' ? cellCount(p.parsed) : 0, pointer);
  });
  const remedy = outputRemedy(raw.kind);
  const work: RemedyWork = { beforeProtection: (cells) => budget.checkProtection(cells, pointer), protect };
  const remedied = remedy?.protectWith ? await remedy.protectWith(c.parsed, c.findings, rules.params, work) : remedy?.protect(c.parsed, c.findings, rules.params);
  return completeOutput(c, remedied);
}
