/**
 * Webhooks end to end, with real servers and a real receiver that verifies each JWS with the
 * JWKS (jose): subscriptions through the admin API, decision.created and review.settled
 * delivered, a receiver answering 503 retried, and — the outbox's guarantee — a decision
 * committed while the receiver is down, the server killed with SIGKILL, then the receiver up
 * and the server restarted: the event is delivered after the restart.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/auth/tokens.js';
import { spawnServer } from '../helpers/spawn-server.js';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';
import { freePort, verifyDelivery, webhookReceiver, type Receiver } from '../helpers/webhook-receiver.js';

describe('webhooks on one server', () => {
  let s: TestServer;
  let receiver: Receiver;
  let jwks: { keys: Record<string, unknown>[] };

  beforeAll(async () => {
    s = await testServer({ AIRLOCK_RATE_LIMIT: '0', AIRLOCK_CHECKERS_REQUIRED: '1', AIRLOCK_WEBHOOK_POLL_MS: '50', AIRLOCK_WEBHOOK_RETRY_BASE_MS: '50' });
    receiver = await webhookReceiver();
    jwks = (await request(s.url).get('/.well-known/jwks.json').expect(200)).body;
  });

  afterAll(async () => {
    await s?.close();
    await receiver?.close();
  });

  it('manages subscriptions through the admin API (admins only, events checked)', async () => {
    const created = await request(s.url).post('/v1/webhooks').set(s.auth('admin')).send({ project: 'test-project', url: receiver.url }).expect(201);
    expect(created.body).toMatchObject({ project: 'test-project', url: receiver.url, events: ['decision.created', 'review.settled', 'review.returned'], source: 'api' });
    await request(s.url).post('/v1/webhooks').set(s.auth('submitter')).send({ project: 'test-project', url: receiver.url }).expect(403);
    const bad = await request(s.url).post('/v1/webhooks').set(s.auth('admin')).send({ project: 'p', url: 'ftp://x', events: ['decision.created'] });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_REQUEST']);
    const unknown = await request(s.url).post('/v1/webhooks').set(s.auth('admin')).send({ project: 'p', url: receiver.url, events: ['decision.deleted'] });
    expect(unknown.status).toBe(400);
    const other = await request(s.url).post('/v1/webhooks').set(s.auth('admin')).send({ project: 'elsewhere', url: receiver.url, events: ['decision.created'] }).expect(201);
    const list = await request(s.url).get('/v1/webhooks').set(s.auth('admin')).expect(200);
    expect(list.body.items.map((i: { project: string }) => i.project).sort()).toEqual(['elsewhere', 'test-project']);
    await request(s.url).delete(`/v1/webhooks/${other.body.id}`).set(s.auth('admin')).expect(204);
    await request(s.url).delete(`/v1/webhooks/${other.body.id}`).set(s.auth('admin')).expect(404);
  });

  it('delivers decision.created as a JWS the receiver verifies with the JWKS', async () => {
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(csvOf({ 'a|x': 12, 'b|x': 11 }), { index: ['r'], columns: ['c'] })).expect(201);
    const id = res.body.decision.id as string;
    const d = await receiver.next((x) => x.payload.decision_id === id);
    expect(d.headers['content-type']).toBe('application/jose');
    expect(d.headers['airlock-event']).toBe('decision.created');
    const verified = await verifyDelivery(d, jwks);
    expect(verified.typ).toBe('airlock-webhook+jws');
    expect(verified.payload).toMatchObject({ type: 'decision.created', decision_id: id, outcome: 'release', project: 'test-project', audit: { seq: res.body.audit.seq } });
    // A tampered body does not verify.
    const [h, p, sig] = d.jws.split('.');
    const forged = Buffer.from(JSON.stringify({ ...verified.payload, outcome: 'reject' })).toString('base64url');
    await expect(verifyDelivery({ ...d, jws: `${h}.${forged}.${sig}` }, jwks)).rejects.toThrow();
    expect(p).toBeTruthy();
  });

  it('delivers review.settled when a checker settles a review', async () => {
    const file = { name: 'notes', kind: 'file', filename: 'notes.txt', content_base64: Buffer.from('plain words').toString('base64') };
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).send({ project: 'test-project', requester: 'alice', dataset: 'notes', outputs: [file] }).expect(201);
    expect(res.body.decision.outcome).toBe('review');
    await request(s.url).post(`/v1/decisions/${res.body.decision.id}/reviews`).set(s.auth('checker')).send({ verdict: 'release', justification: 'Plain words, nothing identifying.' }).expect(201);
    const d = await receiver.next((x) => x.payload.type === 'review.settled' && x.payload.decision_id === res.body.decision.id);
    expect((await verifyDelivery(d, jwks)).payload).toMatchObject({ state: 'released', outcome: 'release' });
  });

  it('retries a delivery the receiver refused, with the same event', async () => {
    let refused = 0;
    receiver.status = (d) => (d.payload.project === 'test-project' && d.payload.type === 'decision.created' && refused++ === 0 ? 503 : 200);
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(csvOf({ 'a|x': 13, 'b|x': 11 }), { index: ['r'], columns: ['c'] })).expect(201);
    const id = res.body.decision.id as string;
    const first = await receiver.next((x) => x.payload.decision_id === id);
    const second = await receiver.next((x) => x.payload.decision_id === id && x !== first);
    expect(second.headers['airlock-delivery']).toBe(first.headers['airlock-delivery']);
    expect(second.payload).toEqual(first.payload);
    receiver.status = () => 200;
  });
});

describe('the outbox survives kill -9 between commit and delivery', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-webhook-kill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers after restart an event committed while the receiver was down', async () => {
    const token = `test_${randomBytes(18).toString('base64url')}`;
    const tokensFile = join(dir, 'tokens.json');
    writeFileSync(tokensFile, JSON.stringify([{ name: 'platform', sha256: hashToken(token), roles: ['submitter', 'auditor'] }]));
    const port = await freePort();
    const hooks = join(dir, 'webhooks.yaml');
    writeFileSync(hooks, `- project: kill-test\n  url: http://127.0.0.1:${port}/hook\n  events: [decision.created]\n`);
    const env = { AIRLOCK_DATA_DIR: join(dir, 'data'), AIRLOCK_TOKENS_FILE: tokensFile, AIRLOCK_WEBHOOKS_FILE: hooks, AIRLOCK_WEBHOOK_POLL_MS: '100', AIRLOCK_WEBHOOK_RETRY_BASE_MS: '100' };
    const auth = { authorization: `Bearer ${token}` };
    const first = await spawnServer(env);
    let id: string;
    try {
      const res = await request(first.url).post('/v1/decisions').set(auth).send(tableRequest(csvOf({ 'a|x': 12, 'b|x': 11 }), { index: ['r'], columns: ['c'] }, { project: 'kill-test' })).expect(201);
      id = res.body.decision.id;
    } finally {
      // No graceful shutdown: the process dies with its delivery undone (the receiver is not even listening).
      expect(await first.stop('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
    }
    const receiver = await webhookReceiver(port);
    const second = await spawnServer(env);
    try {
      const d = await receiver.next((x) => x.payload.decision_id === id);
      const jwks = (await request(second.url).get('/.well-known/jwks.json').expect(200)).body;
      expect((await verifyDelivery(d, jwks)).payload).toMatchObject({ type: 'decision.created', decision_id: id, project: 'kill-test' });
      const recorded = await request(second.url).get(`/v1/decisions/${id}`).set(auth).expect(200);
      expect(recorded.body.decision.id).toBe(id);
    } finally {
      await second.stop();
      await receiver.close();
    }
  }, 90_000);
});
