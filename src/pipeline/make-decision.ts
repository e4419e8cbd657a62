/**
 * The one path every decision takes: validate → parse + check each output → difference the
 * tables against each other and the release history → decide → finalise (sign and record) →
 * respond. Only once the finaliser has durably recorded the
 * decision is anything returned; any error before that means no decision at all.
 *
 * @example
 * const res = await makeDecision(body, { ruleset: () => rules, limits, finalize });
 * res.decision.outcome; // 'release'
 */
import type { IdempotencyClaim } from '../audit/audit-store.js';
import type { Decision, RecordActor } from '../domain.js';
import { AirlockError } from '../errors.js';
import type { ApiSchemas } from '../api/openapi.js';
import type { Limits } from '../limits.js';
import type { RawOutput } from '../outputs/output-kind.js';
import type { Ruleset } from '../rules/load-ruleset.js';
import { decide } from './decide.js';
import type { EvaluatedOutput } from './evaluate-output.js';
import { evaluateWithinBudget } from './evaluate-output.js';
import { evaluatedFrom, outputTask, worthAWorker } from './output-task.js';
import type { ProtectionRunner } from './protection-runner.js';
import { inlineProtection } from './protection-runner.js';
import { WorkBudget } from './work-budget.js';
import { differenceOutputs, differencingApplies, differencingLockKey } from './difference-outputs.js';
import { protectLinked } from './linked-protection.js';
import { auditSuppressedLinked } from './linked-suppression-audit.js';
import { addsToHistory } from './adds-to-history.js';
import { membershipOf } from '../history/unit-form.js';
import type { LabelForm } from '../history/label-form.js';
import { labelFormsOf, storedLabelForms } from '../history/label-form.js';
import { historyIndexFor } from '../history/history-index.js';
import { reservationOf } from './record-decision.js';
import { differenceProtected } from './difference-protected.js';
import type { DifferencingHistory } from '../history/history-index.js';
import type { UnitKeys } from '../history/unit-keys.js';
import { keyedSerialiser } from '../lib/keyed-serialiser.js';
import type { ResubmitForm } from '../remedies/resubmit-form.js';
import type { ProtectionSeal } from './seal-protected.js';
import { sealProtected, verifyTokens } from './seal-protected.js';
import { recordDecision } from '../telemetry/metrics.js';
import { withSpan } from '../telemetry/with-span.js';
import { loopSlicer } from '../lib/yield-to-loop.js';
import { validateDecisionRequest } from './validate-decision-request.js';

/** What a finaliser adds once the decision is signed and durably recorded. */
export interface Finalized {
  signature?: string;
  audit?: { seq: number; hash: string; prev: string };
}

export interface PipelineDeps {
  /** The rule set in force now (live reload swaps it between requests). */
  ruleset(): Ruleset;
  limits: Limits;
  /** Signs and records; must resolve only after the record is durable. */
  finalize?(decision: Decision, evaluated: EvaluatedOutput[], ruleset: Ruleset, meta: FinalizeMeta): Promise<Finalized>;
  /**
   * The release history that differencing compares outputs with (the audit store). Without it,
   * outputs are compared only with the other outputs of their request.
   */
  history?: DifferencingHistory;
  /** The keys of unit-mode differencing; without them unit columns are compared by labels only. */
  unitKeys?: UnitKeys;
  /**
   * Signs the resubmit forms of protected versions and verifies the tokens resubmitted tables
   * carry (`src/pipeline/protection-token.ts`); without it no form is offered and no token trusted.
   */
  protection?: ProtectionSeal;
  /** Where failing tables are protected (the service: a worker pool); default on this thread. */
  protector?: ProtectionRunner;
}

/** Who and what the record names besides the decision itself. */
export interface FinalizeMeta {
  /** The submitting token's name (`anonymous` only where no authentication is configured). */
  submittedBy: string;
  traceId: string | null;
  /** The request's outputs as submitted (kept for checkers when the decision needs review). */
  outputs?: readonly unknown[];
  /** The request's `Idempotency-Key`, claimed in the decision's own audit transaction. */
  idempotency?: IdempotencyClaim;
}

