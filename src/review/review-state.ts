/**
 * The review state machine, as data: every allowed transition is one row of
 * `REVIEW_TRANSITIONS`, and `nextReviewState` only ever follows a row. A verdict on a settled
 * review (`released`, `rejected`) has no row and is refused with `CONFLICT`. A test walks every
 * row, so a transition added here without a test fails CI.
 *
 * ```
 *  pending ──release, more needed──▶ approving ──release, more needed──▶ approving
 *     │  └──release, enough────────▶ released ◀──release, enough────────────┘
 *     ├─────reject─────────────────▶ rejected ◀──reject──────── approving
 *     └─────return─────────────────▶ returned ◀──return──────── approving
 * ```
 *
 * `return` (back to the researcher with public comments) is not a vote: it counts no approval.
 *
 * @example
 * nextReviewState({ state: 'pending', approvals: 0 }, 'release', 2) // { state: 'approving', approvals: 1, … }
 */
import type { ReviewEvent, ReviewState } from '../domain.js';
import { AirlockError } from '../errors.js';

/** When a release verdict settles the review: the required number of approvals is reached, or not yet. */
export type ReviewGuard = 'more_needed' | 'enough' | 'any';

/** One allowed transition. */
export interface ReviewTransition {
  from: ReviewState;
  verdict: ReviewEvent;
  guard: ReviewGuard;
  to: ReviewState;
}

/** Every transition the review of a decision can take. */
export const REVIEW_TRANSITIONS: readonly ReviewTransition[] = [
  { from: 'pending', verdict: 'release', guard: 'more_needed', to: 'approving' },
  { from: 'pending', verdict: 'release', guard: 'enough', to: 'released' },
  { from: 'pending', verdict: 'reject', guard: 'any', to: 'rejected' },
  { from: 'approving', verdict: 'release', guard: 'more_needed', to: 'approving' },
  { from: 'approving', verdict: 'release', guard: 'enough', to: 'released' },
  { from: 'approving', verdict: 'reject', guard: 'any', to: 'rejected' },
  { from: 'pending', verdict: 'return', guard: 'any', to: 'returned' },
  { from: 'approving', verdict: 'return', guard: 'any', to: 'returned' },
];

/** States with no way out. */
export const FINAL_REVIEW_STATES: readonly ReviewState[] = ['released', 'rejected', 'returned'];

/**
 * True for `released` and `rejected`.
 *
 * @example isFinalReviewState('approving') // false
 */
export function isFinalReviewState(s: ReviewState): boolean {
  return FINAL_REVIEW_STATES.includes(s);
}

/** Where a review stands: its state and how many distinct checkers have said release. */
export interface ReviewPosition {
  state: ReviewState;
  approvals: number;
}

/** The position of a review nobody has touched yet. */
export const INITIAL_REVIEW: Readonly<ReviewPosition> = Object.freeze({ state: 'pending', approvals: 0 });

/**
 * The position after one more verdict, and the transition taken. Throws `CONFLICT` when the
 * review is already settled.
 *
 * @example nextReviewState({ state: 'approving', approvals: 1 }, 'release', 2).position // { state: 'released', approvals: 2 }
 */
export function nextReviewState(at: ReviewPosition, verdict: ReviewEvent, required: number): { position: ReviewPosition; transition: ReviewTransition } {
  const approvals = at.approvals + (verdict === 'release' ? 1 : 0);
  const guard: ReviewGuard = verdict === 'release' ? (approvals >= required ? 'enough' : 'more_needed') : 'any';
  const transition = REVIEW_TRANSITIONS.find((t) => t.from === at.state && t.verdict === verdict && t.guard === guard);
  if (!transition) throw new AirlockError('CONFLICT', `the review is already ${at.state}; no further verdicts are accepted`);
  return { position: { state: transition.to, approvals }, transition };
}

/**
 * The position after a sequence of verdicts, from the start.
 *
 * @example reviewPosition(['release', 'release'], 2) // { state: 'released', approvals: 2 }
 */
export function reviewPosition(verdicts: readonly ReviewEvent[], required: number): ReviewPosition {
  let at: ReviewPosition = INITIAL_REVIEW;
  for (const v of verdicts) at = nextReviewState(at, v, required).position;
  return at;
}
