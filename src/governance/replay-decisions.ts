/**
 * Impact analysis of a rule change: every stored decision is re-evaluated under a candidate
 * rule set from the evidence the audit store kept for its outputs (for tables, every cell's
 * count, value, Σ|x|, largest contributions, negative flag and missing count — see
 * `table-evidence.ts`), through the same `evaluateOutput` the service uses. The report lists
 * exactly the decisions whose outcome would change, and why: which checks would start or stop
 * failing (or asking for review), and the cells or items concerned.
 *
 * Outputs whose kind keeps no evidence, or that were recorded before evidence was kept, keep
 * their recorded outcome and are listed as not replayed, so an incomplete answer never looks
 * complete. Review and final records are not re-evaluated: they are people's verdicts.
 *
 * @example
 * const report = await replayDecisions(recordsOf(store), loadRuleset('candidate-rules'));
 * report.changed.map((c) => `${c.decision_id}: ${c.before} → ${c.after}`);
 */
import type { OutputEvidence } from '../audit/audit-store.js';
import type { CheckId, Decision, Finding, Outcome, OutputDecision, OutputKind } from '../domain.js';
import { OUTPUT_KIND_VALUES, RECORD_KINDS, outcomeOfStatuses, worstOutcome } from '../domain.js';
import { AirlockError } from '../errors.js';
import type { Limits } from '../limits.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { invariant } from '../lib/invariant.js';
import { outputKindModule } from '../outputs/index.js';
import type { RawOutput } from '../outputs/output-kind.js';
import { evaluateOutput } from '../pipeline/evaluate-output.js';
import type { Ruleset } from '../rules/load-ruleset.js';

/** What replay reads of one stored record. */
export interface ReplayRecord {
  seq: number;
  kind: string;
  decision: Decision;
  evidence?: readonly OutputEvidence[];
}

/** Which records to replay (all given filters must match), and what to compare with. */
export interface ReplayOptions {
  // `| undefined`: the command line passes an absent flag straight through, meaning no filter.
  project?: string | undefined;
  /** issued_at ≥ from (ISO 8601). */
  from?: string | undefined;
  /** issued_at < to (ISO 8601). */
  to?: string | undefined;
  /**
   * The rules in force now: each decision is also re-evaluated under them and the candidate's
   * result compared with that, so the report shows the effect of this change alone (not of
   * earlier rule changes since a decision was made). Without it, the recorded outcome is the
   * comparison.
   */
  baseline?: Ruleset;
}

/** How one output's result would change. */
export interface OutputChange {
  name: string;
  kind: string;
  before: Outcome;
  after: Outcome;
  /** Checks that would fail (or need review) under the candidate but did not. */
  newly_flagged: { check: CheckId; status: 'fail' | 'review'; reasons: string[] }[];
  /** Checks that failed (or needed review) and would no longer. */
  no_longer_flagged: { check: CheckId; status: 'fail' | 'review' }[];
}

/** A past decision whose outcome the candidate rules would change. */
export interface DecisionChange {
  decision_id: string;
  seq: number;
  project: string;
  issued_at: string;
  /** The rule set it was made under. */
  ruleset: string;
  /** The outcome recorded at the time. */
  recorded: Outcome;
  /** The outcome compared with: under the baseline rules, or the recorded one. */
  before: Outcome;
  after: Outcome;
  outputs: OutputChange[];
  /** Outputs kept at their recorded outcome because no evidence was stored for them. */
  not_replayed: string[];
}

export interface ReplayReport {
  candidate: { name: string; version: string; digest: string };
  /** The rule set compared with, or null when the recorded outcomes are. */
  baseline: { name: string; version: string; digest: string } | null;
  /** Decision records that matched the filter. */
  scanned: number;
  /** Decisions whose every output was re-evaluated. */
  fully_replayed: number;
  changed: DecisionChange[];
  /** Decisions some output of which could not be replayed (no evidence stored), by id. */
  incomplete: { decision_id: string; outputs: string[] }[];
  /**
   * Findings kept as recorded rather than re-evaluated, counted by `kind/check` (differencing
   * everywhere; `extremes` of plots whose exemption their microdata judged).
   */
  kept_as_recorded: Record<string, number>;
  /**
   * Checks the candidate enables that replay can never re-evaluate, per output kind: kinds
   * that keep no evidence (files are never stored, since a file may be microdata; records,
   * plots, summaries and models keep none yet) keep their recorded outcome.
   */
  not_replayable: { kind: OutputKind; checks: CheckId[] }[];
}