/** Request-level options the HTTP layer knows and the JSON body does not. */
export interface DecisionOptions {
  /** Digests of outputs whose bytes the caller hashed (by output name). */
  digests?: Record<string, string>;
  /**
   * The request's time budget (the HTTP layer's request timeout): `check` throws
   * `REQUEST_TIMEOUT` once it has run out; `pin` is called as the decision starts being signed
   * and recorded, after which it must finish, so the budget can no longer cut it off.
   */
  deadline?: { check(): void; pin(): void; readonly signal?: AbortSignal };
  /**
   * The authenticated caller: its name goes into the audit record, and `authorize` is called
   * with the request's project once the body is validated (403 before any output is read).
   */
  caller?: { name: string; authorize(project: string, dataset: string | null): void; person?: RecordActor };
  /** The request's trace id, recorded with the decision. */
  traceId?: string | null;
  /** The request's `Idempotency-Key` (see `src/server/idempotency.ts`). */
  idempotency?: IdempotencyClaim;
}

/**
 * A decision request as the pipeline runs it: the contract's `DecisionRequest`, whose outputs
 * may also be built by the caller itself (a raw CSV upload's output carries parsed columns as
 * its microdata, which no JSON body can).
 */
export type PipelineRequest = Omit<ApiSchemas['DecisionRequest'], 'outputs'> & { outputs: RawOutput[] };

/**
 * Requests of one unit namespace (which holds their population) are differenced and recorded
 * one at a time in this process, so two concurrent requests cannot each pass against a history
 * missing the other; across replicas `history.exclusive` does the same.
 */
const perNamespace = keyedSerialiser();

/**
 * Runs `fn` holding the differencing lock of `key` (`differencingLockKey`): in this process,
 * and across replicas when the history offers `exclusive`. Decisions and releases by review
 * take the same lock, so neither can pass against a history missing the other.
 *
 * @example await underDifferencingLock(store, 'ns:default', () => settle());
 */
export function underDifferencingLock<T>(history: DifferencingHistory, key: string, fn: () => Promise<T>): Promise<T> {
  return perNamespace(key, () => (history.exclusive ? history.exclusive(key, fn) : fn()));
}

export interface DecisionResponse extends Finalized {
  decision: Decision;
  /**
   * The sealed resubmit form of each protected table version offered, by output name: not part
   * of the signed, recorded decision, because it holds the evidence of suppressed cells.
   */
  resubmit?: Record<string, ResubmitForm>;
}

/**
 * The decision on a request body as received: validated against the contract's
 * `DecisionRequest` (`INVALID_REQUEST` with pointers), then run through the pipeline.
 *
 * @example const { decision, signature, audit } = await makeDecision(req.body, deps, { ...callerOptions(res) });
 */
export function makeDecision(body: unknown, deps: PipelineDeps, opts: DecisionOptions = {}): Promise<DecisionResponse> {
  return decisionSpan(async () => {
    opts.deadline?.check();
    const pace = loopSlicer();
    // In slices: the largest body's check would otherwise hold the event loop for a tenth of a second (issue 13).
    const req = await withSpan('airlock.validate', {}, () => validateDecisionRequest(body));
    await pace.pause();
    return runPipeline(req, deps, opts, pace);
  });
}

/**
 * The decision on a request the caller built itself, so already of the pipeline's shape (the
 * raw CSV route: its one output's microdata is the parsed upload).
 *
 * @example await makeDecisionFrom({ project: 'p', requester: 'r', outputs: [{ name: 't', kind: 'table', microdata: columns, spec }] }, deps)
 */
export function makeDecisionFrom(req: PipelineRequest, deps: PipelineDeps, opts: DecisionOptions = {}): Promise<DecisionResponse> {
  return decisionSpan(() => runPipeline(req, deps, opts, loopSlicer()));
}

function decisionSpan(run: () => Promise<DecisionResponse>): Promise<DecisionResponse> {
  // One parent span, so the stage spans form one tree even where no HTTP span is active.
  return withSpan('airlock.decision', {}, async (span) => {
    const res = await run();
    span.setAttributes({ 'airlock.decision.id': res.decision.id, 'airlock.outcome': res.decision.outcome, 'airlock.outputs': res.decision.outputs.length });
    recordDecision(res.decision);
    return res;
  });
}

