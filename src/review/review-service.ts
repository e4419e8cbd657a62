/**
 * Human review of decisions the engine could not settle (outcome `review`): the checkers'
 * queue, each checker's signed verdict, and the signed final outcome. The original decision's
 * record is never touched; every verdict and the final outcome are new records in the same
 * hash chain (`kind` `review` / `final`, `references` = the original decision id), signed like
 * decisions, so an auditor verifies them the same way.
 *
 * Rules: a checker must cover the decision's project; nobody reviews a request they submitted
 * (token name = the record's `submitted_by`, or = the decision's `requester`): 403; one verdict
 * per checker (409); release needs `required` distinct checkers, one reject settles it
 * (`review-state.ts`); a settled review takes no more verdicts (409). Record ids are derived
 * from what they are about (`derived-uuid.ts`), so the store's unique index enforces "one
 * verdict per checker" and "one final outcome" even across instances; within one instance,
 * verdicts on one decision are also serialised so the final outcome always sees every verdict.
 *
 * @example
 * const reviews = createReviewService({ store, key: ring.signing, required: 2 });
 * const r = await reviews.review(caller, decisionId, { verdict: 'release', justification: 'Counts of hospitals.' });
 * r.state // 'approving'
 */
import type { Logger } from 'pino';
import type { AuditRef, AuditStore, ReleasedTable, StoredRecord } from '../audit/audit-store.js';
import { releasedOnReview } from '../pipeline/record-decision.js';
import { MAX_PAGE_LIMIT } from '../audit/audit-store.js';
import type { Caller } from '../auth/authenticate.js';
import { mayAccessDataset, mayAccessProject } from '../auth/authorize.js';
import type { Decision, ReviewInfo, ReviewState, ReviewVerdict } from '../domain.js';
import { RECORD_KINDS } from '../domain.js';
import { AirlockError } from '../errors.js';
import { signDecision } from '../signing/sign-decision.js';
import type { SigningKey } from '../signing/signing-keys.js';
import { keyedSerialiser } from '../pipeline/keyed-serialiser.js';
import { derivedUuid } from './derived-uuid.js';
import { INITIAL_REVIEW, isFinalReviewState, nextReviewState, reviewPosition } from './review-state.js';
import type { HistoryEntryInput } from '../audit/audit-store.js';
import type { Finding, OutputKind } from '../domain.js';
import type { DifferencingHistory } from '../history/history-index.js';
import type { LabelForm } from '../history/label-form.js';
import type { UnitKeys } from '../history/unit-keys.js';
import type { PendingOutput } from '../pipeline/difference-outputs.js';
import { differencingLockKey, recheckDifferencing } from '../pipeline/difference-outputs.js';
import { underDifferencingLock } from '../pipeline/make-decision.js';
import type { Ruleset } from '../rules/load-ruleset.js';

/** A signed, recorded document as the API returns it (the same shape as a decision response). */
export interface SignedRecord {
  decision: Decision;
  signature: string;
  audit: AuditRef;
  recorded_at: string;
  kind: string;
  submitted_by: string;
  references: string | null;
}

/** Where the review of one decision stands. */
export interface ReviewStatus {
  decision_id: string;
  state: ReviewState;
  approvals: number;
  required: number;
  /** The verdicts so far, oldest first. */
  reviews: SignedRecord[];
  /** The final outcome once settled. */
  final: SignedRecord | null;
}

/** A decision waiting for checkers, with what they need to judge it. */
export interface QueueItem {
  /** The original decision response (decision, signature, audit …). */
  original: SignedRecord;
  review: ReviewStatus;
  /** False when this caller may not give a verdict (they submitted it, or already did). */
  can_review: boolean;
}

/** A checker's verdict as submitted. */
export interface ReviewRequest {
  verdict: ReviewVerdict;
  justification: string;
}

export interface ReviewResult {
  review: SignedRecord;
  /** Present when this verdict settled the review. */
  final: SignedRecord | null;
  state: ReviewState;
  approvals: number;
  required: number;
}

