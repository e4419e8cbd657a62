import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/auth/tokens.js';
import { verifyDecisionResponse } from '../../src/signing/verify-decision.js';
import { finalRecordId, reviewRecordId } from '../../src/review/review-service.js';
import { testServer, type TestServer } from '../helpers/test-server.js';
import { tempDir } from '../helpers/temp-dirs.js';

/** Token name → roles (and projects); each token's secret is its name reversed + a suffix. */
const TOKENS: Record<string, { roles: string[]; projects?: string[] }> = {
  portal: { roles: ['submitter'] },
  ann: { roles: ['checker'] },
  bob: { roles: ['checker'] },
  // A researcher who is also a checker: never of her own requests.
  cat: { roles: ['checker', 'submitter'] },
  dan: { roles: ['checker'], projects: ['other-project'] },
  audit: { roles: ['auditor'] },
  admin: { roles: ['admin'] },
};
const secret = (name: string) => `test-token-${name}-0123456789`;
const as = (name: string) => ({ authorization: `Bearer ${secret(name)}` });

let s: TestServer;
beforeAll(async () => {
  const dir = tempDir('review-tokens-');
  const file = join(dir, 'tokens.json');
  writeFileSync(file, JSON.stringify(Object.entries(TOKENS).map(([name, t]) => ({ name, sha256: hashToken(secret(name)), ...t }))));
  s = await testServer({ AIRLOCK_TOKENS_FILE: file });
});
afterAll(async () => {
  await s.close();
});

const smallCell = (requester = 'alice', exception = true) => ({
  project: 'p1',
  requester,
  dataset: 'reviews',
  outputs: [
    {
      name: 'by-sex',
      kind: 'table',
      cells: [{ labels: { sex: 'F' }, count: 4 }, { labels: { sex: 'M' }, count: 30 }],
      ...(exception ? { exception: { justification: 'The four are hospitals, whose counts are public.' } } : {}),
    },
  ],
});

async function submit(body: object, token = 'portal') {
  return (await request(s.url).post('/v1/decisions').set(as(token)).send(body).expect(201)).body;
}

function review(id: string, token: string, verdict: string, justification = `Verdict ${verdict} after reading the justification.`) {
  return request(s.url).post(`/v1/decisions/${id}/reviews`).set(as(token)).send({ verdict, justification });
}

async function jwks() {
  return (await request(s.url).get('/.well-known/jwks.json').expect(200)).body;
}

