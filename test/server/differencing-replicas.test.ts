/**
 * Two `airlock serve` processes sharing one PostgreSQL must not both release tables of one
 * population that difference each other: a lock held in PostgreSQL (per unit namespace, which
 * holds the population) spans the history lookup and the record, so whichever records second
 * sees the first — also when the two name different datasets of the population. (Within one
 * process the in-process serialiser already does this; separate processes are what the lock
 * is for.)
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueSchema } from '../helpers/pg-schema.js';
import { startReplicas, type Replicas, type SpawnedServer } from '../helpers/spawn-server.js';
import { tableRequest } from '../helpers/test-server.js';
import { tempDir } from '../helpers/temp-dirs.js';

let a: SpawnedServer;
let b: SpawnedServer;
let auth: Record<string, string>;
let replicas: Replicas;

const ROUNDS = 8;
// The project's rules with one population per round, each of two dataset names.
const rulesDir = tempDir('airlock-replica-rules-');
cpSync('rules', rulesDir, { recursive: true });
const populations = Array.from({ length: ROUNDS }, (_, i) => `  pop-${i + 1}: [cohort-${i + 1}-a, "cohort-${i + 1}-b*"]`).join('\n');
writeFileSync(join(rulesDir, 'default.yaml'), readFileSync(join(rulesDir, 'default.yaml'), 'utf8').replace(/^populations: \{\}$/m, `populations:\n${populations}`));

beforeAll(async () => {
  replicas = await startReplicas(2, uniqueSchema('diff_replicas'), { env: { AIRLOCK_RULES_DIR: rulesDir } });
  [a, b] = replicas.servers;
  auth = replicas.auth;
}, 120_000);

afterAll(async () => {
  await replicas?.stop();
  rmSync(rulesDir, { recursive: true, force: true });
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

  it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))('round %i: two dataset names of one population on two replicas: exactly one is released', async (round) => {
    const send = (s: SpawnedServer, n: number, dataset: string) => request(s.url).post('/v1/decisions').set(auth).send(tableRequest(rows(n), { index: ['g'] }, { dataset }));
    const [ra, rb] = await Promise.all([send(a, 40, `cohort-${round}-a`), send(b, 43, `Cohort-${round}-B-2026`)]);
    expect([ra.status, rb.status]).toEqual([201, 201]);
    expect([ra.body.decision.outcome, rb.body.decision.outcome].sort()).toEqual(['reject', 'release']);
  });
});