export interface ReviewService {
  /** Decisions with outcome `review` in the caller's projects that are not settled, newest first. */
  queue(caller: Caller, page: { cursor?: string | null; limit: number }): Promise<{ items: QueueItem[]; next_cursor: string | null }>;
  /** The review state of one decision; `NOT_FOUND` outside the caller's projects. */
  status(caller: Caller, decisionId: string): Promise<ReviewStatus>;
  /** Records a checker's verdict (and the final outcome when it settles the review). */
  review(caller: Caller, decisionId: string, request: ReviewRequest): Promise<ReviewResult>;
}

export interface ReviewServiceDeps {
  store: AuditStore;
  /**
   * Differencing again at release (sdc-rules.md: outputs awaiting review are "compared again
   * when a checker releases them"): the rules in force, the history (with its cross-replica
   * lock) and the unit keys. Without it, a release by review does not re-check differencing.
   */
  differencing?: { ruleset(): Ruleset; history: DifferencingHistory; unitKeys?: UnitKeys };
  key: Pick<SigningKey, 'kid' | 'signer'>;
  /** Distinct checkers who must say release (`AIRLOCK_CHECKERS_REQUIRED`). */
  required: number;
  logger?: Logger;
  now?: () => Date;
}

function signedRecord(r: StoredRecord): SignedRecord {
  return {
    decision: r.decision,
    signature: r.signature,
    audit: { seq: r.seq, hash: r.hash, prev: r.prev },
    recorded_at: r.recorded_at,
    kind: r.kind,
    submitted_by: r.submitted_by,
    references: r.references,
  };
}

/** The ids of a decision's review records are derived from it, so a second verdict or final outcome cannot be recorded. */
export function reviewRecordId(decisionId: string, checker: string): string {
  return derivedUuid(`airlock:review:${decisionId}:${checker}`);
}

/** The id of a decision's final record. */
export function finalRecordId(decisionId: string): string {
  return derivedUuid(`airlock:final:${decisionId}`);
}

/**
 * True when `caller` submitted the request behind `original` (its token, or its named requester).
 *
 * @example isOwnRequest({ name: 'alice', roles: ['checker'], projects: null }, record) // true when alice submitted it
 */
export function isOwnRequest(caller: Caller, original: StoredRecord): boolean {
  return caller.name === original.submitted_by || caller.name === original.decision.requester;
}

