/**
 * Console sessions with N stateless replicas: two airlock instances sharing one PostgreSQL
 * schema. A person signed in on one is signed in on the other (the session lives in the
 * database, not a process), a comment made through one is recorded in the shared chain, and a
 * sign-out on either ends the session on both.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevSigningKey } from '../../src/signing/signing-keys.js';
import { PG_URL, dropSchema, uniqueSchema } from '../helpers/pg-schema.js';
import { tempDirs } from '../helpers/temp-dirs.js';
import { testServer, type TestServer } from '../helpers/test-server.js';
import { tokensFile } from '../helpers/tokens-file.js';

const schema = uniqueSchema('console_replicas');
const tokens = tokensFile({ portal: { roles: ['submitter'] } });
const tmp = tempDirs('airlock-console-replicas-');
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  const { path } = await ensureDevSigningKey(tmp());
  const env = { ...tokens.env, DATABASE_URL: PG_URL, AIRLOCK_DATABASE_SCHEMA: schema, AIRLOCK_SIGNING_KEY_FILE: path, AIRLOCK_RATE_LIMIT: '0' };
  [a, b] = await Promise.all([testServer(env), testServer(env)]);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await dropSchema(schema);
});

describe('console sessions across replicas', () => {
  it('signs in on one replica, acts on the other, signs out everywhere', async () => {
    const signIn = await request(a.url).post('/v1/session/dev').send({ identity: 'bob' }).expect(201);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const csrf = signIn.body.csrf_token as string;
    expect((await request(b.url).get('/v1/session').set('cookie', cookie).expect(200)).body).toMatchObject({ signed_in: true, person: { name: 'Bob Checker' } });
    const d = (
      await request(a.url)
        .post('/v1/decisions')
        .set(tokens.auth('portal'))
        .send({ project: 'p1', requester: 'alice', outputs: [{ name: 't', kind: 'table', statistic: 'sum', cells: [{ labels: { site: 'A' }, count: 30, sum: 1000 }] }] })
        .expect(201)
    ).body.decision;
    expect(d.outcome).toBe('review');
    await request(b.url).post(`/v1/decisions/${d.id}/comments`).set({ cookie, 'x-csrf-token': csrf }).send({ text: 'No dominance evidence was sent.', visibility: 'public' }).expect(201);
    const status = (await request(a.url).get(`/v1/decisions/${d.id}/reviews`).set('cookie', cookie).expect(200)).body;
    expect(status.comments.map((c: { decision: { review: { by: { name: string } } } }) => c.decision.review.by.name)).toEqual(['Bob Checker']);
    await request(b.url).post('/v1/session/logout').set({ cookie, 'x-csrf-token': csrf }).expect(200);
    expect((await request(a.url).get('/v1/reviews').set('cookie', cookie).expect(401)).body.code).toBe('UNAUTHENTICATED');
  });
});
