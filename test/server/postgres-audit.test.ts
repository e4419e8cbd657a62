/**
 * The service on PostgreSQL (DATABASE_URL, a schema of its own): POST → GET by id → verify
 * round trip, a record altered with the triggers disabled reported at its exact seq, and an
 * append failing inside the transaction leaving nothing behind. Two instances sharing one
 * schema are covered by `multi-instance.test.ts`.
 */
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDecisionResponse } from '../../src/signing/verify-decision.js';
import { PG_URL, dropSchema, uniqueSchema } from '../helpers/pg-schema.js';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';

const schema = uniqueSchema('http');
let s: TestServer;
let db: pg.Client;

const releasing = (requester: string) => tableRequest(csvOf({ 'a|x': 12, 'a|y': 15, 'b|x': 11, 'b|y': 20 }), { index: 'r', columns: 'c' }, { dataset: `cohort-${requester}`, requester });
const post = (requester: string) => request(s.url).post('/v1/decisions').set(s.auth()).send(releasing(requester));
const verifyNow = async () => (await request(s.url).get('/v1/audit/verify').set(s.auth('auditor')).expect(200)).body;
const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM "${schema}".${table}`)).rows[0].n);

beforeAll(async () => {
  s = await testServer({ DATABASE_URL: PG_URL, AIRLOCK_DATABASE_SCHEMA: schema });
  db = new pg.Client({ connectionString: PG_URL });
  await db.connect();
});
afterAll(async () => {
  await db.end();
  await s.close();
  await dropSchema(schema);
});

describe('airlock on PostgreSQL', () => {
  it('records in its own schema: POST → GET by id → verify', async () => {
    expect(s.store.backend).toBe('postgres');
    const created = (await post('alice').expect(201)).body;
    expect(created.audit).toMatchObject({ seq: 1, prev: '0'.repeat(64) });
    const read = (await request(s.url).get(`/v1/decisions/${created.decision.id}`).set(s.auth('auditor')).expect(200)).body;
    expect({ decision: read.decision, signature: read.signature, audit: read.audit }).toEqual(created);
    const jwks = (await request(s.url).get('/.well-known/jwks.json').expect(200)).body;
    expect(await verifyDecisionResponse(read, jwks)).toEqual({ ok: true, kid: s.keys.signing.kid });
    expect(await verifyNow()).toEqual({ ok: true, checked: 1, head: { seq: 1, hash: created.audit.hash }, log: { size: 1, checkpoint_size: 1 } });
    expect((await db.query(`SELECT decision_id FROM "${schema}".records`)).rows).toEqual([{ decision_id: created.decision.id }]);
  });

  it('refuses UPDATE and DELETE in the database itself', async () => {
    await expect(db.query(`UPDATE "${schema}".records SET submitted_by = 'mallory'`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(db.query(`DELETE FROM "${schema}".released_tables`)).rejects.toThrow(/append-only: DELETE refused/);
  });

  it('answers 503 STORE_UNAVAILABLE when the append fails after the record row went in, and keeps nothing of it', async () => {
    await db.query(`CREATE FUNCTION "${schema}".test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test: released cells cannot be written'; END $$`);
    await db.query(`CREATE TRIGGER test_fail BEFORE INSERT ON "${schema}".released_tables FOR EACH ROW EXECUTE FUNCTION "${schema}".test_fail()`);
    const before = [await count('records'), await count('released_tables')];
    try {
      const res = await post('lost');
      expect([res.status, res.body.code]).toEqual([503, 'STORE_UNAVAILABLE']);
      expect(res.body).not.toHaveProperty('decision');
    } finally {
      await db.query(`DROP TRIGGER test_fail ON "${schema}".released_tables`);
    }
    expect([await count('records'), await count('released_tables')]).toEqual(before);
    expect((await post('after').expect(201)).body.audit.seq).toBe(2);
    expect(await verifyNow()).toMatchObject({ ok: true, checked: 2 });
  });

  it('reports a record altered with the triggers disabled at exactly its seq', async () => {
    for (const r of ['c', 'd', 'e']) await post(r).expect(201);
    expect(await verifyNow()).toMatchObject({ ok: true, checked: 5 });
    await db.query(`ALTER TABLE "${schema}".records DISABLE TRIGGER ALL`);
    try {
      const { rowCount } = await db.query(`UPDATE "${schema}".records SET recorded_at = '2020-01-01T00:00:00.000Z' WHERE seq = 4`);
      expect(rowCount).toBe(1);
    } finally {
      await db.query(`ALTER TABLE "${schema}".records ENABLE TRIGGER ALL`);
    }
    expect(await verifyNow()).toMatchObject({ ok: false, checked: 3, first_bad_seq: 4, reason: 'hash does not match the record content' });
  });
});
