/**
 * Human review of decisions the engine could not settle (outcome `review`): the checkers'
 * queue, each checker's signed verdict, and the signed final outcome. The original decision's
 * record is never touched; every verdict and the final outcome are new records in the same
 * hash chain (`kind` `review` / `final`, `references` = the original decision id), signed like
 * decisions, so an auditor verifies them the same way.
 *
 * Rules: a checker must cover the decision's project; nobody reviews a request they submitted
 * (the record's `submitted_by` or the decision's `requester` names them — compared normalised,
 * people also by IdP subject, username, e-mail: `review-view.ts`): 403; one vote per checker,
 * where a checker is a person (IdP subject) or a token (normalised name) (409); release needs
 * `required` distinct checkers, one reject settles it (`review-state.ts`); a settled review
 * takes no more votes or comments (409). Approve needs a comment when the automation said
 * `fail` (an exception turned it into `review`), reject always needs one (422
 * `COMMENT_REQUIRED`). Comments are signed records too, public (to the researcher) or private
 * (checkers only); "return to researcher" settles the review as `returned` and needs a public
 * comment. Votes are blinded (`review-view.ts`): what each call returns is what its caller may see. Record ids are derived
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
import type { AuditRef, AuditStore, HistoryEntryInput, StoredRecord } from '../audit/audit-store.js';
import type { ReleasedTable } from '../lib/published-table.js';
import { releasedOnReview } from '../pipeline/record-decision.js';
import { uuidV7 } from '../lib/uuid-v7.js';
import { MAX_PAGE_LIMIT } from '../audit/audit-store.js';
import type { Caller } from '../auth/authenticate.js';
import { mayAccessDataset, mayAccessProject } from '../auth/authorize.js';
import { identityKey } from '../auth/identity.js';
import type { CommentVisibility, Decision, Finding, OutputKind, RecordActor, ReviewEvent, ReviewInfo, ReviewState, ReviewVerdict } from '../domain.js';
import { RECORD_KINDS } from '../domain.js';
import { AirlockError } from '../errors.js';
import { signDecision } from '../signing/sign-decision.js';
import type { SigningKey } from '../signing/signing-keys.js';
import { invariant } from '../lib/invariant.js';
import { keyedSerialiser } from '../lib/keyed-serialiser.js';
import { derivedUuid } from './derived-uuid.js';
import { INITIAL_REVIEW, isFinalReviewState, nextReviewState, type ReviewPosition } from './review-state.js';
import { DELIBERATION_KINDS, hasVoted, isOwnRequest, reviewRole, visibleReview, type ReviewRecords } from './review-view.js';
import type { DifferencingHistory } from '../history/history-index.js';
import { parseLabelForms } from '../history/label-form.js';
import type { UnitKeys } from '../history/unit-keys.js';
import type { PendingOutput } from '../pipeline/difference-outputs.js';
import { differencingLockKey, recheckDifferencing } from '../pipeline/difference-outputs.js';
import { underDifferencingLock } from '../pipeline/make-decision.js';
import type { Ruleset } from '../rules/load-ruleset.js';

export { isOwnRequest } from './review-view.js';

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

/** Where the review of one decision stands, as this viewer may see it. */
export interface ReviewStatus {
  decision_id: string;
  /** The decision under review, as recorded and signed. */
  original: SignedRecord;
  /** The state; `pending` while this viewer may not yet know how others voted (`blinded`). */
  state: ReviewState;
  /** Distinct checkers who said release (0 while blinded). */
  approvals: number;
  required: number;
  /** Votes recorded so far, whoever cast them (a count only: never whose or which). */
  votes: number;
  /** True while this viewer sees only their own comments (a checker who may still vote, or the researcher before settlement). */
  blinded: boolean;
  /** The votes this viewer may see, oldest first. */
  reviews: SignedRecord[];
  /** The comments this viewer may see, oldest first. */
  comments: SignedRecord[];
  /** The final outcome once settled. */
  final: SignedRecord | null;
  /** This viewer's own vote, when they have cast one. */
  my_vote: ReviewVerdict | null;
  /** True when this viewer may vote now (a checker of the project, not the submitter, not voted, unsettled). */
  can_review: boolean;
  /** True when this viewer may comment or return the request now. */
  can_comment: boolean;
}

/** A decision waiting for checkers, with what they need to judge it. */
export interface QueueItem {
  /** The original decision response (decision, signature, audit …). */
  original: SignedRecord;
  review: ReviewStatus;
  /** False when this caller may not give a verdict (they submitted it, or already did). */
  can_review: boolean;
}

