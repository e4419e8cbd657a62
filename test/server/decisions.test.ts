import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
});
afterAll(async () => {
  await s.close();
});

const safe = csvOf({ 'a|x': 12, 'a|y': 15, 'b|x': 11, 'b|y': 20 });

describe('POST /v1/decisions (tables)', () => {
  it('releases a safe frequency table with the full decision shape', async () => {
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(safe, { index: ['r'], columns: ['c'] })).expect(201);
    const d = res.body.decision;
    expect(d.outcome).toBe('release');
    expect(d.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Date(d.issued_at).toISOString()).toBe(d.issued_at);
    expect(d).toMatchObject({ project: 'test-project', requester: 'alice', dataset: expect.stringMatching(/^test-/) });
    expect(d.ruleset).toMatchObject({ name: 'default', digest: s.ruleset().digest });
    const out = d.outputs[0];
    expect(out).toMatchObject({ name: 'table1', kind: 'table', outcome: 'release' });
    expect(out.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(out.findings.every((f: { status: string }) => f.status === 'pass')).toBe(true);
    expect(out.table.cells).toHaveLength(4);
    expect(out.protected).toBeUndefined();
  });

  it('answers with the decision as the very bytes it signed and recorded', async () => {
    const csv = csvOf({ 'a|x': 3, 'a|y': 15, 'b|x': 11, 'b|y': 20 });
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(csv, { index: 'r', columns: 'c', margins: true })).expect(201);
    const signed = Buffer.from(res.body.signature.split('.')[1], 'base64url').toString('utf8');
    expect(res.text).toContain(`"decision":${signed},`);
    const audit = await request(s.url).get(`/v1/decisions/${res.body.decision.id}`).set(s.auth('auditor')).expect(200);
    expect(audit.body.decision).toEqual(JSON.parse(signed));
  });

  it('rejects a small cell, explains it, and offers a protected version', async () => {
    const csv = csvOf({ 'a|x': 3, 'a|y': 15, 'b|x': 11, 'b|y': 20 });
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(csv, { index: 'r', columns: 'c', margins: true })).expect(201);
    const out = res.body.decision.outputs[0];
    expect(res.body.decision.outcome).toBe('reject');
    const f = out.findings.find((x: { check: string }) => x.check === 'min_count');
    expect(f.status).toBe('fail');
    expect(f.cells).toEqual([{ labels: { r: 'a', c: 'x' }, value: 3, count: 3, reason: 'count 3 < threshold 10' }]);
    expect(f.message).toMatch(/fewer than 10/);
    expect(f.remedy).toMatch(/protected version/);
    const p = out.protected;
    expect(p.rechecked).toBe(true);
    const suppressed = p.rows.filter((r: { suppressed: boolean }) => r.suppressed);
    expect(suppressed.length).toBeGreaterThanOrEqual(4);
    expect(p.rows.find((r: { labels: Record<string, string> }) => r.labels.r === 'a' && r.labels.c === 'x')).toMatchObject({ value: null, reason: 'primary' });
  });

  it('returns review for a magnitude table without dominance evidence, never release', async () => {
    const body = {
      project: 'p',
      requester: 'r',
      outputs: [{ name: 'cost', kind: 'table', statistic: 'sum', cells: [{ labels: { site: 'A' }, count: 30, sum: 1000 }, { labels: { site: 'B' }, count: 40, sum: 2000 }] }],
    };
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).send(body).expect(201);
    expect(res.body.decision.outcome).toBe('review');
    expect(res.body.decision.outputs[0].findings.find((f: { check: string }) => f.check === 'dominance_evidence').status).toBe('review');
  });

  it('rejects a dominated pre-aggregated cell', async () => {
    const body = {
      project: 'p',
      requester: 'r',
      outputs: [{ name: 'cost', kind: 'table', statistic: 'sum', cells: [{ labels: { site: 'A' }, count: 30, sum: 1000, top: [950, 10] }] }],
    };
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).send(body).expect(201);
    expect(res.body.decision.outcome).toBe('reject');
    const checks = res.body.decision.outputs[0].findings.filter((f: { status: string }) => f.status === 'fail').map((f: { check: string }) => f.check);
    expect(checks.sort()).toEqual(['nk_dominance', 'p_percent']);
  });

  it('takes the worst outcome across outputs', async () => {
    const bad = csvOf({ 'a|x': 2, 'b|x': 40 });
    const body = {
      project: 'p',
      requester: 'r',
      dataset: 'worst-outcome',
      outputs: [
        { name: 'ok', kind: 'table', microdata: { format: 'csv', data: safe }, spec: { index: 'r', columns: 'c' } },
        { name: 'bad', kind: 'table', microdata: { format: 'csv', data: bad }, spec: { index: 'r', columns: 'c' } },
      ],
    };
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).send(body).expect(201);
    expect(res.body.decision.outputs.map((o: { outcome: string }) => o.outcome)).toEqual(['release', 'reject']);
    expect(res.body.decision.outcome).toBe('reject');
  });

  it('accepts microdata as JSON rows', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ r: i % 2 ? 'a' : 'b', c: 'x', v: i }));
    const body = { project: 'p', requester: 'r', outputs: [{ name: 't', kind: 'table', microdata: { format: 'json', data: rows }, spec: { index: 'r', columns: 'c', values: 'v', aggfunc: 'mean' } }] };
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).send(body).expect(201);
    const cells = res.body.decision.outputs[0].table.cells;
    expect(cells.find((c: { labels: Record<string, string> }) => c.labels.r === 'a').value).toBe(20);
  });

  it('applies per-project overrides from the rule files', async () => {
    const res = await request(s.url)
      .post('/v1/decisions')
      .set(s.auth())
      .send({ ...tableRequest(safe, { index: 'r', columns: 'c' }), project: 'example-strict' })
      .expect(201);
    expect(res.body.decision.outcome).toBe('reject');
    expect(res.body.decision.outputs[0].findings.find((f: { check: string }) => f.check === 'min_count').cells).toHaveLength(3);
  });
});

describe('other routes', () => {
  it('GET /v1/rulesets/active names the digest in force', async () => {
    const res = await request(s.url).get('/v1/rulesets/active').set(s.auth('admin')).expect(200);
    expect(res.body).toMatchObject({ name: 'default', digest: s.ruleset().digest });
    expect(res.body.content.default.parameters.threshold).toBe(10);
  });

  it('GET /healthz and /readyz', async () => {
    expect((await request(s.url).get('/healthz').expect(200)).body.status).toBe('ok');
    const r = await request(s.url).get('/readyz').expect(200);
    expect(r.body.status).toBe('ready');
  });

  it('unknown routes are problem documents', async () => {
    const r = await request(s.url).get('/nope').expect(404);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.body.code).toBe('ROUTE_NOT_FOUND');
  });
});
