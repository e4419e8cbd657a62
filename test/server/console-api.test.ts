/**
 * The API the console uses, over HTTP against a real server: people signed in (dev identities,
 * an IdP's access tokens), CSRF, sign-out, blinded votes, comments public and private, return
 * to researcher, outputs kept for preview and dropped on settlement, self-review compared on
 * normalised identities, decision search by check and text, rule-set history and diff.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider, TEST_API_AUDIENCE, type TestIdp } from '../helpers/oidc-provider.js';
import { testServer, type TestServer } from '../helpers/test-server.js';
import { tokensFile } from '../helpers/tokens-file.js';

const tokens = tokensFile({
  portal: { roles: ['submitter'] },
  CHK1: { roles: ['checker'] },
  auditor: { roles: ['auditor'] },
  'auditor-checker': { roles: ['auditor', 'checker'] },
  admin: { roles: ['admin'] },
});
const as = (name: string) => tokens.auth(name);

let s: TestServer;
let idp: TestIdp;
beforeAll(async () => {
  idp = await startOidcProvider({ redirectUris: () => ['http://127.0.0.1:1/v1/session/callback'], people: {} });
  s = await testServer({ ...tokens.env, AIRLOCK_RATE_LIMIT: '0', AIRLOCK_OIDC_ISSUER: idp.issuer, AIRLOCK_OIDC_CLIENT_ID: idp.clientId, AIRLOCK_OIDC_AUDIENCE: TEST_API_AUDIENCE });
});
afterAll(async () => {
  await s.close();
  await idp.close();
});

/** A table whose small cell carries an exception: outcome review, the automation said fail. */
const needsReview = (requester = 'alice', extra: object[] = []) => ({
  project: 'p1',
  requester,
  outputs: [
    { name: 'by-sex', kind: 'table', cells: [{ labels: { sex: 'F' }, count: 4 }, { labels: { sex: 'M' }, count: 30 }], exception: { justification: 'Four hospitals whose counts are public.' } },
    ...extra,
  ],
});
const submit = async (body: object) => (await request(s.url).post('/v1/decisions').set(as('portal')).send(body).expect(201)).body.decision as { id: string; outcome: string };

/** A bearer header with an IdP access token for a person with these claims. */
async function person(sub: string, name: string, roles: string[], extra: Record<string, unknown> = {}) {
  return { authorization: `Bearer ${await idp.accessToken({ name, roles, projects: ['*'], sub, ...extra })}` };
}

