/**
 * Deliveries that did not arrive, through the API against a real server and real receivers:
 * `GET /v1/webhooks/deliveries` lists the failed ones (auditors and admins, only their projects)
 * and the pending ones (a delivery a receiver is holding open), `POST …/{id}/retry` (admins)
 * sends a failed one again with the same event and delivery id, and refuses one already
 * delivered or being sent right now (so a retry never sends an event twice at once).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';
import { tokensFile } from '../helpers/tokens-file.js';
import { verifyDelivery, webhookReceiver, type Receiver } from '../helpers/webhook-receiver.js';

const t = tokensFile({
  platform: { roles: ['submitter'] },
  auditor: { roles: ['auditor'] },
  admin: { roles: ['admin'] },
  'auditor-elsewhere': { roles: ['auditor'], projects: ['elsewhere'] },
  'admin-elsewhere': { roles: ['admin'], projects: ['elsewhere'] },
});

interface Held {
  req: IncomingMessage;
  res: ServerResponse;
}

/** A receiver that holds every request open until the test answers it: its delivery stays in flight. */
async function holdingReceiver(): Promise<{ url: string; next(): Promise<Held>; close(): Promise<void> }> {
  const held: Held[] = [];
  const waiting: ((h: Held) => void)[] = [];
  const server = createServer((req, res) => {
    req.resume();
    const h = { req, res };
    const w = waiting.shift();
    if (w) w(h);
    else held.push(h);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    next: () => {
      const h = held.shift();
      return h ? Promise.resolve(h) : new Promise<Held>((resolve) => waiting.push(resolve));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface DeliveryItem {
  id: string;
  event_id: string;
  type: string;
  project: string;
  url: string;
  state: string;
  attempts: number;
  failed_at: number | null;
  last_error: string | null;
}

describe('failed and pending webhook deliveries through the API', () => {
  let s: TestServer;
  let receiver: Receiver;
  let jwks: { keys: Record<string, unknown>[] };
  const failedIds: string[] = [];

  const list = async (query: string, who = 'auditor'): Promise<{ items: DeliveryItem[]; next_cursor: string | null }> =>
    (await request(s.url).get(`/v1/webhooks/deliveries${query}`).set(t.auth(who)).expect(200)).body;

  const decide = async (project: string, n: number): Promise<string> =>
    (await request(s.url).post('/v1/decisions').set(t.auth('platform')).send(tableRequest(csvOf({ 'a|x': n, 'b|x': 11 }), { index: ['r'], columns: ['c'] }, { project })).expect(201)).body.decision.id;

  beforeAll(async () => {
    s = await testServer({ ...t.env, AIRLOCK_RATE_LIMIT: '0', AIRLOCK_WEBHOOK_POLL_MS: '50', AIRLOCK_WEBHOOK_RETRY_BASE_MS: '50', AIRLOCK_WEBHOOK_MAX_ATTEMPTS: '2' });
    receiver = await webhookReceiver();
    receiver.status = () => 500;
    jwks = (await request(s.url).get('/.well-known/jwks.json').expect(200)).body;
    await request(s.url).post('/v1/webhooks').set(t.auth('admin')).send({ project: 'failing', url: receiver.url, events: ['decision.created'] }).expect(201);
    // Two decisions whose deliveries the receiver refuses twice: then they are failed for good.
    for (const n of [12, 13]) {
      const id = await decide('failing', n);
      const first = await receiver.next((d) => d.payload.decision_id === id);
      await receiver.next((d) => d.payload.decision_id === id && d !== first);
      failedIds.push(id);
    }
    await vi.waitFor(async () => expect((await list('?state=failed')).items).toHaveLength(2), { timeout: 20_000, interval: 50 });
  });

  afterAll(async () => {
    await s?.close();
    await receiver?.close();
  });

  it('lists failed deliveries with their event, attempts and last error, page by page', async () => {
    const all = await list('?state=failed');
    expect(all.next_cursor).toBeNull();
    expect(all.items.map((d) => d.event_id).sort()).toEqual(failedIds.map((id) => `decision.created:${id}`).sort());
    for (const d of all.items) expect(d).toMatchObject({ type: 'decision.created', project: 'failing', url: receiver.url, state: 'failed', attempts: 2, last_error: 'HTTP 500', failed_at: expect.any(Number) });
    // Every delivery is an attempt the receiver saw, under the id the list shows.
    expect(new Set(receiver.deliveries.map((d) => d.headers['airlock-delivery']))).toEqual(new Set(all.items.map((d) => d.id)));
    const first = await list('?state=failed&limit=1');
    expect(first.items).toEqual([all.items[0]]);
    expect(first.next_cursor).toBe(all.items[0]!.id);
    const second = await list(`?state=failed&limit=1&cursor=${encodeURIComponent(first.next_cursor!)}`);
    expect([second.items, second.next_cursor]).toEqual([[all.items[1]], null]);
    expect((await list('?state=pending')).items.filter((d) => d.project === 'failing')).toEqual([]);
    // Admins (who run the service) read it too.
    expect((await list('?state=failed', 'admin')).items).toHaveLength(2);
  });

  it('shows each token only its projects, and refuses bad queries with a stable code', async () => {
    expect((await list('', 'auditor-elsewhere')).items).toEqual([]);
    await request(s.url).get('/v1/webhooks/deliveries').set(t.auth('platform')).expect(403);
    await request(s.url).get('/v1/webhooks/deliveries').expect(401);
    const badState = await request(s.url).get('/v1/webhooks/deliveries?state=faild').set(t.auth('auditor')).expect(400);
    expect(badState.body.code).toBe('INVALID_REQUEST');
    expect(badState.body.detail).toContain('failed');
    for (const q of ['limit=0', 'limit=1001', 'limit=x', 'state=delivered']) {
      expect((await request(s.url).get(`/v1/webhooks/deliveries?${q}`).set(t.auth('auditor')).expect(400)).body.code).toBe('INVALID_REQUEST');
    }
  });

  it('retries a failed delivery for admins: the same event and delivery id, signed, then no longer listed', async () => {
    const [target] = (await list('?state=failed')).items.filter((d) => d.event_id === `decision.created:${failedIds[0]}`);
    const path = `/v1/webhooks/deliveries/${encodeURIComponent(target!.id)}/retry`;
    // Auditors read, they do not act; an admin of other projects does not see it.
    await request(s.url).post(path).set(t.auth('auditor')).expect(403);
    expect((await request(s.url).post(path).set(t.auth('admin-elsewhere')).expect(404)).body.code).toBe('NOT_FOUND');
    expect((await request(s.url).post('/v1/webhooks/deliveries/no-such-delivery/retry').set(t.auth('admin')).expect(404)).body.code).toBe('NOT_FOUND');
    const seen = receiver.deliveries.length;
    receiver.status = () => 200;
    const retried = await request(s.url).post(path).set(t.auth('admin')).expect(202);
    expect(retried.body).toMatchObject({ id: target!.id, state: 'pending', attempts: 0, failed_at: null, last_error: 'HTTP 500' });
    const again = await receiver.next((d) => receiver.deliveries.indexOf(d) >= seen && d.payload.decision_id === failedIds[0]);
    expect(again.headers['airlock-delivery']).toBe(target!.id);
    expect((await verifyDelivery(again, jwks)).payload).toMatchObject({ type: 'decision.created', decision_id: failedIds[0], project: 'failing' });
    await vi.waitFor(async () => expect((await list('')).items.map((d) => d.id)).not.toContain(target!.id), { timeout: 20_000, interval: 50 });
    // Delivered: a second retry would send it twice.
    expect((await request(s.url).post(path).set(t.auth('admin')).expect(409)).body.code).toBe('CONFLICT');
    // The other one is still failed.
    expect((await list('?state=failed')).items.map((d) => d.event_id)).toEqual([`decision.created:${failedIds[1]}`]);
  });

  it('lists a delivery being sent as pending, and refuses to retry it while it is in flight', async () => {
    const slow = await holdingReceiver();
    try {
      await request(s.url).post('/v1/webhooks').set(t.auth('admin')).send({ project: 'slow', url: slow.url, events: ['decision.created'] }).expect(201);
      const id = await decide('slow', 14);
      const held = await slow.next();
      const pending = (await list('?state=pending')).items.filter((d) => d.project === 'slow');
      expect(pending).toEqual([expect.objectContaining({ event_id: `decision.created:${id}`, state: 'pending', attempts: 1, failed_at: null })]);
      const res = await request(s.url).post(`/v1/webhooks/deliveries/${encodeURIComponent(pending[0]!.id)}/retry`).set(t.auth('admin')).expect(409);
      expect(res.body).toMatchObject({ code: 'CONFLICT' });
      expect(res.body.detail).toContain('being sent');
      held.res.end();
      await vi.waitFor(async () => expect((await list('')).items.filter((d) => d.project === 'slow')).toEqual([]), { timeout: 20_000, interval: 50 });
    } finally {
      await slow.close();
    }
  });
});
