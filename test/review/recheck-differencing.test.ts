/**
 * Outputs awaiting review are differenced again when checkers release them (sdc-rules.md
 * "compared again when a checker releases them"), against the history as it is then: if they
 * now fail — here because governance declared the two datasets one population meanwhile — the
 * final record rejects them (fail closed); otherwise they enter the history as released.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Ruleset } from '../../src/rules/load-ruleset.js';
import { createReviewService } from '../../src/review/review-service.js';
import type { Harness } from '../helpers/differencing-harness.js';
import { differencingHarness, rulesWith } from '../helpers/differencing-harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const checker = { name: 'ann', roles: ['checker' as const], projects: null };
const req = (dataset: string, outputs: Record<string, unknown>[]) => ({ project: 'p1', requester: 'alice', dataset, outputs });
// A sum table without dominance evidence: a checker must look (it awaits review).
const needsReview = { name: 'cost', kind: 'table', statistic: 'sum', measure: 'cost', cells: [{ labels: { sex: 'F' }, count: 60, sum: 6000 }, { labels: { sex: 'M' }, count: 50, sum: 5000 }] };
const bySex = (name: string, f: number) => ({ name, kind: 'table', cells: [{ labels: { sex: 'F' }, count: f }, { labels: { sex: 'M' }, count: 50 }] });

async function setup(): Promise<{ reviews: ReturnType<typeof createReviewService>; use(r: Ruleset): void }> {
  let current = rulesWith();
  h = await differencingHarness({ rules: current });
  const reviews = createReviewService({ store: h.store, key: h.key, required: 1, differencing: { ruleset: () => current, history: h.store } });
  return { reviews, use: (r) => (current = r) };
}

describe('release by review re-checks differencing', () => {
  it('fails closed: an output that now differences a release of its population is rejected at release', async () => {
    const { reviews, use } = await setup();
    const pending = await h.submit(req('ds-a', [needsReview]));
    expect(pending.outcome).toBe('review');
    // Another dataset, then its own population: released.
    expect((await h.submit(req('ds-b', [bySex('b', 58)]))).outcome).toBe('release');
    // Governance declares the two datasets one population.
    const merged = rulesWith({}, { cohort: ['ds-a', 'ds-b'] });
    use(merged);
    const r = await reviews.review(checker, pending.id, { verdict: 'release', justification: 'The sums are of hospitals.' });
    expect(r.state).toBe('rejected');
    expect(r.final?.decision.outcome).toBe('reject');
    const f = r.final!.decision.outputs[0]!.findings.find((x) => x.check === 'differencing' && x.status === 'fail');
    expect(f?.related?.[0]?.output).toBe('b');
    // Not released: a later table 9 off it (and 11 off the other) is released.
    expect((await h.submit(req('ds-a', [bySex('c', 69)]), merged)).outcome).toBe('release');
  });

  it('releases when nothing changed, and the output then enters the history as released', async () => {
    const { reviews } = await setup();
    const pending = await h.submit(req('ds-a', [needsReview]));
    const r = await reviews.review(checker, pending.id, { verdict: 'release', justification: 'The sums are of hospitals.' });
    expect(r.state).toBe('released');
    const later = await h.submit(req('ds-a', [bySex('c', 58)]));
    expect(later.outcome).toBe('reject');
    expect(later.outputs[0]!.findings.find((x) => x.check === 'differencing' && x.status === 'fail')?.related).toEqual([{ output: 'cost', decision_id: pending.id }]);
  });
});