/**
 * The checks of `ruleset` (default rules and every project) that cannot be replayed from
 * stored evidence, because their output kind stores none.
 *
 * @example notReplayable(loadRuleset('rules')) // [{ kind: 'file', checks: ['file_type', …] }, …]
 */
export function notReplayable(ruleset: Ruleset): { kind: OutputKind; checks: CheckId[] }[] {
  const lists = [ruleset.content.default.checks, ...ruleset.content.projects.map((o) => o.checks ?? {})];
  const out: { kind: OutputKind; checks: CheckId[] }[] = [];
  for (const kind of OUTPUT_KIND_VALUES) {
    if (outputKindModule(kind).evidence) continue;
    const checks = [...new Set(lists.flatMap((l) => l[kind] ?? []))];
    if (checks.length) out.push({ kind, checks });
  }
  return out;
}

const MAX_REASONS = 5;

/**
 * Checks whose findings depend on what else was released before the decision (differencing
 * compares with the request's other tables and earlier releases): replay keeps their recorded
 * findings rather than re-evaluating them out of that context. A kind may keep more for some
 * of its outputs (`OutputKindModule.keptOnReplay`: a plot's `extremes` judged from its
 * microdata). Kinds without evidence (records, files) are not replayed at all.
 */
export const KEPT_AS_RECORDED: readonly CheckId[] = ['differencing'];

/**
 * The checks whose recorded findings replay keeps for an output of `kind` with this evidence.
 *
 * @example keptOnReplay('table', evidence) // ['differencing']
 */
export function keptOnReplay(kind: OutputKind, evidence: unknown): CheckId[] {
  return [...KEPT_AS_RECORDED, ...(outputKindModule(kind).keptOnReplay?.(evidence) ?? [])];
}

/**
 * What replay cannot re-evaluate at all, by kind: their checks read what the audit store never
 * keeps (the records of an extract, a file's bytes), so such outputs keep their recorded
 * outcome and are listed as not replayed.
 */
export const NOT_REPLAYABLE: Readonly<Partial<Record<OutputKind, string>>> = Object.freeze({
  records: 'k_anonymity and l_diversity read the records, which are never stored',
  file: "file checks read the file's bytes, which are never stored",
});

function flagged(findings: readonly Finding[]): Map<CheckId, 'fail' | 'review'> {
  const out = new Map<CheckId, 'fail' | 'review'>();
  for (const f of findings) {
    if (f.status === 'pass') continue;
    if (f.status === 'fail' || !out.has(f.check)) out.set(f.check, f.status);
  }
  return out;
}

function reasonsOf(findings: readonly Finding[], check: CheckId): string[] {
  const out: string[] = [];
  for (const f of findings) {
    if (f.check !== check || f.status === 'pass') continue;
    for (const c of f.cells ?? []) out.push(`${Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).join(', ')}: ${c.reason}`);
    for (const i of f.items ?? []) out.push(`${i.ref}: ${i.reason}`);
    if (!f.cells?.length && !f.items?.length) out.push(f.message);
  }
  return out.length > MAX_REASONS ? [...out.slice(0, MAX_REASONS), `… and ${out.length - MAX_REASONS} more`] : out;
}

/** The change between a recorded output decision and its re-evaluation. */
function outputChange(before: OutputDecision, after: OutputDecision): OutputChange {
  const was = flagged(before.findings);
  const now = flagged(after.findings);
  const newly: OutputChange['newly_flagged'] = [];
  for (const [check, status] of now) {
    if (was.get(check) !== status) newly.push({ check, status, reasons: reasonsOf(after.findings, check) });
  }
  const gone: OutputChange['no_longer_flagged'] = [];
  for (const [check, status] of was) if (!now.has(check)) gone.push({ check, status });
  return { name: before.name, kind: before.kind, before: before.outcome, after: after.outcome, newly_flagged: newly, no_longer_flagged: gone };
}

/**
 * Re-evaluates one stored output from its evidence under `ruleset`, re-applying the
 * researcher's exception if the output carried one.
 *
 * @example replayOutput(recordedOutput, { output: 't', kind: 'table', evidence }, ruleset, 'p1', null)
 */