/**
 * `pace` lets the event loop in between stages once the request has held it for a slice: a
 * large request's stages each take tens of milliseconds, while a small request, which would
 * otherwise queue behind a large one's slice at each of its stages, runs through.
 */
async function runPipeline(req: PipelineRequest, deps: PipelineDeps, opts: DecisionOptions, pace: ReturnType<typeof loopSlicer>): Promise<DecisionResponse> {
  opts.deadline?.check();
  opts.caller?.authorize(req.project, req.dataset ?? null);
  if (req.outputs.length > deps.limits.maxOutputs) {
    throw new AirlockError('INVALID_REQUEST', `a request may carry at most ${deps.limits.maxOutputs} outputs`, [{ pointer: '/outputs', message: 'too many outputs' }]);
  }
  const names = new Set<string>();
  req.outputs.forEach((o, i) => {
    if (names.has(o.name)) throw new AirlockError('DUPLICATE_OUTPUT_NAME', `two outputs are named "${o.name}"`, [{ pointer: `/outputs/${i}/name`, message: 'duplicate' }]);
    names.add(o.name);
  });
  const ruleset = deps.ruleset();
  const rules = ruleset.resolve(req.project);
  const dataset = req.dataset ?? null;
  const scope = { project: req.project, dataset };
  const verdicts = await verifyTokens(req.outputs, deps.protection, scope);
  // Outputs one after another: each table's cells count towards the request's budget before it is checked.
  const budget = new WorkBudget(deps.limits);
  const protector = deps.protector ?? inlineProtection;
  const signal = opts.deadline?.signal;
  const inWorker = protector.evaluate?.bind(protector);
  const evaluated: EvaluatedOutput[] = [];
  for (const [i, o] of req.outputs.entries()) {
    opts.deadline?.check();
    const pointer = `/outputs/${i}`;
    const raw = o as RawOutput;
    const protection = verdicts[i];
    const digest = opts.digests?.[o.name];
    const ctx = { project: req.project, dataset, ...(digest === undefined ? {} : { digest }), ...(protection ? { protection } : {}) };
    if (inWorker && worthAWorker(raw)) {
      // A large output is parsed, checked and protected in the worker pool: the event loop keeps answering.
      const answer = await withSpan('airlock.evaluate_in_worker', { 'airlock.output.pointer': pointer }, () => inWorker(outputTask(raw, pointer, rules, deps.limits, ctx, budget), signal));
      evaluated.push(await evaluatedFrom(answer, budget, pointer));
      await pace.pause();
    } else {
      evaluated.push(await evaluateWithinBudget(raw, pointer, rules, deps.limits, ctx, budget, (t, failing, options) => protector.protect(t, failing, options, signal)));
    }
  }
  /** What the history decides: the protected versions offered, the outputs differenced, the decision. Under the lock. */
  const settle = async (): Promise<Settled> => {
    opts.deadline?.check();
    // Protected versions must hold against linked tables of the population (issue 12); under the lock, like differencing.
    await withSpan('airlock.protect_linked', {}, () => protectLinked(evaluated, { project: req.project, dataset, rules }, deps.history));
    await pace.pause();
    // Submitted suppressions must hold against the linked tables too (sdc-rules.md): under the lock, like differencing.
    await withSpan('airlock.suppression_audit_linked', {}, () => auditSuppressedLinked(evaluated, { project: req.project, dataset, rules }, deps.history));
    await pace.pause();
    const differencing = { ...(deps.history ? { history: deps.history } : {}), ...(deps.unitKeys ? { unitKeys: deps.unitKeys } : {}) };
    // A protected version is a release too: it must pass differencing before it is offered (issue 12).
    if (differencingApplies(evaluated, rules)) await withSpan('airlock.difference_protected', {}, () => differenceProtected(evaluated, { project: req.project, dataset, rules }, differencing));
    await pace.pause();
    // Sealed after the linked-tables and differencing steps, so a form and its token cover the version offered.
    const resubmit = await sealProtected(evaluated, deps.protection, scope);
    await pace.pause();
    const differenced = await differenceOutputs(evaluated, { project: req.project, dataset, rules }, differencing);
    const decision = withSpan('airlock.decide', {}, () => decide(req, differenced.map((e) => e.decision), ruleset));
    // A person who submits (an IdP access token) is named in the signed decision, exceptions included.
    if (opts.caller?.person) decision.submitter = opts.caller.person;
    return { decision, differenced, resubmit };
  };
  /** The budget checks, then signed and durably recorded. */
  const record = async ({ decision, differenced, resubmit }: Settled): Promise<DecisionResponse> => {
    // Before anything is signed or recorded: the answer and what the store keeps stay within the budget.
    await pace.pause();
    await budget.checkResponse(decision);
    await budget.checkEvidence(differenced.map((e) => [e.evidence, e.releasable, e.history ?? null]));
    opts.deadline?.pin();
    const finalize = deps.finalize;
    const finalized = finalize ? await withSpan('airlock.finalize', {}, () =>
          finalize(decision, differenced, ruleset, { submittedBy: opts.caller?.name ?? 'anonymous', traceId: opts.traceId ?? null, outputs: req.outputs.filter((o) => !opts.digests?.[o.name]), ...(opts.idempotency ? { idempotency: opts.idempotency } : {}) }),
        ) : {};
    // The resubmit forms go beside the decision, never into it (see seal-protected.ts).
    return { decision, ...finalized, ...(Object.keys(resubmit).length ? { resubmit } : {}) };
  };
  const finish = async (): Promise<DecisionResponse> => record(await settle());
  const key = deps.history && differencingApplies(evaluated, rules) ? differencingLockKey(dataset, rules) : null;
  // A request whose record adds nothing differencing reads needs no lock (see adds-to-history.ts).
  if (!deps.history || key === null || !addsToHistory(evaluated)) return finish();
  const history = deps.history;
  // Across replicas (PostgreSQL) the others read only what is committed, and unit forms are read
  // from the store: then the lock is held until the record is committed.
  if (history.exclusive || evaluated.some((e) => membershipOf(e) !== null)) return underDifferencingLock(history, key, finish);
  return settleThenRecord(history, key, evaluated, settle, record);
}

