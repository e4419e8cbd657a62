/**
 * Scale-out: two `airlock serve` processes on different ports share one PostgreSQL schema and
 * one signing key. Requests interleaved across them (one at a time and concurrently) build one
 * gapless hash chain, and each instance sees, serves and verifies every decision.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueSchema } from '../helpers/pg-schema.js';
import { startReplicas, type Replicas, type SpawnedServer } from '../helpers/spawn-server.js';
import { csvOf, tableRequest } from '../helpers/test-server.js';

interface Created {
  decision: { id: string };
  audit: { seq: number; hash: string; prev: string };
}

let a: SpawnedServer;
let b: SpawnedServer;
let auth: Record<string, string>;
let replicas: Replicas;
const created: { via: 'a' | 'b'; body: Created }[] = [];

beforeAll(async () => {
  replicas = await startReplicas(2, uniqueSchema('replicas'));
  [a, b] = replicas.servers;
  auth = replicas.auth;
  const post = async (via: 'a' | 'b', i: number) => {
    const res = await request((via === 'a' ? a : b).url)
      .post('/v1/decisions')
      .set(auth)
      .send(tableRequest(csvOf({ 'a|x': 10 + i, 'b|x': 12 }), { index: ['r'], columns: ['c'] }, { dataset: `cohort-${i}` }));
    expect(res.status).toBe(201);
    created.push({ via, body: res.body as Created });
  };
  for (let i = 0; i < 10; i++) await post(i % 2 ? 'b' : 'a', i);
  await Promise.all(Array.from({ length: 10 }, (_, i) => post(i % 2 ? 'a' : 'b', 10 + i)));
}, 120_000);

afterAll(async () => {
  await replicas?.stop();
});

describe('two instances, one PostgreSQL schema', () => {
  it('both served requests', () => {
    expect(created.filter((c) => c.via === 'a')).toHaveLength(10);
    expect(created.filter((c) => c.via === 'b')).toHaveLength(10);
  });

  it('wrote one gapless chain: seqs 1…22 (each replica\'s start-up rule-set load, then 20 decisions), each record linked to the one before', () => {
    const bySeq = created.map((c) => c.body.audit).sort((x, y) => x.seq - y.seq);
    expect(bySeq.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 3));
    for (let i = 1; i < bySeq.length; i++) expect(bySeq[i]!.prev).toBe(bySeq[i - 1]!.hash);
  });

  it.each(['a', 'b'] as const)('instance %s serves every decision, whichever instance made it', async (which) => {
    const url = (which === 'a' ? a : b).url;
    for (const c of created) {
      const res = await request(url).get(`/v1/decisions/${c.body.decision.id}`).set(auth).expect(200);
      expect(res.body.audit).toEqual(c.body.audit);
    }
    const list = await request(url).get('/v1/decisions?limit=1000&kind=decision').set(auth).expect(200);
    expect(new Set(list.body.items.map((r: Created) => r.decision.id))).toEqual(new Set(created.map((c) => c.body.decision.id)));
  });

  it('verifies the same whole chain from either instance', async () => {
    const [va, vb] = await Promise.all([request(a.url).get('/v1/audit/verify').set(auth).expect(200), request(b.url).get('/v1/audit/verify').set(auth).expect(200)]);
    // Both replicas extended one transparency log: every record logged (two rule-set loads, 20 decisions), the newest checkpoint covering all.
    expect(va.body).toMatchObject({ ok: true, checked: 22, log: { size: 22, checkpoint_size: 22 } });
    expect(vb.body).toEqual(va.body);
  });

  it('both stop cleanly', async () => {
    const [ea, eb] = await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
    expect([ea.code, eb.code]).toEqual([0, 0]);
  });
});
