/**
 * Issue 15 item 3: request errors a newcomer can act on. Each case is a request a person gets
 * wrong; the answer keeps its stable code and says what to send instead — only the chosen
 * kind's complaints, allowed values, did-you-mean, 405 with Allow, the CSV route, every
 * missing production setting at once. And none of it lets a bad request through.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server/start-server.js';
import { tableRequest, testServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await testServer({ AIRLOCK_RATE_LIMIT: '0' });
});
afterAll(async () => {
  await s.close();
});

const post = (body: unknown) => request(s.url).post('/v1/decisions').set(s.auth()).send(body as object);
const one = (output: Record<string, unknown>) => ({ project: 'p', requester: 'alice', dataset: 'd', outputs: [output] });
const csv = 'region,sex,cost\nnorth,F,10\nnorth,M,12\nsouth,F,9\n';
const messages = (res: { body: { errors?: { message: string }[] } }) => (res.body.errors ?? []).map((e) => e.message).join(' | ');

describe('validation errors chosen by kind', () => {
  it('an unknown kind is one error that lists the kinds and suggests the near one', async () => {
    const res = await post(one({ name: 't', kind: 'tabel', microdata: { format: 'csv', data: csv }, spec: { index: 'region' } }));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_REQUEST');
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].pointer).toBe('/outputs/0/kind');
    expect(res.body.detail).toContain('did you mean "table"?');
    for (const k of ['table', 'model', 'plot', 'summary', 'records', 'file']) expect(res.body.detail).toContain(`"${k}"`);
  });
  it('a kind like no other is not told about another kind’s fields', async () => {
    const res = await post(one({ name: 'i', kind: 'image', filename: 'a.png' }));
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('unknown kind "image"');
    expect(res.body.detail).not.toContain('did you mean');
    expect(messages(res)).not.toContain('microdata');
  });
  it('a plot without type is told about type and its values, not microdata', async () => {
    const res = await post(one({ name: 'p', kind: 'plot', bins: [{ from: 0, to: 10, count: 20 }] }));
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('missing required property "type"');
    expect(res.body.detail).toContain('"histogram"');
    expect(messages(res)).not.toContain('microdata');
  });
  it('a histogram without bins is told it needs bins or microdata, not what a box plot lacks', async () => {
    const res = await post(one({ name: 'p', kind: 'plot', type: 'histogram' }));
    expect(res.status).toBe(400);
    expect(messages(res)).toContain('needs "bins" or "microdata"');
    expect(messages(res)).not.toMatch(/whisker|steps|categories|points/);
  });
  it('a value outside an enum lists the allowed values', async () => {
    const res = await post(tableRequest(csv, { index: 'region', values: 'cost', aggfunc: 'average' }));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe('/outputs/0/spec/aggfunc');
    expect(res.body.detail).toContain('"average" is not allowed');
    for (const f of ['count', 'sum', 'mean', 'median', 'min', 'max', 'std']) expect(res.body.detail).toContain(`"${f}"`);
  });
  it('an unknown key suggests the known one', async () => {
    const res = await post({ project: 'p', requestor: 'alice', outputs: [{ name: 't', kind: 'table', microdata: { format: 'csv', data: csv }, spec: { index: 'region' } }] });
    expect(res.status).toBe(400);
    expect(messages(res)).toContain('missing required property "requester"');
    expect(messages(res)).toContain('unknown property "requestor"; did you mean "requester"?');
    const spec = await post(tableRequest(csv, { index: 'region', colums: ['sex'] }));
    expect(spec.status).toBe(400);
    expect(spec.body.detail).toContain('did you mean "columns"?');
  });
  it('a later output’s error is reported with its own pointer', async () => {
    const ok = { name: 'm1', kind: 'model', family: 'ols', n_obs: 100, n_params: 3 };
    const res = await post({ project: 'p', requester: 'alice', outputs: [ok, { name: 'm2', kind: 'model', family: 'ols', n_obs: 100 }] });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe('/outputs/1');
    expect(res.body.detail).toContain('needs "n_params" or "residual_dof"');
  });
  it('a misspelt column gets a did-you-mean (CSV, JSON rows and records)', async () => {
    const t = await post(tableRequest(csv, { index: 'regoin', columns: ['sex'] }));
    expect(t.status).toBe(422);
    expect(t.body.code).toBe('UNKNOWN_COLUMN');
    expect(t.body.detail).toContain('did you mean "region"?');
    const rows = [{ region: 'north', sex: 'F' }];
    const j = await post(one({ name: 't', kind: 'table', microdata: { format: 'json', data: rows }, spec: { index: 'regoin' } }));
    expect(j.status).toBe(422);
    expect(j.body.detail).toContain('did you mean "region"?');
    const r = await post(one({ name: 'r', kind: 'records', microdata: { format: 'csv', data: csv }, sensitive: 'csot' }));
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('UNKNOWN_COLUMN');
    expect(r.body.detail).toContain('did you mean "cost"?');
  });
  it('the improved messages still refuse: a corrected request is what passes', async () => {
    const res = await post(tableRequest(csv, { index: 'region', columns: ['sex'] }));
    expect(res.status).toBe(201);
    expect(res.body.decision.outcome).not.toBe('release');
  });
});

describe('routes', () => {
  it('a known path with a method it does not serve is 405 with Allow; an unknown path stays 404', async () => {
    const res = await request(s.url).delete('/v1/decisions').set(s.auth());
    expect(res.status).toBe(405);
    expect(res.body.code).toBe('METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    const healthz = await request(s.url).post('/healthz');
    expect(healthz.status).toBe(405);
    expect(healthz.headers.allow).toContain('GET');
    const missing = await request(s.url).delete('/v1/no-such-thing').set(s.auth());
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('ROUTE_NOT_FOUND');
  });
  it('CSV sent to /v1/decisions points to /v1/decisions/csv', async () => {
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).set('content-type', 'text/csv').send(csv);
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(res.body.detail).toContain('/v1/decisions/csv');
  });
});

describe('production settings', () => {
  it('every missing setting is named in one error', async () => {
    const config = loadConfig({ NODE_ENV: 'production', PORT: '0', LOG_LEVEL: 'silent', AIRLOCK_DATA_DIR: s.dataDir, AIRLOCK_OIDC_ISSUER: 'https://idp.example' });
    const err = await startServer(config).then(
      () => null,
      (e: unknown) => e as { code: string; details: { pointer: string }[]; message: string },
    );
    expect(err?.code).toBe('CONFIG_INVALID');
    expect(err?.details.map((d) => d.pointer)).toEqual(['AIRLOCK_SIGNING_KEY_FILE', 'AIRLOCK_UNIT_KEY_FILE', 'AIRLOCK_TOKENS_FILE', 'AIRLOCK_OIDC_CLIENT_ID', 'AIRLOCK_PUBLIC_URL']);
    expect(err?.message).toContain('5 more setting(s)');
  });
});