/** What `settle` hands to `record`. */
interface Settled {
  decision: Decision;
  differenced: EvaluatedOutput[];
  resubmit: Record<string, ResubmitForm>;
}

/**
 * One process over an embedded store: the lock is held only until the request's history
 * entries are reserved in the history index (`HistoryIndex.reserve`), so a request differenced
 * while this one signs and records — seconds for a 40,000-cell table — compares with them as if
 * committed, instead of waiting. The label forms are made before the lock is taken, and also as
 * the store will read them back, so the history index takes those rather than parse the
 * committed entry again (`HistoryIndex.reserve`). The
 * reservation is withdrawn under the lock once the record is committed or has failed: a request
 * that reads the history after that reads the committed entries, and one that read it before
 * had the reservation.
 */
async function settleThenRecord(
  history: DifferencingHistory,
  key: string,
  evaluated: readonly EvaluatedOutput[],
  settle: () => Promise<Settled>,
  record: (s: Settled) => Promise<DecisionResponse>,
): Promise<DecisionResponse> {
  const stored = new Map<string, LabelForm[]>();
  for (const e of evaluated) stored.set(e.decision.name, await storedLabelForms(await labelFormsOf(e.decision.name, e)));
  let withdraw: () => void = () => undefined;
  const settled = await underDifferencingLock(history, key, async () => {
    const s = await settle();
    withdraw = historyIndexFor(history).reserve(reservationOf(s.decision, s.differenced, stored));
    return s;
  });
  try {
    return await record(settled);
  } finally {
    // Not awaited: the answer does not wait for the requests queued on the lock. The index reads
    // the committed entry first, taking the reservation's forms (a store that fails now is read later).
    const index = historyIndexFor(history);
    void underDifferencingLock(history, key, async () => {
      await index.refresh().catch(() => undefined);
      withdraw();
    });
  }
}
