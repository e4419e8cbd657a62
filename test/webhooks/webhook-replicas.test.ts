/**
 * Two `airlock serve` replicas on one PostgreSQL schema share one webhook outbox: every event
 * of decisions made on either is delivered, each by exactly one replica (a delivery is leased
 * with FOR UPDATE SKIP LOCKED before it is sent, so no attempt is ever made twice at once).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PG_URL, uniqueSchema } from '../helpers/pg-schema.js';
import { startReplicas, type Replicas } from '../helpers/spawn-server.js';
import { csvOf, tableRequest } from '../helpers/test-server.js';
import { webhookReceiver, type Receiver } from '../helpers/webhook-receiver.js';

const schema = uniqueSchema('hooks');
const dir = mkdtempSync(join(tmpdir(), 'airlock-hook-replicas-'));
let replicas: Replicas;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await webhookReceiver();
  const hooks = join(dir, 'webhooks.json');
  writeFileSync(hooks, JSON.stringify([{ project: 'replicated', url: receiver.url, events: ['decision.created'] }]));
  replicas = await startReplicas(2, schema, { env: { AIRLOCK_WEBHOOKS_FILE: hooks, AIRLOCK_WEBHOOK_POLL_MS: '50' } });
}, 120_000);

afterAll(async () => {
  await replicas?.stop();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('two replicas, one outbox', () => {
  it('deliver every event once, whichever replica made the decision', async () => {
    const [a, b] = replicas.servers;
    const ids = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const res = await request((i % 2 ? a : b)!.url).post('/v1/decisions').set(replicas.auth)
          .send(tableRequest(csvOf({ 'a|x': 12 + i, 'b|x': 11 }), { index: ['r'], columns: ['c'] }, { project: 'replicated' })).expect(201);
        return res.body.decision.id as string;
      }),
    );
    await Promise.all(ids.map((id) => receiver.next((d) => d.payload.decision_id === id)));
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      // Each delivery is recorded as done, after one attempt: no replica sent another's.
      await vi.waitFor(async () => {
        const { rows } = await client.query(`SELECT attempts, delivered_at FROM "${schema}".webhook_deliveries`);
        expect(rows).toHaveLength(8);
        for (const r of rows) expect([Number(r.attempts), r.delivered_at !== null]).toEqual([1, true]);
      }, { timeout: 20_000, interval: 100 });
    } finally {
      await client.end();
    }
    expect(receiver.deliveries).toHaveLength(8);
    expect(new Set(receiver.deliveries.map((d) => d.payload.decision_id))).toEqual(new Set(ids));
  }, 60_000);
});