/** A checker's vote as submitted. */
export interface ReviewRequest {
  verdict: ReviewVerdict;
  /** Why. Required for reject, and for release when the automation said `fail`. */
  justification?: string;
}

/** A checker's comment as submitted. */
export interface CommentRequest {
  text: string;
  visibility: CommentVisibility;
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
  /** Unsettled decisions with outcome `review` in the caller's projects (or one of them), oldest first. */
  queue(caller: Caller, page: { cursor?: string | null; limit: number; project?: string }): Promise<{ items: QueueItem[]; next_cursor: string | null }>;
  /** The decision record under review; `NOT_FOUND` when unknown, not a decision, or outside the caller's projects. */
  original(caller: Caller, decisionId: string): Promise<StoredRecord>;
  /** The review of one decision as the caller may see it; `NOT_FOUND` outside the caller's projects. */
  status(caller: Caller, decisionId: string): Promise<ReviewStatus>;
  /** Records a checker's vote (and the final outcome when it settles the review). */
  review(caller: Caller, decisionId: string, request: ReviewRequest): Promise<ReviewResult>;
  /** Records a checker's comment. */
  comment(caller: Caller, decisionId: string, request: CommentRequest): Promise<SignedRecord>;
  /** Returns the request to the researcher (a final `returned` record), with a public comment given now or earlier. */
  giveBack(caller: Caller, decisionId: string, request: { comment?: string }): Promise<{ comment: SignedRecord | null; final: SignedRecord }>;
  /**
   * Of these audit records, the ones this caller may not see yet (other checkers' votes and
   * comments of reviews the caller may still vote on). Empty for callers without the checker role.
   */
  hiddenFrom(caller: Caller, records: readonly StoredRecord[]): Promise<Set<string>>;
}

export interface ReviewServiceDeps {
  store: AuditStore;
  key: Pick<SigningKey, 'kid' | 'privateKey'>;
  /** Distinct checkers who must say release (`AIRLOCK_CHECKERS_REQUIRED`). */
  required: number;
  logger?: Logger;
  now?: () => Date;
  /** Called once a review is settled (e.g. to drop the outputs kept for checkers to preview). */
  onSettled?(decisionId: string): Promise<void>;
  /**
   * Differencing again at release (sdc-rules.md: outputs awaiting review are "compared again
   * when a checker releases them"): the rules in force, the history (with its cross-replica
   * lock) and the unit keys. Without it, a release by review does not re-check differencing.
   */
  differencing?: { ruleset(): Ruleset; history: DifferencingHistory; unitKeys?: UnitKeys };
}

/** The least a required comment must say, in characters (white space not counted at the ends). */
export const MIN_COMMENT_LENGTH = 10;

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
  return derivedUuid(`airlock:review:${decisionId}:${identityKey({ name: checker })}`);
}

/** The id of a decision's final record. */
export function finalRecordId(decisionId: string): string {
  return derivedUuid(`airlock:final:${decisionId}`);
}

/** Who a record names as its cause. */
export function actorOf(caller: Caller): RecordActor {
  const p = caller.person;
  return p
    ? { kind: 'person', id: identityKey(caller), name: p.name, subject: p.subject, issuer: p.issuer }
    : { kind: 'token', id: identityKey(caller), name: caller.name };
}

/**
 * True when the automation said `fail` for some output (a failing finding, or one an exception
 * turned into `review`): then even a release needs the checker's reasons.
 *
 * @example automationFailed(decision) // true when a finding has original_status 'fail'
 */
export function automationFailed(d: Decision): boolean {
  return d.outputs.some((o) => o.findings.some((f) => f.status === 'fail' || f.original_status === 'fail'));
}

function requireText(text: string | undefined, what: string): string {
  const t = (text ?? '').trim();
  if (t.length < MIN_COMMENT_LENGTH) throw new AirlockError('COMMENT_REQUIRED', `${what} needs a comment of at least ${MIN_COMMENT_LENGTH} characters`, [{ pointer: '/justification', message: 'required' }]);
  return t;
}

