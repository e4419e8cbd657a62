/**
 * `Idempotency-Key` on POST /v1/decisions and POST /v1/decisions/csv, against a real server
 * and its real SQLite audit file: a retry replays the recorded decision byte for byte (201 →
 * 200), another request under the same key is refused (422), concurrent retries make one
 * decision, and a replay is still authorised. The PostgreSQL replicas race is in
 * `idempotency-replicas.test.ts`; expiry is in the store contract.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;

beforeAll(async () => {
  s = await testServer({ AIRLOCK_RATE_LIMIT: '0' });
});

afterAll(async () => {
  await s?.close();
});

const body = (n = 11) => tableRequest(csvOf({ 'a|x': 12, 'b|x': n }), { index: ['r'], columns: ['c'] });

async function decisionsOf(project = 'test-project'): Promise<string[]> {
  const { items } = await s.store.list({ project }, { limit: 1000 });
  return items.filter((r) => r.kind === 'decision').map((r) => r.decision.id);
}

describe('POST /v1/decisions with Idempotency-Key', () => {
  it('answers a retry with the original decision, byte for byte, and records it once', async () => {
    const key = randomUUID();
    const req = body();
    const before = (await decisionsOf()).length;
    const first = await request(s.url).post('/v1/decisions').set(s.auth()).set('Idempotency-Key', key).send(req);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await request(s.url).post('/v1/decisions').set(s.auth()).set('Idempotency-Key', key).send(req);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    expect(again.body.decision.id).toBe(first.body.decision.id);
    expect(again.body.audit.seq).toBe(first.body.audit.seq);
    expect((await decisionsOf()).length).toBe(before + 1);
  });

  it('treats the same JSON with its members in another order as the same request', async () => {
    const key = randomUUID();
    const req = body();
    const first = await request(s.url).post('/v1/decisions').set(s.auth()).set('Idempotency-Key', key).send(req);
    expect(first.status).toBe(201);
    const reordered = Object.fromEntries(Object.entries(req).reverse());
    const again = await request(s.url).post('/v1/decisions').set(s.auth()).set('Idempotency-Key', key).send(reordered);
    expect(again.status).toBe(200);
    expect(again.body.decision.id).toBe(first.body.decision.id);
  });

  it('refuses the same key with another body (422 IDEMPOTENCY_KEY_REUSED) and records nothing', async () => {
    const key = randomUUID();
    const first = await request(s.url).post('/v1/decisions').set(s.auth()).set('Idempotency-Key', key).send(body(11));
    expect(first.status).toBe(201);
    const count = (await decisionsOf()).length;
    // The adversary's retry: same key, a table that differs in one cell.
    const other = await request(s.url).post('/v1/decisions').set(s.auth()).set('Idempotency-Key', key).send({ ...body(12), dataset: first.body.decision.dataset });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(other.body.detail).toContain(first.body.decision.id);
    expect((await decisionsOf()).length).toBe(count);
  });

  it('makes one decision of concurrent requests with one key', async () => {
    const key = randomUUID();
    const req = body();
    const before = (await decisionsOf()).length;
    const answers = await Promise.all(Array.from({ length: 6 }, () => request(s.url).post('/v1/decisions').set(s.auth()).set('Idempotency-Key', key).send(req)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.decision.id)).size).toBe(1);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect((await decisionsOf()).length).toBe(before + 1);
  });

  it('without a key, every request is its own decision', async () => {
    const req = body();
    const a = await request(s.url).post('/v1/decisions').set(s.auth()).send(req).expect(201);
    const b = await request(s.url).post('/v1/decisions').set(s.auth()).send(req).expect(201);
    expect(a.body.decision.id).not.toBe(b.body.decision.id);
  });

  it.each([['x'.repeat(256)], ['with space'], ['']])('refuses a malformed key %j with 400 before deciding', async (key) => {
    const before = (await decisionsOf()).length;
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).set('Idempotency-Key', key).send(body());
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_REQUEST');
    expect((await decisionsOf()).length).toBe(before);
  });

  it('does not replay a decision to a caller the key does not belong to', async () => {
    // Keys are per caller: another token using the same key gets its own decision, never the first one's.
    const key = randomUUID();
    const req = body();
    const mine = await request(s.url).post('/v1/decisions').set(s.auth('submitter')).set('Idempotency-Key', key).send(req).expect(201);
    const theirs = await request(s.url).post('/v1/decisions').set(s.auth('all')).set('Idempotency-Key', key).send(req);
    expect(theirs.status).toBe(201);
    expect(theirs.body.decision.id).not.toBe(mine.body.decision.id);
  });
});

describe('POST /v1/decisions/csv with Idempotency-Key', () => {
  const csvPath = (dataset: string) => `/v1/decisions/csv?project=test-project&requester=alice&name=t&index=r&columns=c&dataset=${dataset}`;

  it('replays a retried upload and refuses another body under the same key', async () => {
    const key = randomUUID();
    const path = csvPath(`csv-${randomUUID()}`);
    const csv = csvOf({ 'a|x': 12, 'b|x': 11 });
    const first = await request(s.url).post(path).set(s.auth()).set('Idempotency-Key', key).set('content-type', 'text/csv').send(csv);
    expect(first.status).toBe(201);
    const again = await request(s.url).post(path).set(s.auth()).set('Idempotency-Key', key).set('content-type', 'text/csv').send(csv);
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    const changed = await request(s.url).post(path).set(s.auth()).set('Idempotency-Key', key).set('content-type', 'text/csv').send(csv.replace('a,x,100', 'a,x,101'));
    expect(changed.status).toBe(422);
    expect(changed.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Same bytes, other parameters: another request too.
    const other = await request(s.url).post(`${path}&margins=true`).set(s.auth()).set('Idempotency-Key', key).set('content-type', 'text/csv').send(csv);
    expect(other.status).toBe(422);
  });

  it('does not let a JSON request replay a CSV decision under the same key', async () => {
    const key = randomUUID();
    const csv = csvOf({ 'a|x': 12, 'b|x': 11 });
    await request(s.url).post(csvPath(`csv-${randomUUID()}`)).set(s.auth()).set('Idempotency-Key', key).set('content-type', 'text/csv').send(csv).expect(201);
    const json = await request(s.url).post('/v1/decisions').set(s.auth()).set('Idempotency-Key', key).send(body());
    expect(json.status).toBe(422);
  });
});