describe('IdP access tokens as API credentials', () => {
  it('accepts a JWT from the issuer for the configured audience, mapping its claims to roles', async () => {
    const auth = await person('x', 'Dee Auditor', ['auditor']);
    await request(s.url).get('/v1/decisions').set(auth).expect(200);
    expect((await request(s.url).get('/v1/reviews').set(auth).expect(403)).body.code).toBe('FORBIDDEN');
  });

  it('names a person who submits in the signed decision, exception request included', async () => {
    const cat = await person('cat', 'Cat Researcher', ['submitter']);
    const res = (await request(s.url).post('/v1/decisions').set(cat).send(needsReview('cat')).expect(201)).body;
    expect(res.decision.submitter).toEqual({ kind: 'person', id: 'oidc:cat', name: 'Cat Researcher', subject: 'cat', issuer: idp.issuer });
    expect(res.decision.outputs[0].exception.justification).toMatch(/hospitals/);
    const rec = (await request(s.url).get(`/v1/decisions/${res.decision.id}`).set(as('auditor')).expect(200)).body;
    expect(rec.submitted_by).toBe('oidc:cat');
  });

  it('refuses a tampered token, one without a role, and a token with another audience', async () => {
    const good = (await person('x', 'Dee', ['auditor'])).authorization;
    const [h, p, sig] = good.slice(7).split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, roles: ['admin'] })).toString('base64url')}.${sig}`;
    expect((await request(s.url).get('/v1/rulesets').set('authorization', `Bearer ${forged}`).expect(401)).body.code).toBe('UNAUTHENTICATED');
    const none = await person('y', 'Nobody', []);
    expect((await request(s.url).get('/v1/decisions').set(none).expect(403)).body.code).toBe('FORBIDDEN');
  });
});

describe('console sessions', () => {
  it('dev sign-in is off while an IdP is configured', async () => {
    expect((await request(s.url).post('/v1/session/dev').send({ identity: 'ann' }).expect(404)).body.code).toBe('SIGN_IN_UNAVAILABLE');
    expect((await request(s.url).get('/v1/session').expect(200)).body).toEqual({ signed_in: false, sign_in: { oidc: true, dev: false } });
  });

  it('sign-in starts at the IdP with PKCE, state and nonce, and returns only under /ui', async () => {
    const res = await request(s.url).get('/v1/session/login?return_to=https://evil.example/').expect(303);
    const to = new URL(res.headers.location!);
    expect(to.origin).toBe(idp.issuer);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('state')).toBeTruthy();
    expect(to.searchParams.get('nonce')).toBeTruthy();
    expect(String(res.headers['set-cookie'])).toMatch(/airlock-login=[^;]+; Path=\/v1\/session\/callback; HttpOnly; SameSite=Lax/);
    // A callback without the browser's binding cookie starts no session.
    const cb = await request(s.url).get(`/v1/session/callback?code=x&state=${to.searchParams.get('state')}`).expect(303);
    expect(cb.headers.location).toBe('/ui/sign-in?error=no_attempt');
    expect(String(cb.headers['set-cookie'] ?? '')).not.toMatch(/airlock-session=[^;]/);
  });
});

describe('dev sign-in, CSRF and sign-out', () => {
  let dev: TestServer;
  beforeAll(async () => {
    dev = await testServer({ ...tokens.env, AIRLOCK_RATE_LIMIT: '0' });
  });
  afterAll(async () => {
    await dev.close();
  });

  it('signs a dev identity in with an HttpOnly SameSite=Strict cookie, needs the CSRF token to change state, and ends at sign-out', async () => {
    const res = await request(dev.url).post('/v1/session/dev').send({ identity: 'ann' }).expect(201);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^airlock-session=[A-Za-z0-9_-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const cookie = setCookie.split(';')[0]!;
    const csrf = res.body.csrf_token as string;
    const me = (await request(dev.url).get('/v1/session').set('cookie', cookie).expect(200)).body;
    expect(me).toMatchObject({ signed_in: true, name: 'oidc:dev-ann', person: { name: 'Ann Checker', subject: 'dev-ann' }, roles: ['checker'], csrf_token: csrf });
    const d = (await request(dev.url).post('/v1/decisions').set(as('portal')).send(needsReview()).expect(201)).body.decision;
    const comment = { text: 'Please check the hospital list.', visibility: 'private' };
    expect((await request(dev.url).post(`/v1/decisions/${d.id}/comments`).set('cookie', cookie).send(comment).expect(403)).body.code).toBe('CSRF_REJECTED');
    expect((await request(dev.url).post(`/v1/decisions/${d.id}/comments`).set('cookie', cookie).set('x-csrf-token', 'wrong').send(comment).expect(403)).body.code).toBe('CSRF_REJECTED');
    expect((await request(dev.url).post(`/v1/decisions/${d.id}/comments`).set({ cookie, 'x-csrf-token': csrf, origin: 'https://evil.example' }).send(comment).expect(403)).body.code).toBe('CSRF_REJECTED');
    expect((await request(dev.url).post(`/v1/decisions/${d.id}/comments`).set({ cookie, 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' }).send(comment).expect(403)).body.code).toBe('CSRF_REJECTED');
    const ok = (await request(dev.url).post(`/v1/decisions/${d.id}/comments`).set({ cookie, 'x-csrf-token': csrf }).send(comment).expect(201)).body;
    expect(ok.decision.review.by).toEqual({ kind: 'person', id: 'oidc:dev-ann', name: 'Ann Checker', subject: 'dev-ann', issuer: 'urn:airlock:dev' });
    // Sign-out ends the session everywhere: the same cookie, replayed, is refused.
    await request(dev.url).post('/v1/session/logout').set({ cookie }).expect(403);
    const out = await request(dev.url).post('/v1/session/logout').set({ cookie, 'x-csrf-token': csrf }).expect(200);
    expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0/);
    expect((await request(dev.url).get('/v1/session').set('cookie', cookie).expect(200)).body.signed_in).toBe(false);
    expect((await request(dev.url).get('/v1/reviews').set('cookie', cookie).expect(401)).body.code).toBe('UNAUTHENTICATED');
  });

  it('makes the cookie Secure with the __Host- prefix for any host but loopback', async () => {
    const res = await request(dev.url).post('/v1/session/dev').set('host', 'airlock.tre.example').send({ identity: 'dee' }).expect(201);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^__Host-airlock-session=[A-Za-z0-9_-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Secure; Max-Age=\d+$/);
    const me = await request(dev.url).get('/v1/session').set({ host: 'airlock.tre.example', cookie: setCookie.split(';')[0]! }).expect(200);
    expect(me.body).toMatchObject({ signed_in: true, roles: ['auditor'] });
  });

  it('refuses dev sign-in with NODE_ENV=production', async () => {
    const { ensureDevSigningKey } = await import('../../src/signing/signing-keys.js');
    const { path } = await ensureDevSigningKey(dev.dataDir);
    // Production refuses development keys: a unit key of its own, outside the store.
    const { randomBytes } = await import('node:crypto');
    const { writeFileSync } = await import('node:fs');
    const unitKey = `${path}.unit`;
    writeFileSync(unitKey, randomBytes(32).toString('base64'), { mode: 0o600 });
    const prod = await testServer({ ...tokens.env, NODE_ENV: 'production', AIRLOCK_SIGNING_KEY_FILE: path, AIRLOCK_UNIT_KEY_FILE: unitKey });
    try {
      expect((await request(prod.url).get('/v1/session').expect(200)).body.sign_in).toEqual({ oidc: false, dev: false });
      expect((await request(prod.url).get('/v1/session/dev-identities').expect(404)).body.detail).toMatch(/production/);
      expect((await request(prod.url).post('/v1/session/dev').send({ identity: 'ann' }).expect(404)).body.code).toBe('SIGN_IN_UNAVAILABLE');
    } finally {
      await prod.close();
    }
  });
});

describe('reviews by people', () => {
  it('refuses token "CHK1" reviewing the output of requester " chk1 ": identities compare normalised', async () => {
    const d = await submit(needsReview(' chk1 '));
    expect((await request(s.url).post(`/v1/decisions/${d.id}/reviews`).set(as('CHK1')).send({ verdict: 'release', justification: 'Looks fine to me, hospitals.' }).expect(403)).body.code).toBe('FORBIDDEN');
    const byMail = await submit(needsReview('Ann.Checker@TRE.example '));
    const ann = await person('ann', 'Ann Checker', ['checker'], { email: 'ann.checker@tre.example' });
    expect((await request(s.url).post(`/v1/decisions/${byMail.id}/reviews`).set(ann).send({ verdict: 'release', justification: 'Looks fine to me, hospitals.' }).expect(403)).body.code).toBe('FORBIDDEN');
  });

  it('blinds votes and comments until a checker has voted; a reject and a failed approval need reasons', async () => {
    const d = await submit(needsReview());
    const ann = as('CHK1');
    const bob = await person('bob', 'Bob Checker', ['checker']);
    const url = `/v1/decisions/${d.id}`;
    expect((await request(s.url).post(`${url}/reviews`).set(ann).send({ verdict: 'release' }).expect(422)).body.code).toBe('COMMENT_REQUIRED');
    expect((await request(s.url).post(`${url}/reviews`).set(ann).send({ verdict: 'reject', justification: '   ' }).expect(422)).body.code).toBe('COMMENT_REQUIRED');
    await request(s.url).post(`${url}/comments`).set(ann).send({ text: 'Private: the hospital list is public.', visibility: 'private' }).expect(201);
    await request(s.url).post(`${url}/reviews`).set(ann).send({ verdict: 'release', justification: 'Hospitals, whose counts are published.' }).expect(201);
    const blind = (await request(s.url).get(`${url}/reviews`).set(bob).expect(200)).body;
    expect(blind).toMatchObject({ state: 'pending', approvals: 0, votes: 1, blinded: true, reviews: [], comments: [], can_review: true });
    expect(JSON.stringify(blind)).not.toMatch(/hospital list is public|Hospitals, whose counts/);
    // An auditor who is also a checker cannot read the votes through the auditors' API either.
    const listed = (await request(s.url).get('/v1/decisions?kind=review').set(as('auditor-checker')).expect(200)).body;
    expect(listed.items.map((r: { references: string }) => r.references)).not.toContain(d.id);
    expect((await request(s.url).get('/v1/audit/export').set(as('auditor-checker')).expect(403)).body.code).toBe('FORBIDDEN');
    const pure = (await request(s.url).get('/v1/decisions?kind=review').set(as('auditor')).expect(200)).body;
    expect(pure.items.map((r: { references: string }) => r.references)).toContain(d.id);

    const settled = (await request(s.url).post(`${url}/reviews`).set(bob).send({ verdict: 'release', justification: 'Agreed: published hospital counts.' }).expect(201)).body;
    expect(settled.state).toBe('released');
    const seen = (await request(s.url).get(`${url}/reviews`).set(bob).expect(200)).body;
    expect(seen).toMatchObject({ state: 'released', approvals: 2, blinded: false, my_vote: 'release' });
    expect(seen.reviews.map((r: { decision: { review: { by: { name: string } } } }) => r.decision.review.by.name)).toEqual(['CHK1', 'Bob Checker']);
    expect(seen.comments).toHaveLength(1);
    // The researcher never sees a private comment or a vote.
    const researcher = (await request(s.url).get(`${url}/reviews`).set(as('portal')).expect(200)).body;
    expect(researcher).toMatchObject({ state: 'released', reviews: [], comments: [] });
  });

  it('counts one person once, whichever credential they use', async () => {
    const d = await submit(needsReview());
    const a1 = await person('same', 'Sam Checker', ['checker']);
    const a2 = await person('same', 'Sam Checker', ['checker']);
    await request(s.url).post(`/v1/decisions/${d.id}/reviews`).set(a1).send({ verdict: 'release', justification: 'Published hospital counts.' }).expect(201);
    expect((await request(s.url).post(`/v1/decisions/${d.id}/reviews`).set(a2).send({ verdict: 'release', justification: 'Published hospital counts.' }).expect(409)).body.code).toBe('CONFLICT');
  });

  it('returns a request to the researcher with public comments, and drops the outputs kept for preview', async () => {
    const file = { name: 'notes', kind: 'file', filename: 'notes.txt', content_base64: Buffer.from('hello').toString('base64') };
    const d = await submit(needsReview('alice', [file]));
    const ann = as('CHK1');
    const kept = (await request(s.url).get(`/v1/decisions/${d.id}/outputs/notes`).set(ann).expect(200)).body;
    expect(kept).toMatchObject({ name: 'notes', kind: 'file', content: file });
    expect((await request(s.url).get(`/v1/decisions/${d.id}/outputs/notes`).set(as('portal')).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await request(s.url).post(`/v1/decisions/${d.id}/return`).set(ann).send({}).expect(422)).body.code).toBe('COMMENT_REQUIRED');
    await request(s.url).post(`/v1/decisions/${d.id}/comments`).set(ann).send({ text: 'Internal: ask about the sites.', visibility: 'private' }).expect(201);
    const before = (await request(s.url).get(`/v1/decisions/${d.id}/reviews`).set(as('portal')).expect(200)).body;
    expect(before).toMatchObject({ state: 'pending', comments: [], blinded: true });
    const r = (await request(s.url).post(`/v1/decisions/${d.id}/return`).set(ann).send({ comment: 'Please merge the small category before resubmitting.' }).expect(201)).body;
    expect(r.final.decision).toMatchObject({ outcome: 'reject', review: { state: 'returned', comments: [r.comment.decision.id], by: { name: 'CHK1' } } });
    const after = (await request(s.url).get(`/v1/decisions/${d.id}/reviews`).set(as('portal')).expect(200)).body;
    expect(after.state).toBe('returned');
    expect(after.comments.map((c: { decision: { review: { comment: { text: string } } } }) => c.decision.review.comment.text)).toEqual(['Please merge the small category before resubmitting.']);
    expect((await request(s.url).get(`/v1/decisions/${d.id}/outputs/notes`).set(ann).expect(404)).body.code).toBe('NOT_FOUND');
    expect((await request(s.url).post(`/v1/decisions/${d.id}/comments`).set(ann).send({ text: 'One more thing to say.', visibility: 'public' }).expect(409)).body.code).toBe('CONFLICT');
    expect((await request(s.url).get('/v1/audit/verify').set(as('auditor')).expect(200)).body.ok).toBe(true);
  });

  it('lists the queue oldest first and filters it by project', async () => {
    const a = await submit(needsReview());
    const b = await submit({ ...needsReview(), project: 'p2' });
    const all = (await request(s.url).get('/v1/reviews?limit=1000').set(as('CHK1')).expect(200)).body.items.map((i: { original: { decision: { id: string } } }) => i.original.decision.id);
    expect(all.indexOf(a.id)).toBeLessThan(all.indexOf(b.id));
    const p2 = (await request(s.url).get('/v1/reviews?project=p2').set(as('CHK1')).expect(200)).body.items;
    expect(p2.map((i: { original: { decision: { project: string } } }) => i.original.decision.project)).toEqual(p2.map(() => 'p2'));
    expect(p2.map((i: { original: { decision: { id: string } } }) => i.original.decision.id)).toContain(b.id);
  });
});

describe('auditors and governance', () => {
  it('searches decisions by a flagged check and by text', async () => {
    const d = await submit(needsReview('zelda-the-searched'));
    const byText = (await request(s.url).get('/v1/decisions?text=zelda-the-searched').set(as('auditor')).expect(200)).body.items;
    expect(byText.map((r: { decision: { id: string } }) => r.decision.id)).toEqual([d.id]);
    const byCheck = (await request(s.url).get('/v1/decisions?check=min_count&text=zelda').set(as('auditor')).expect(200)).body.items;
    expect(byCheck).toHaveLength(1);
    expect((await request(s.url).get('/v1/decisions?check=nk_dominance&text=zelda').set(as('auditor')).expect(200)).body.items).toEqual([]);
    // LIKE wildcards in the text are literal.
    expect((await request(s.url).get('/v1/decisions?text=%25').set(as('auditor')).expect(200)).body.items).toEqual([]);
  });

  it('lists the rule-set history and diffs a candidate with its replay impact', async () => {
    const live = s.ruleset();
    // Released under threshold 10; a threshold of 40 would reject it.
    expect((await submit({ project: 'p1', requester: 'alice', dataset: 'governance-replay', outputs: [{ name: 't', kind: 'table', cells: [{ labels: { sex: 'F' }, count: 20 }, { labels: { sex: 'M' }, count: 30 }] }] })).outcome).toBe('release');
    const history = (await request(s.url).get('/v1/rulesets').set(as('admin')).expect(200)).body.items;
    expect(history[0]).toMatchObject({ digest: live.digest, live: true, name: 'default' });
    expect(history[0].decisions).toBeGreaterThan(0);
    const candidate = structuredClone(live.content) as { default: { version: string; parameters: Record<string, unknown> } };
    candidate.default.parameters.threshold = 40;
    const diff = (await request(s.url).post('/v1/rulesets/diff').set(as('admin')).send({ before: live.digest, candidate, replay: { project: 'p1' } }).expect(200)).body;
    expect(diff.changes).toContainEqual(expect.objectContaining({ scope: 'default', path: 'parameters.threshold', before: 10, after: 40, effect: 'strengthens' }));
    expect(diff.floor_violations).toEqual([]);
    expect(diff.replay.scanned).toBeGreaterThan(0);
    expect(diff.replay.changed.length).toBeGreaterThan(0);
    candidate.default.parameters.threshold = 0;
    expect((await request(s.url).post('/v1/rulesets/diff').set(as('admin')).send({ before: live.digest, candidate }).expect(422)).body.code).toBe('RULESET_INVALID');
    expect((await request(s.url).post('/v1/rulesets/diff').set(as('admin')).send({ before: live.digest }).expect(400)).body.code).toBe('INVALID_REQUEST');
  });
});