export function replayOutput(
  recorded: OutputDecision,
  stored: OutputEvidence,
  ruleset: Ruleset,
  project: string,
  dataset: string | null,
  limits: Limits = DEFAULT_LIMITS,
): OutputDecision {
  const raw: RawOutput = {
    ...(stored.evidence as Record<string, unknown>),
    name: recorded.name,
    kind: recorded.kind as OutputKind,
    ...(recorded.exception ? { exception: recorded.exception } : {}),
  };
  const replayed = evaluateOutput(raw, `/evidence/${recorded.name}`, ruleset.resolve(project), limits, { project, dataset, digest: recorded.sha256 }).decision;
  const keep = keptOnReplay(recorded.kind as OutputKind, stored.evidence);
  const kept = recorded.findings.filter((f) => keep.includes(f.check));
  if (kept.length === 0) return replayed;
  const findings = [...replayed.findings.filter((f) => !keep.includes(f.check)), ...kept];
  return { ...replayed, findings, outcome: outcomeOfStatuses(findings.map((f) => f.status)) };
}

function inWindow(d: Decision, f: ReplayOptions): boolean {
  if (f.project !== undefined && d.project !== f.project) return false;
  if (f.from !== undefined && d.issued_at < new Date(f.from).toISOString()) return false;
  if (f.to !== undefined && d.issued_at >= new Date(f.to).toISOString()) return false;
  return true;
}

/**
 * Replays the decision records among `records` under `candidate`. An output whose evidence
 * cannot be evaluated under the candidate (e.g. more cells than a limit) is reported as not
 * replayed rather than stopping the analysis.
 *
 * @example const r = await replayDecisions(store.scan(), candidate, { project: 'p1' });
 */
export async function replayDecisions(records: AsyncIterable<ReplayRecord> | Iterable<ReplayRecord>, candidate: Ruleset, opts: ReplayOptions = {}): Promise<ReplayReport> {
  const ref = (r: Ruleset) => ({ name: r.name, version: r.version, digest: r.digest });
  const report: ReplayReport = {
    candidate: ref(candidate),
    baseline: opts.baseline ? ref(opts.baseline) : null,
    scanned: 0,
    fully_replayed: 0,
    changed: [],
    incomplete: [],
    not_replayable: notReplayable(candidate),
    kept_as_recorded: {},
  };
  for await (const r of records) {
    if (r.kind !== RECORD_KINDS.decision || !inWindow(r.decision, opts)) continue;
    report.scanned++;
    const d = r.decision;
    const evidence = new Map((r.evidence ?? []).map((e) => [e.output, e]));
    const notReplayed: string[] = [];
    const changes: OutputChange[] = [];
    const before: Outcome[] = [];
    const after: Outcome[] = [];
    for (const o of d.outputs) {
      const ev = evidence.get(o.name);
      let was: OutputDecision | null = opts.baseline ? null : o;
      let now: OutputDecision | null = null;
      if (ev && ev.evidence !== null && ev.evidence !== undefined) {
        try {
          if (opts.baseline) was = replayOutput(o, ev, opts.baseline, d.project, d.dataset);
          now = replayOutput(o, ev, candidate, d.project, d.dataset);
        } catch (e) {
          if (!(e instanceof AirlockError)) throw e;
        }
      }
      if (!was || !now) {
        notReplayed.push(o.name);
        before.push(o.outcome);
        after.push(o.outcome);
        continue;
      }
      before.push(was.outcome);
      after.push(now.outcome);
      invariant(ev !== undefined, 'an output replayed only with its evidence');
      const keep = keptOnReplay(o.kind, ev.evidence);
      for (const check of new Set(o.findings.map((f) => f.check).filter((c) => keep.includes(c)))) {
        const key = `${o.kind}/${check}`;
        report.kept_as_recorded[key] = (report.kept_as_recorded[key] ?? 0) + 1;
      }
      const c = outputChange(was, now);
      if (c.before !== c.after) changes.push(c);
    }
    if (notReplayed.length) report.incomplete.push({ decision_id: d.id, outputs: notReplayed });
    else report.fully_replayed++;
    const outcome = worstOutcome(after);
    const baseline = opts.baseline ? worstOutcome(before) : d.outcome;
    if (outcome !== baseline) {
      report.changed.push({
        decision_id: d.id,
        seq: r.seq,
        project: d.project,
        issued_at: d.issued_at,
        ruleset: d.ruleset.digest,
        recorded: d.outcome,
        before: baseline,
        after: outcome,
        outputs: changes,
        not_replayed: notReplayed,
      });
    }
  }
  return report;
}
