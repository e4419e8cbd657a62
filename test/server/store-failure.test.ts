/**
 * When the audit store cannot commit, no decision leaves the service: `POST /v1/decisions`
 * answers 503 STORE_UNAVAILABLE without a decision, nothing of the failed append remains, the
 * chain goes on without a gap once the store recovers, and readiness says when the store is
 * down. Every failure here is a real one in SQLite, not a mock.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../../src/audit/sqlite-store.js';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';

/** A safe table with a dataset of its own: released, so the append writes a record and its released cells. */
const releasing = (requester: string) => tableRequest(csvOf({ 'a|x': 12, 'a|y': 15, 'b|x': 11, 'b|y': 20 }), { index: 'r', columns: 'c' }, { dataset: `cohort-${requester}`, requester });

function expectNoDecision(res: request.Response): void {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE' });
  for (const k of ['decision', 'signature', 'audit']) expect(res.body).not.toHaveProperty(k);
}

function counts(db: Database.Database): { records: number; released: number; requesters: string[] } {
  return {
    records: (db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n,
    released: (db.prepare('SELECT count(*) AS n FROM released_tables').get() as { n: number }).n,
    requesters: (db.prepare('SELECT requester FROM records ORDER BY seq').all() as { requester: string }[]).map((r) => r.requester),
  };
}

describe('an append failing inside the SQLite transaction', () => {
  let s: TestServer;
  let db: Database.Database;
  beforeAll(async () => {
    s = await testServer();
    await request(s.url).post('/v1/decisions').set(s.auth()).send(releasing('before')).expect(201);
    db = new Database(join(s.dataDir, SQLITE_FILE));
  });
  afterAll(async () => {
    db.close();
    await s.close();
  });

  it('after the record row was written: 503, and the row is rolled back with the rest', async () => {
    // The records row goes in first, then the released cells: failing the second proves the first is undone.
    db.exec("CREATE TRIGGER test_fail_released BEFORE INSERT ON released_tables BEGIN SELECT RAISE(ABORT, 'test: released cells cannot be written'); END");
    const before = counts(db);
    expectNoDecision(await request(s.url).post('/v1/decisions').set(s.auth()).send(releasing('failed')));
    expect(counts(db)).toEqual(before);
    db.exec('DROP TRIGGER test_fail_released');
  });

  it('then carries on with the next seq, and the chain verifies', async () => {
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).send(releasing('after')).expect(201);
    expect(res.body.audit.seq).toBe(2);
    expect(counts(db)).toEqual({ records: 2, released: 2, requesters: ['before', 'after'] });
    expect((await request(s.url).get('/v1/audit/verify').set(s.auth('auditor')).expect(200)).body).toMatchObject({ ok: true, checked: 2 });
  });

  it('while another connection holds the write lock: 503 once the busy timeout passes, nothing written', async () => {
    db.exec('BEGIN IMMEDIATE');
    try {
      expectNoDecision(await request(s.url).post('/v1/decisions').set(s.auth()).send(releasing('locked-out')));
    } finally {
      db.exec('ROLLBACK');
    }
    expect(counts(db)).toEqual({ records: 2, released: 2, requesters: ['before', 'after'] });
    expect((await request(s.url).post('/v1/decisions').set(s.auth()).send(releasing('unlocked')).expect(201)).body.audit.seq).toBe(3);
  });
});

describe('the store closed underneath the running service', () => {
  let s: TestServer;
  let auditor: Record<string, string>;
  beforeAll(async () => {
    s = await testServer();
    auditor = s.auth('auditor');
    await request(s.url).post('/v1/decisions').set(s.auth()).send(releasing('before')).expect(201);
    await request(s.url).get('/readyz').expect(200);
    await s.store.close();
  });
  afterAll(async () => {
    await s.close();
  });

  it('POST /v1/decisions and POST /v1/decisions/csv answer 503 STORE_UNAVAILABLE with no decision', async () => {
    expectNoDecision(await request(s.url).post('/v1/decisions').set(s.auth()).send(releasing('lost')));
    expectNoDecision(
      await request(s.url)
        .post('/v1/decisions/csv')
        .query({ project: 'p', requester: 'r', name: 't', index: 'r', columns: 'c' })
        .set(s.auth())
        .set('content-type', 'text/csv')
        .send(csvOf({ 'a|x': 12, 'b|x': 11 })),
    );
  });

  it('readiness reports the store down', async () => {
    const res = await request(s.url).get('/readyz').expect(503);
    expect(res.body).toMatchObject({ status: 'not_ready', checks: { store: false } });
    await request(s.url).get('/healthz').expect(200);
  });

  it.each(['/v1/decisions', '/v1/audit/verify', '/v1/audit/export'])('GET %s answers 503 STORE_UNAVAILABLE', async (path) => {
    const res = await request(s.url).get(path).set(auditor);
    expect([res.status, res.body.code]).toEqual([503, 'STORE_UNAVAILABLE']);
  });

  it('nothing of the failed decisions is in the file', () => {
    const db = new Database(join(s.dataDir, SQLITE_FILE), { readonly: true });
    try {
      expect(counts(db)).toEqual({ records: 1, released: 1, requesters: ['before'] });
    } finally {
      db.close();
    }
  });
});