export function createReviewService(deps: ReviewServiceDeps): ReviewService {
  const now = deps.now ?? (() => new Date());
  const required = deps.required;
  if (!Number.isInteger(required) || required < 1) throw new AirlockError('CONFIG_INVALID', 'the number of checkers required must be a positive integer');
  // Votes on one decision run one at a time in this process, so each sees every earlier one;
  // across instances the store's derived, unique record ids refuse a second final record.
  const serialised = keyedSerialiser();

  /** The original decision record, or NOT_FOUND (also for a project the caller may not see). */
  const original = async (caller: Caller, id: string): Promise<StoredRecord> => {
    const r = await deps.store.get(id);
    if (!r || r.kind !== RECORD_KINDS.decision || !mayAccessProject(caller, r.decision.project) || !mayAccessDataset(caller, r.decision.dataset)) throw new AirlockError('NOT_FOUND', `no decision ${id}`);
    return r;
  };

  const referencing = async (id: string): Promise<ReviewRecords> => {
    const all: StoredRecord[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: StoredRecord[]; next_cursor: string | null } = await deps.store.list({ references: id }, { cursor, limit: MAX_PAGE_LIMIT });
      all.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    all.sort((a, b) => a.seq - b.seq);
    return {
      reviews: all.filter((r) => r.kind === RECORD_KINDS.review),
      comments: all.filter((r) => r.kind === RECORD_KINDS.comment),
      final: all.find((r) => r.kind === RECORD_KINDS.final) ?? null,
    };
  };

  /** Where the review stands from its records (the final record's word when settled). */
  const positionOf = (records: ReviewRecords): ReviewPosition => {
    const settled = records.final?.decision.review;
    if (settled) return { state: settled.state, approvals: settled.approvals };
    let at: ReviewPosition = INITIAL_REVIEW;
    for (const r of records.reviews) if (r.decision.review?.verdict) at = nextReviewState(at, r.decision.review.verdict, required).position;
    return at;
  };

  const statusFor = (caller: Caller, orig: StoredRecord, records: ReviewRecords): ReviewStatus => {
    const at = positionOf(records);
    const view = visibleReview(caller, orig, records, at);
    const me = identityKey(caller);
    const mine = records.reviews.find((r) => identityKey({ name: r.decision.review?.checker ?? '' }) === me);
    const open = records.final === null && !isFinalReviewState(at.state);
    const mayAct = open && caller.roles.includes('checker') && mayAccessProject(caller, orig.decision.project) && !isOwnRequest(caller, orig);
    return {
      decision_id: orig.decision.id,
      original: signedRecord(orig),
      state: view.state,
      approvals: view.masked ? 0 : at.approvals,
      required: records.final?.decision.review?.required ?? required,
      votes: records.reviews.length,
      blinded: view.masked,
      reviews: view.reviews.map(signedRecord),
      comments: view.comments.map(signedRecord),
      final: view.final ? signedRecord(view.final) : null,
      my_vote: mine?.decision.review?.verdict ?? null,
      can_review: mayAct && !mine,
      can_comment: mayAct,
    };
  };

  /** A review, comment or final document: the original's identity and outputs (by digest), no findings. */
  const documentFor = (orig: Decision, id: string, outcome: Decision['outcome'], review: ReviewInfo, findings: ReadonlyMap<string, Finding[]> = new Map()): Decision => ({
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
  const pendingOf = async (decisionId: string): Promise<PendingOutput[]> => {
    const stored = await deps.store.get(decisionId);
    if (!stored) return [];
    const rows = (await deps.store.historyEntries({ afterSeq: stored.seq - 1, limit: 1000 })).filter((r) => r.seq === stored.seq && r.status === 'pending');
    const units = new Map((await deps.store.historyUnits(rows.filter((r) => r.has_units).map((r) => ({ seq: r.seq, idx: r.idx })))).map((u) => [u.idx, u.units]));
    return rows.map((r) => ({
      seq: r.seq,
      idx: r.idx,
      output: r.output,
      kind: r.kind as OutputKind,
      dataset: r.dataset,
      namespace: r.namespace,
      population: r.population,
      forms: parseLabelForms(r.form),
      units: units.get(r.idx) ?? null,
      sketch: r.sketch,
    }));
  };

  const settleNow = async (orig: Decision, at: ReviewPosition, ids: { reviews: string[]; comments?: string[] }, by: RecordActor, submittedBy: string): Promise<SignedRecord> => {
    let findings = new Map<string, Finding[]>();
    let pending: PendingOutput[] = [];
    let state: ReviewState = at.state;
    if (at.state === 'released' && deps.differencing) {
      pending = await pendingOf(orig.id);
      const rules = deps.differencing.ruleset().resolve(orig.project);
      findings = await recheckDifferencing(orig.id, pending, { project: orig.project, rules }, { history: deps.differencing.history, ...(deps.differencing.unitKeys ? { unitKeys: deps.differencing.unitKeys } : {}) });
      // Fail closed: an output that now differences an output released since cannot be released.
      if ([...findings.values()].some((fs) => fs.some((f) => f.status === 'fail'))) state = 'rejected';
    }
    const info: ReviewInfo = { of: orig.id, state, approvals: at.approvals, required, reviews: ids.reviews, by, ...(ids.comments ? { comments: ids.comments } : {}) };
    // A release by review enters the differencing history like an automatic release.
    const released = state === 'released' ? releasedOnReview(orig) : [];
    const history: HistoryEntryInput[] =
      state === 'released'
        ? pending.map((p) => ({ output: p.output, kind: p.kind, status: 'released', dataset: p.dataset, population: p.population, namespace: p.namespace, form: p.forms, units: p.units, sketch: p.sketch }))
        : [];
    const shown = state !== at.state ? findings : new Map<string, Finding[]>();
    const final = await record(documentFor(orig, finalRecordId(orig.id), state === 'released' ? 'release' : 'reject', info, shown), RECORD_KINDS.final, submittedBy, orig.id, released, history);
    deps.logger?.info({ decision: orig.id, state, approvals: at.approvals, required, seq: final.audit.seq, differencing_blocked: state !== at.state }, 'review settled');
    await deps.onSettled?.(orig.id).catch((e: unknown) => deps.logger?.warn({ decision: orig.id, err: (e as Error).message }, 'could not drop the outputs kept for review'));
    return final;
  };

  /** Settles a review; a release takes the differencing lock and differences the outputs again. */
  const settle = (orig: Decision, at: ReviewPosition, ids: { reviews: string[]; comments?: string[] }, by: RecordActor, submittedBy: string): Promise<SignedRecord> => {
    const d = deps.differencing;
    const key = d && at.state === 'released' ? differencingLockKey(orig.dataset, d.ruleset().resolve(orig.project)) : null;
    const run = () => settleNow(orig, at, ids, by, submittedBy);
    return d && key ? underDifferencingLock(d.history, key, run) : run();
  };

  /** The original, checked for a caller who wants to act on its review (vote, comment, return). */
  const actionable = async (caller: Caller, id: string, action: string): Promise<StoredRecord> => {
    const orig = await original(caller, id);
    if (orig.decision.outcome !== 'review') {
      throw new AirlockError('CONFLICT', `decision ${id} has outcome ${orig.decision.outcome}; only decisions with outcome review are reviewed`);
    }
    if (isOwnRequest(caller, orig)) throw new AirlockError('FORBIDDEN', `"${caller.person?.name ?? caller.name}" submitted decision ${id} (or is its requester) and cannot ${action} it`);
    return orig;
  };

  /** Settles a review whose votes already settle it but whose final record was never written (a crash between two appends). */
  const repairSettled = async (orig: StoredRecord, records: ReviewRecords): Promise<void> => {
    const at = positionOf(records);
    if (records.final || !isFinalReviewState(at.state)) return;
    const last = records.reviews.at(-1);
    invariant(last !== undefined, 'a settled review has at least one vote');
    await settle(orig.decision, at, { reviews: records.reviews.map((r) => r.decision.id) }, last.decision.review?.by ?? { kind: 'token', id: last.submitted_by, name: last.submitted_by }, last.submitted_by);
    throw new AirlockError('CONFLICT', `the review of decision ${orig.decision.id} is settled: ${at.state}`);
  };

  const commentRecord = (caller: Caller, orig: StoredRecord, at: ReviewPosition, comment: { text: string; visibility: CommentVisibility }) => {
    const info: ReviewInfo = { of: orig.decision.id, state: at.state, approvals: at.approvals, required, by: actorOf(caller), comment };
    return record(documentFor(orig.decision, uuidV7(now().getTime()), 'review', info), RECORD_KINDS.comment, caller.name, orig.decision.id);
  };

  return {
    async queue(caller, page) {
      const projects = page.project !== undefined ? [page.project].filter((p) => mayAccessProject(caller, p)) : caller.projects;
      const listed = await deps.store.list(
        { kind: RECORD_KINDS.decision, outcome: 'review', unsettled: true, ...(projects === null ? {} : { projects }) },
        { cursor: page.cursor ?? null, limit: page.limit, order: 'asc' },
      );
      const items: QueueItem[] = [];
      for (const r of listed.items) {
        if (!mayAccessDataset(caller, r.decision.dataset)) continue;
        const records = await referencing(r.decision.id);
        if (records.final) continue;
        const status = statusFor(caller, r, records);
        items.push({ original: signedRecord(r), review: status, can_review: status.can_review });
      }
      return { items, next_cursor: listed.next_cursor };
    },

    original,

    async status(caller, id) {
      const orig = await original(caller, id);
      return statusFor(caller, orig, await referencing(id));
    },

    async review(caller, id, request) {
      const orig = await actionable(caller, id, 'review');
      const justification = request.verdict === 'reject'
        ? requireText(request.justification, 'A reject')
        : automationFailed(orig.decision)
          ? requireText(request.justification, 'Approving an output the automation failed')
          : (request.justification ?? '').trim();
      return serialised(id, async () => {
        const records = await referencing(id);
        if (records.final) throw new AirlockError('CONFLICT', `the review of decision ${id} is settled: ${records.final.decision.review?.state ?? records.final.decision.outcome}`);
        if (hasVoted(caller, records.reviews)) throw new AirlockError('CONFLICT', `"${caller.person?.name ?? caller.name}" has already reviewed decision ${id}`);
        await repairSettled(orig, records);
        const at = positionOf(records);
        const next = nextReviewState(at, request.verdict as ReviewEvent, required).position;
        const by = actorOf(caller);
        const info: ReviewInfo = {
          of: id,
          state: next.state,
          approvals: next.approvals,
          required,
          checker: by.id,
          verdict: request.verdict,
          justification,
          by,
        };
        const review = await record(documentFor(orig.decision, reviewRecordId(id, by.id), request.verdict, info), RECORD_KINDS.review, caller.name, id);
        deps.logger?.info({ decision: id, checker: by.id, verdict: request.verdict, state: next.state, seq: review.audit.seq }, 'review recorded');
        const settled = isFinalReviewState(next.state)
          ? await settle(orig.decision, next, { reviews: [...records.reviews.map((r) => r.decision.id), review.decision.id] }, by, caller.name)
          : null;
        // A release differencing blocked at the last moment settles as rejected.
        const state = settled?.decision.review?.state ?? next.state;
        return { review, final: settled, state, approvals: next.approvals, required };
      });
    },

    async comment(caller, id, request) {
      const orig = await actionable(caller, id, 'comment on');
      const text = requireText(request.text, 'A comment');
      return serialised(id, async () => {
        const records = await referencing(id);
        if (records.final) throw new AirlockError('CONFLICT', `the review of decision ${id} is settled; it takes no more comments`);
        const rec = await commentRecord(caller, orig, positionOf(records), { text, visibility: request.visibility });
        deps.logger?.info({ decision: id, by: identityKey(caller), visibility: request.visibility, seq: rec.audit.seq }, 'review comment recorded');
        return rec;
      });
    },

    async giveBack(caller, id, request) {
      const orig = await actionable(caller, id, 'return');
      const given = request.comment === undefined || request.comment.trim() === '' ? null : requireText(request.comment, 'A comment');
      return serialised(id, async () => {
        const records = await referencing(id);
        if (records.final) throw new AirlockError('CONFLICT', `the review of decision ${id} is settled: ${records.final.decision.review?.state ?? records.final.decision.outcome}`);
        await repairSettled(orig, records);
        const at = positionOf(records);
        const publicIds = records.comments.filter((c) => c.decision.review?.comment?.visibility === 'public').map((c) => c.decision.id);
        if (given === null && publicIds.length === 0) {
          throw new AirlockError('COMMENT_REQUIRED', 'returning a request to the researcher needs a public comment saying what to change', [{ pointer: '/comment', message: 'required' }]);
        }
        const comment = given === null ? null : await commentRecord(caller, orig, at, { text: given, visibility: 'public' });
        const next = nextReviewState(at, 'return', required).position;
        const final = await settle(orig.decision, next, { reviews: records.reviews.map((r) => r.decision.id), comments: [...publicIds, ...(comment ? [comment.decision.id] : [])] }, actorOf(caller), caller.name);
        return { comment, final };
      });
    },

    async hiddenFrom(caller, records) {
      const hidden = new Set<string>();
      if (!caller.roles.includes('checker')) return hidden;
      const byDecision = new Map<string, StoredRecord[]>();
      for (const r of records) {
        if (!DELIBERATION_KINDS.includes(r.kind) || !r.references) continue;
        const list = byDecision.get(r.references) ?? [];
        list.push(r);
        byDecision.set(r.references, list);
      }
      for (const [of, list] of byDecision) {
        const orig = await deps.store.get(of);
        if (!orig) continue;
        const all = await referencing(of);
        if (reviewRole(caller, orig, all) === 'full') continue;
        const visible = new Set(visibleReview(caller, orig, all, positionOf(all)).comments.map((c) => c.decision.id));
        for (const r of list) if (!visible.has(r.decision.id)) hidden.add(r.decision.id);
      }
      return hidden;
    },
  };
}