export function createReviewService(deps: ReviewServiceDeps): ReviewService {
  const now = deps.now ?? (() => new Date());
  const required = deps.required;
  if (!Number.isInteger(required) || required < 1) throw new AirlockError('CONFIG_INVALID', 'the number of checkers required must be a positive integer');
  // Verdicts on one decision run one at a time in this process, so each sees every earlier one;
  // across instances the store's derived, unique record ids refuse a second final record.
  const serialised = keyedSerialiser();

  /** The original decision record, or NOT_FOUND (also for a project the caller may not see). */
  const original = async (caller: Caller, id: string): Promise<StoredRecord> => {
    const r = await deps.store.get(id);
    if (!r || r.kind !== RECORD_KINDS.decision || !mayAccessProject(caller, r.decision.project) || !mayAccessDataset(caller, r.decision.dataset)) throw new AirlockError('NOT_FOUND', `no decision ${id}`);
    return r;
  };

  const referencing = async (id: string): Promise<{ reviews: StoredRecord[]; final: StoredRecord | null }> => {
    const all: StoredRecord[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: StoredRecord[]; next_cursor: string | null } = await deps.store.list({ references: id }, { cursor, limit: MAX_PAGE_LIMIT });
      all.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    all.sort((a, b) => a.seq - b.seq);
    return { reviews: all.filter((r) => r.kind === RECORD_KINDS.review), final: all.find((r) => r.kind === RECORD_KINDS.final) ?? null };
  };

  const statusOf = async (id: string): Promise<ReviewStatus> => {
    const { reviews, final } = await referencing(id);
    const verdicts = reviews.map((r) => r.decision.review?.verdict).filter((v): v is ReviewVerdict => v !== undefined);
    const settled = final?.decision.review;
    const at = settled ? { state: settled.state, approvals: settled.approvals } : reviewPosition(verdicts, required);
    return { decision_id: id, state: at.state, approvals: at.approvals, required: settled?.required ?? required, reviews: reviews.map(signedRecord), final: final ? signedRecord(final) : null };
  };

  /** A review or final document: the original's identity and outputs (by digest), the verdict, no findings. */
  const documentFor = (orig: Decision, id: string, outcome: 'release' | 'reject', review: ReviewInfo, findings: ReadonlyMap<string, Finding[]> = new Map()): Decision => ({
    id,
    issued_at: now().toISOString(),
    outcome,
    project: orig.project,
    requester: orig.requester,
    dataset: orig.dataset,
    ruleset: orig.ruleset,
    outputs: orig.outputs.map((o) => ({ name: o.name, kind: o.kind, sha256: o.sha256, outcome, findings: findings.get(o.name) ?? [] })),
    review,
  });

  const record = async (doc: Decision, kind: string, submittedBy: string, references: string, released: ReleasedTable[] = [], history: HistoryEntryInput[] = []): Promise<SignedRecord> => {
    const signature = await signDecision(doc, deps.key);
    await deps.store.append({ decision: doc, signature, kid: deps.key.kid, submittedBy, released, kind, references, ...(history.length ? { history } : {}) });
    // Read back, so the response carries the store's own recorded_at and chain position.
    const stored = await deps.store.get(doc.id);
    if (!stored) throw new AirlockError('STORE_UNAVAILABLE', `the ${kind} record of decision ${references} cannot be read back`);
    return signedRecord(stored);
  };

  /** The decision's outputs that await review, as the differencing history holds them. */
  const pendingOf = async (origRecord: StoredRecord): Promise<PendingOutput[]> => {
    const rows = (await deps.store.historyEntries({ afterSeq: origRecord.seq - 1, limit: 1000 })).filter((r) => r.seq === origRecord.seq && r.status === 'pending');
    const units = new Map((await deps.store.historyUnits(rows.filter((r) => r.has_units).map((r) => ({ seq: r.seq, idx: r.idx })))).map((u) => [u.idx, u.units]));
    return rows.map((r) => ({
      seq: r.seq,
      idx: r.idx,
      output: r.output,
      kind: r.kind as OutputKind,
      dataset: r.dataset,
      namespace: r.namespace,
      population: r.population,
      forms: JSON.parse(r.form) as LabelForm[],
      units: units.get(r.idx) ?? null,
      sketch: r.sketch,
    }));
  };

  const settleNow = async (origRecord: StoredRecord, state: ReviewState, approvals: number, reviewIds: string[], by: string): Promise<SignedRecord> => {
    const orig = origRecord.decision;
    let findings = new Map<string, Finding[]>();
    let pending: PendingOutput[] = [];
    let outcome = state;
    if (state === 'released' && deps.differencing) {
      pending = await pendingOf(origRecord);
      const rules = deps.differencing.ruleset().resolve(orig.project);
      findings = await recheckDifferencing(orig.id, pending, { project: orig.project, rules }, { history: deps.differencing.history, ...(deps.differencing.unitKeys ? { unitKeys: deps.differencing.unitKeys } : {}) });
      // Fail closed: an output that now differences an output released since cannot be released.
      if ([...findings.values()].some((fs) => fs.some((f) => f.status === 'fail'))) outcome = 'rejected';
    }
    const info: ReviewInfo = { of: orig.id, state: outcome, approvals, required, reviews: reviewIds };
    // A release by review enters the differencing history like an automatic release.
    const released = outcome === 'released' ? releasedOnReview(orig) : [];
    const history: HistoryEntryInput[] =
      outcome === 'released'
        ? pending.map((p) => ({ output: p.output, kind: p.kind, status: 'released', dataset: p.dataset, population: p.population, namespace: p.namespace, form: p.forms, units: p.units, sketch: p.sketch }))
        : [];
    const shown = outcome === 'rejected' && state === 'released' ? findings : new Map<string, Finding[]>();
    const final = await record(documentFor(orig, finalRecordId(orig.id), outcome === 'released' ? 'release' : 'reject', info, shown), RECORD_KINDS.final, by, orig.id, released, history);
    deps.logger?.info({ decision: orig.id, state: outcome, approvals, required, seq: final.audit.seq, differencing_blocked: outcome !== state }, 'review settled');
    return final;
  };

  const settle = (origRecord: StoredRecord, state: ReviewState, approvals: number, reviewIds: string[], by: string): Promise<SignedRecord> => {
    const d = deps.differencing;
    const key = d && state === 'released' ? differencingLockKey(origRecord.decision.dataset, d.ruleset().resolve(origRecord.decision.project)) : null;
    return d && key ? underDifferencingLock(d.history, key, () => settleNow(origRecord, state, approvals, reviewIds, by)) : settleNow(origRecord, state, approvals, reviewIds, by);
  };

  return {
    async queue(caller, page) {
      const listed = await deps.store.list(
        { kind: RECORD_KINDS.decision, outcome: 'review', ...(caller.projects === null ? {} : { projects: caller.projects }) },
        { cursor: page.cursor ?? null, limit: page.limit },
      );
      const items: QueueItem[] = [];
      for (const r of listed.items) {
        if (!mayAccessDataset(caller, r.decision.dataset)) continue;
        const status = await statusOf(r.decision.id);
        if (status.final) continue;
        const reviewed = status.reviews.some((x) => x.decision.review?.checker === caller.name);
        items.push({ original: signedRecord(r), review: status, can_review: !isOwnRequest(caller, r) && !reviewed });
      }
      return { items, next_cursor: listed.next_cursor };
    },

    async status(caller, id) {
      await original(caller, id);
      return statusOf(id);
    },

    async review(caller, id, request) {
      const orig = await original(caller, id);
      if (orig.decision.outcome !== 'review') {
        throw new AirlockError('CONFLICT', `decision ${id} has outcome ${orig.decision.outcome}; only decisions with outcome review are reviewed`);
      }
      if (isOwnRequest(caller, orig)) throw new AirlockError('FORBIDDEN', `token "${caller.name}" submitted decision ${id} and cannot review it`);
      return serialised(id, async () => {
        const { reviews, final } = await referencing(id);
        if (final) throw new AirlockError('CONFLICT', `the review of decision ${id} is settled: ${final.decision.review?.state ?? final.decision.outcome}`);
        if (reviews.some((r) => r.decision.review?.checker === caller.name)) throw new AirlockError('CONFLICT', `token "${caller.name}" has already reviewed decision ${id}`);
        let at = INITIAL_REVIEW;
        for (const r of reviews) if (r.decision.review?.verdict) at = nextReviewState(at, r.decision.review.verdict, required).position;
        if (isFinalReviewState(at.state)) {
          // Settled by earlier verdicts whose final record was never written (a crash between
          // the two appends): write it now, then refuse the late verdict.
          await settle(orig, at.state, at.approvals, reviews.map((r) => r.decision.id), reviews[reviews.length - 1]!.submitted_by);
          throw new AirlockError('CONFLICT', `the review of decision ${id} is settled: ${at.state}`);
        }
        const next = nextReviewState(at, request.verdict, required).position;
        const info: ReviewInfo = {
          of: id,
          state: next.state,
          approvals: next.approvals,
          required,
          checker: caller.name,
          verdict: request.verdict,
          justification: request.justification,
        };
        const review = await record(documentFor(orig.decision, reviewRecordId(id, caller.name), request.verdict, info), RECORD_KINDS.review, caller.name, id);
        deps.logger?.info({ decision: id, checker: caller.name, verdict: request.verdict, state: next.state, seq: review.audit.seq }, 'review recorded');
        const settled = isFinalReviewState(next.state)
          ? await settle(orig, next.state, next.approvals, [...reviews.map((r) => r.decision.id), review.decision.id], caller.name)
          : null;
        const state = settled?.decision.review?.state ?? next.state;
        return { review, final: settled, state, approvals: next.approvals, required };
      });
    },
  };
}
