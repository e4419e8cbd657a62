/**
 * `Idempotency-Key` across replicas: two `airlock serve` processes on one PostgreSQL schema,
 * each sent the same request with the same key at the same time, make ONE decision; every
 * answer is that decision (one 201, the rest 200 with the same bytes), and the chain holds it once.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueSchema } from '../helpers/pg-schema.js';
import { startReplicas, type Replicas } from '../helpers/spawn-server.js';
import { csvOf, tableRequest } from '../helpers/test-server.js';

let replicas: Replicas;

beforeAll(async () => {
  replicas = await startReplicas(2, uniqueSchema('idem'));
}, 120_000);

afterAll(async () => {
  await replicas?.stop();
});

describe('two replicas racing one Idempotency-Key', () => {
  it('record one decision and answer every request with it', async () => {
    const [a, b] = replicas.servers;
    for (let round = 0; round < 3; round++) {
      const key = randomUUID();
      const body = tableRequest(csvOf({ 'a|x': 12, 'b|x': 11 + round }), { index: ['r'], columns: ['c'] });
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => request((i % 2 ? a : b)!.url).post('/v1/decisions').set(replicas.auth).set('Idempotency-Key', key).send(body)),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(answers.map((r) => r.text)).size).toBe(1);
      const list = await request(a!.url).get(`/v1/decisions?dataset=${body.dataset}&limit=100`).set(replicas.auth).expect(200);
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0].decision.id).toBe(answers[0]!.body.decision.id);
    }
    const verify = await request(b!.url).get('/v1/audit/verify').set(replicas.auth).expect(200);
    // Three decisions after the two replicas' start-up rule-set loads.
    expect(verify.body).toMatchObject({ ok: true, checked: 5 });
  }, 60_000);
});