describe('human review', () => {
  it('needs two distinct checkers to release, refuses self-review, and records signed, chained verdicts', async () => {
    const submitted = await submit(smallCell());
    const id = submitted.decision.id as string;
    expect(submitted.decision.outcome).toBe('review');
    expect(submitted.decision.outputs[0].exception.justification).toMatch(/hospitals/);

    const queue = (await request(s.url).get('/v1/reviews').set(as('ann')).expect(200)).body;
    const item = queue.items.find((i: { original: { decision: { id: string } } }) => i.original.decision.id === id);
    expect(item).toMatchObject({ can_review: true, review: { state: 'pending', approvals: 0, required: 2, reviews: [], final: null } });

    const first = (await review(id, 'ann', 'release').expect(201)).body;
    expect(first).toMatchObject({ state: 'approving', approvals: 1, required: 2, final: null });
    expect(first.review.decision).toMatchObject({ id: reviewRecordId(id, 'ann'), outcome: 'release', review: { of: id, checker: 'ann', verdict: 'release', state: 'approving' } });
    expect(first.review).toMatchObject({ kind: 'review', references: id, submitted_by: 'ann' });

    expect((await review(id, 'ann', 'release').expect(409)).body.code).toBe('CONFLICT');

    const second = (await review(id, 'bob', 'release').expect(201)).body;
    expect(second).toMatchObject({ state: 'released', approvals: 2 });
    expect(second.final.decision).toMatchObject({
      id: finalRecordId(id),
      outcome: 'release',
      review: { of: id, state: 'released', approvals: 2, required: 2, reviews: [reviewRecordId(id, 'ann'), reviewRecordId(id, 'bob')] },
    });
    expect(second.final.decision.outputs).toEqual([{ name: 'by-sex', kind: 'table', sha256: submitted.decision.outputs[0].sha256, outcome: 'release', findings: [] }]);

    // Settled: no more verdicts, and it leaves the queue.
    expect((await review(id, 'cat', 'reject').expect(409)).body.code).toBe('CONFLICT');
    const after = (await request(s.url).get('/v1/reviews').set(as('ann')).expect(200)).body;
    expect(after.items.map((i: { original: { decision: { id: string } } }) => i.original.decision.id)).not.toContain(id);

    // Every record verifies with the published keys and the verdicts chain one after another.
    const keys = await jwks();
    for (const r of [first.review, second.review, second.final]) expect(await verifyDecisionResponse(r, keys)).toMatchObject({ ok: true });
    expect(second.review.audit.prev).toBe(first.review.audit.hash);
    expect(second.final.audit.prev).toBe(second.review.audit.hash);
    expect((await request(s.url).get('/v1/audit/verify').set(as('audit')).expect(200)).body).toMatchObject({ ok: true });

    // The original is never changed.
    const original = (await request(s.url).get(`/v1/decisions/${id}`).set(as('audit')).expect(200)).body;
    expect(original).toMatchObject({ decision: submitted.decision, signature: submitted.signature, audit: submitted.audit, kind: 'decision' });

    const status = (await request(s.url).get(`/v1/decisions/${id}/reviews`).set(as('audit')).expect(200)).body;
    expect(status).toMatchObject({ decision_id: id, state: 'released', approvals: 2, required: 2 });
    expect(status.reviews.map((r: { submitted_by: string }) => r.submitted_by)).toEqual(['ann', 'bob']);
    expect(status.final.audit).toEqual(second.final.audit);
  });

  it('refuses a checker reviewing their own request with 403, by token or by requester name', async () => {
    const own = await submit(smallCell('someone'), 'cat');
    const named = await submit(smallCell('cat'));
    for (const d of [own, named]) {
      const res = await review(d.decision.id, 'cat', 'release').expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
    const queue = (await request(s.url).get('/v1/reviews').set(as('cat')).expect(200)).body;
    const mine = queue.items.filter((i: { original: { decision: { id: string } } }) => [own.decision.id, named.decision.id].includes(i.original.decision.id));
    expect(mine.map((i: { can_review: boolean }) => i.can_review)).toEqual([false, false]);
  });

  it('settles as rejected on one reject', async () => {
    const d = await submit(smallCell());
    const res = (await review(d.decision.id, 'bob', 'reject', 'Four hospitals in one region identify them.').expect(201)).body;
    expect(res).toMatchObject({ state: 'rejected', approvals: 0, final: { decision: { outcome: 'reject', review: { state: 'rejected', reviews: [reviewRecordId(d.decision.id, 'bob')] } } } });
  });

  it.each([
    ['a rejected decision', () => smallCell('alice', false), 409, 'CONFLICT'],
    ['a released decision', () => ({ ...smallCell('alice', false), outputs: [{ name: 't', kind: 'table', cells: [{ labels: { a: 'x' }, count: 20 }] }] }), 409, 'CONFLICT'],
  ])('refuses a verdict on %s', async (_n, body, status, code) => {
    const d = await submit(body());
    expect((await review(d.decision.id, 'ann', 'release').expect(status)).body.code).toBe(code);
  });

  it('answers 404 for a decision outside the checker’s projects or unknown, and checks roles and bodies', async () => {
    const d = await submit(smallCell());
    expect((await review(d.decision.id, 'dan', 'release').expect(404)).body.code).toBe('NOT_FOUND');
    expect((await review('00000000-0000-7000-8000-000000000000', 'ann', 'release').expect(404)).body.code).toBe('NOT_FOUND');
    expect((await review(d.decision.id, 'audit', 'release').expect(403)).body.code).toBe('FORBIDDEN');
    expect((await request(s.url).post(`/v1/decisions/${d.decision.id}/reviews`).send({ verdict: 'release', justification: 'x'.repeat(20) }).expect(401)).body.code).toBe('UNAUTHENTICATED');
    expect((await review(d.decision.id, 'ann', 'maybe').expect(400)).body.code).toBe('INVALID_REQUEST');
    expect((await review(d.decision.id, 'ann', 'release', 'ok').expect(422)).body.code).toBe('COMMENT_REQUIRED');
    expect((await request(s.url).get('/v1/reviews').set(as('portal')).expect(403)).body.code).toBe('FORBIDDEN');
  });
});

describe('GET /v1/rulesets/{digest}', () => {
  it('returns the rule set a decision names, to auditors and admins', async () => {
    const d = await submit(smallCell('alice', false));
    const digest = d.decision.ruleset.digest as string;
    for (const who of ['audit', 'admin']) {
      const res = (await request(s.url).get(`/v1/rulesets/${digest}`).set(as(who)).expect(200)).body;
      expect(res).toMatchObject({ digest, name: 'default', live: true });
      expect(res.content.default.parameters.threshold).toBe(10);
    }
    expect((await request(s.url).get(`/v1/rulesets/${'0'.repeat(64)}`).set(as('audit')).expect(404)).body.code).toBe('NOT_FOUND');
    expect((await request(s.url).get('/v1/rulesets/nonsense').set(as('audit')).expect(404)).body.code).toBe('NOT_FOUND');
    expect((await request(s.url).get(`/v1/rulesets/${digest}`).set(as('portal')).expect(403)).body.code).toBe('FORBIDDEN');
  });
});

describe('a release by review enters the differencing history', () => {
  it('differences a later table of the same dataset against the table two checkers released', async () => {
    const dataset = 'cohort-reviewed';
    const submitted = await submit({ ...smallCell(), dataset });
    const id = submitted.decision.id as string;
    expect(submitted.decision.outcome).toBe('review');
    await review(id, 'ann', 'release').expect(201);
    const settled = (await review(id, 'bob', 'release').expect(201)).body;
    expect(settled.state).toBe('released');

    // 36 people by age against the 34 by sex released on review: the 2 between them are exposed.
    const later = await submit({
      project: 'p1',
      requester: 'alice',
      dataset,
      outputs: [{ name: 'by-age', kind: 'table', cells: [{ labels: { age: '<50' }, count: 18 }, { labels: { age: '50+' }, count: 18 }] }],
    });
    expect(later.decision.outcome).toBe('reject');
    const f = later.decision.outputs[0].findings.find((x: { check: string; status: string }) => x.check === 'differencing' && x.status === 'fail');
    // The history names the decision the output belongs to (its final record settles it).
    expect(f.related).toEqual([{ output: 'by-sex', decision_id: id }]);
  });

  it('does not enter it when the review rejects', async () => {
    const dataset = 'cohort-review-rejected';
    const submitted = await submit({ ...smallCell(), dataset });
    await review(submitted.decision.id, 'ann', 'reject').expect(201);
    const later = await submit({
      project: 'p1',
      requester: 'alice',
      dataset,
      outputs: [{ name: 'by-age', kind: 'table', cells: [{ labels: { age: '<50' }, count: 18 }, { labels: { age: '50+' }, count: 18 }] }],
    });
    expect(later.decision.outcome).toBe('release');
  });
});
