/**
 * Two `airlock serve` processes sharing one PostgreSQL must not both release tables of one
 * dataset that difference each other: a dataset lock held in PostgreSQL spans the history
 * lookup and the record, so whichever records second sees the first. (Within one process the
 * in-process serialiser already does this; separate processes are what the lock is for.)
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueSchema } from '../helpers/pg-schema.js';
import { startReplicas, type Replicas, type SpawnedServer } from '../helpers/spawn-server.js';
import { tableRequest } from '../helpers/test-server.js';

let a: SpawnedServer;
let b: SpawnedServer;
let auth: Record<string, string>;
let replicas: Replicas;

beforeAll(async () => {
  replicas = await startReplicas(2, uniqueSchema('diff_replicas'));
  [a, b] = replicas.servers;
  auth = replicas.auth;
}, 120_000);

afterAll(async () => {
  await replicas?.stop();
});

/** A one-way frequency table with `n` records in each of two groups. */
const rows = (n: number) => `g\n${'x\n'.repeat(n)}${'y\n'.repeat(n)}`;

describe('differencing across replicas on one PostgreSQL', () => {
  it.each(Array.from({ length: 8 }, (_, i) => i + 1))('round %i: of two concurrent near-identical releases, exactly one is released', async (round) => {
    const dataset = `cohort-${round}`;
    const send = (s: SpawnedServer, n: number) => request(s.url).post('/v1/decisions').set(auth).send(tableRequest(rows(n), { index: ['g'] }, { dataset }));
    const [ra, rb] = await Promise.all([send(a, 40), send(b, 43)]);
    expect([ra.status, rb.status]).toEqual([201, 201]);
    expect([ra.body.decision.outcome, rb.body.decision.outcome].sort()).toEqual(['reject', 'release']);
    const [rejected, released] = ra.body.decision.outcome === 'reject' ? [ra.body.decision, rb.body.decision] : [rb.body.decision, ra.body.decision];
    const f = rejected.outputs[0].findings.find((x: { check: string; status: string }) => x.check === 'differencing' && x.status === 'fail');
    expect(f.related).toEqual([{ output: 'table1', decision_id: released.id }]);
  });
});
