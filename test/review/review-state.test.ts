import { describe, expect, it } from 'vitest';
import type { ReviewEvent as ReviewVerdict, ReviewState } from '../../src/domain.js';
import { REVIEW_EVENT_VALUES as REVIEW_VERDICT_VALUES, REVIEW_STATE_VALUES } from '../../src/domain.js';
import type { ReviewPosition, ReviewTransition } from '../../src/review/review-state.js';
import { FINAL_REVIEW_STATES, REVIEW_TRANSITIONS, isFinalReviewState, nextReviewState, reviewPosition } from '../../src/review/review-state.js';

/** A position in `from` and a required count that make `verdict` take the transition's guard. */
function setup(t: ReviewTransition): { at: ReviewPosition; required: number } {
  const approvals = t.from === 'pending' ? 0 : 1;
  const required = t.guard === 'enough' ? approvals + 1 : t.guard === 'more_needed' ? approvals + 2 : 2;
  return { at: { state: t.from, approvals }, required };
}

describe('review state machine', () => {
  it.each(REVIEW_TRANSITIONS.map((t) => [`${t.from} --${t.verdict} (${t.guard})--> ${t.to}`, t] as const))('takes %s', (_name, t) => {
    const { at, required } = setup(t);
    const r = nextReviewState(at, t.verdict, required);
    expect(r.transition).toBe(t);
    expect(r.position.state).toBe(t.to);
    expect(r.position.approvals).toBe(at.approvals + (t.verdict === 'release' ? 1 : 0));
  });

  it('has a transition for every verdict from every open state, and none from a final one', () => {
    for (const from of REVIEW_STATE_VALUES) {
      for (const verdict of REVIEW_VERDICT_VALUES) {
        const rows = REVIEW_TRANSITIONS.filter((t) => t.from === from && t.verdict === verdict);
        if (isFinalReviewState(from)) expect(rows).toEqual([]);
        else expect(rows.map((t) => t.guard).sort()).toEqual(verdict === 'release' ? ['enough', 'more_needed'] : ['any']);
      }
    }
  });

  it('reaches every state from pending', () => {
    const reached = new Set<ReviewState>(['pending']);
    for (const t of REVIEW_TRANSITIONS) reached.add(t.to);
    expect([...reached].sort()).toEqual([...REVIEW_STATE_VALUES].sort());
  });

  it.each(FINAL_REVIEW_STATES.flatMap((s) => REVIEW_VERDICT_VALUES.map((v) => [s, v] as const)))('refuses a verdict on a %s review (%s) with CONFLICT', (state, verdict) => {
    expect(() => nextReviewState({ state, approvals: 2 }, verdict, 2)).toThrowError(expect.objectContaining({ code: 'CONFLICT' }));
  });

  it.each<[ReviewVerdict[], number, ReviewPosition]>([
    [[], 2, { state: 'pending', approvals: 0 }],
    [['release'], 2, { state: 'approving', approvals: 1 }],
    [['release', 'release'], 2, { state: 'released', approvals: 2 }],
    [['release'], 1, { state: 'released', approvals: 1 }],
    [['release', 'reject'], 2, { state: 'rejected', approvals: 1 }],
    [['reject'], 2, { state: 'rejected', approvals: 0 }],
    [['release', 'return'], 2, { state: 'returned', approvals: 1 }],
    [['return'], 2, { state: 'returned', approvals: 0 }],
    [['release', 'release'], 3, { state: 'approving', approvals: 2 }],
  ])('folds %j with %i required into %j', (verdicts, required, expected) => {
    expect(reviewPosition(verdicts, required)).toEqual(expected);
  });
});
