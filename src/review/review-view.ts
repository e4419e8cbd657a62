/**
 * What one viewer may see of a review: votes are independent and blinded, as OpenSAFELY's
 * output checkers work. Until a checker has voted (or the review is settled), they see only
 * their own comments: not the other checkers' votes, not their comments, not how many said
 * release. The researcher (whoever submitted the request, or the submitting platform's token)
 * sees public comments once the review is settled or returned, and never a private comment or
 * a vote. Auditors see everything — unless they are also a checker who may still vote.
 *
 * @example
 * const view = reviewView(caller, original, records);
 * view.blinded // true while caller may still vote
 */
import type { StoredRecord } from '../audit/audit-store.js';
import type { Caller } from '../auth/authenticate.js';
import { mayAccessProject } from '../auth/authorize.js';
import { identityKey, namesCaller } from '../auth/identity.js';
import type { Decision, ReviewState } from '../domain.js';
import { RECORD_KINDS } from '../domain.js';

/** How a viewer relates to one review. */
export type ReviewRole =
  /** Submitted the request (by token or as the named requester), or a submitter token: public comments once settled. */
  | 'researcher'
  /** A checker who may still vote: only their own comments. */
  | 'blinded'
  /** Voted already, the review is settled, or an auditor: everything. */
  | 'full';

/**
 * True when `caller` submitted the request behind `original`: its token or person, or the
 * requester it names — compared normalised, and for people by subject, username, e-mail and name.
 *
 * @example isOwnRequest({ name: 'CHK1 ', roles: ['checker'], projects: null }, recordSubmittedBy('chk1')) // true
 */
export function isOwnRequest(caller: Pick<Caller, 'name' | 'person'>, original: Pick<StoredRecord, 'submitted_by'> & { decision: Pick<Decision, 'requester'> }): boolean {
  return namesCaller(caller, original.submitted_by) || namesCaller(caller, original.decision.requester);
}

/** The records referencing one decision, split by kind, oldest first. */
export interface ReviewRecords {
  reviews: StoredRecord[];
  comments: StoredRecord[];
  final: StoredRecord | null;
}

/** True when this caller has a vote among `reviews`. */
export function hasVoted(caller: Pick<Caller, 'name' | 'person'>, reviews: readonly StoredRecord[]): boolean {
  const me = identityKey(caller);
  return reviews.some((r) => r.decision.review?.checker !== undefined && identityKey({ name: r.decision.review.checker }) === me);
}

/**
 * How `caller` relates to the review of `original`.
 *
 * @example reviewRole(auditor, original, records) // 'full'
 */
export function reviewRole(caller: Caller, original: StoredRecord, records: ReviewRecords): ReviewRole {
  const settled = records.final !== null;
  if (isOwnRequest(caller, original)) return 'researcher';
  const checker = caller.roles.includes('checker') && mayAccessProject(caller, original.decision.project);
  if (checker && !settled && !hasVoted(caller, records.reviews)) return 'blinded';
  if (checker || caller.roles.includes('auditor')) return 'full';
  return 'researcher';
}

/** True when the record was caused by this caller (their vote or comment). */
function isMine(caller: Pick<Caller, 'name' | 'person'>, r: StoredRecord): boolean {
  const by = r.decision.review?.by?.id ?? r.decision.review?.checker ?? r.submitted_by;
  return identityKey({ name: by }) === identityKey(caller);
}

/** What a viewer sees of a review's records. */
export interface VisibleReview {
  role: ReviewRole;
  reviews: StoredRecord[];
  comments: StoredRecord[];
  final: StoredRecord | null;
  /** The state to show: the real one, or `pending` for a viewer who may not yet know how others voted. */
  state: ReviewState | 'pending';
  /** True when the state, approvals and others' records are withheld from this viewer. */
  masked: boolean;
}

/**
 * The records this caller may see, by their role.
 *
 * @example visibleReview(caller, original, records, { state: 'approving', approvals: 1 }).masked // true for a blinded checker
 */
export function visibleReview(caller: Caller, original: StoredRecord, records: ReviewRecords, at: { state: ReviewState }): VisibleReview {
  const role = reviewRole(caller, original, records);
  const settled = records.final !== null;
  if (role === 'full') return { role, reviews: records.reviews, comments: records.comments, final: records.final, state: at.state, masked: false };
  if (role === 'blinded') {
    return { role, reviews: [], comments: records.comments.filter((c) => isMine(caller, c)), final: null, state: 'pending', masked: true };
  }
  const publicComments = settled ? records.comments.filter((c) => c.decision.review?.comment?.visibility === 'public') : [];
  return { role, reviews: [], comments: publicComments, final: records.final, state: settled ? at.state : 'pending', masked: !settled };
}

/** Record kinds that belong to a review's deliberation (blinded), as opposed to its outcome. */
export const DELIBERATION_KINDS: readonly string[] = [RECORD_KINDS.review, RECORD_KINDS.comment];
