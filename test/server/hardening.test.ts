import { resolve } from 'node:path';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { loadRuleset } from '../../src/rules/load-ruleset.js';
import { createApp } from '../../src/server/create-app.js';
import type { AirlockError } from '../../src/errors.js';
import { callerKey } from '../../src/server/middleware/rate-limit.js';
import { Deadline } from '../../src/server/middleware/request-timeout.js';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';

const rules = loadRuleset(resolve('rules'));

/** An app (no listener) with extra routes, for behaviour no real route shows. */
function appWith(env: Record<string, string>, extend?: (app: express.Express) => void): express.Express {
  const config = loadConfig({ AIRLOCK_RULES_DIR: resolve('rules'), LOG_LEVEL: 'silent', ...env });
  return createApp({ config, ruleset: () => rules, logger: createLogger('silent'), tokens: [], extend });
}

describe('security headers', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it('sends helmet headers for a JSON API and hides the framework', async () => {
    const res = await request(s.url).get('/healthz').expect(200);
    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
    });
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('sends them on errors too', async () => {
    const res = await request(s.url).get('/no-such-route').expect(404);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it.each([
    ['echoes a sane caller id', 'lb-7f3a.42', 'lb-7f3a.42'],
    ['replaces an id with spaces', 'has spaces', /^[0-9a-f-]{36}$/],
    ['replaces an overlong id', 'x'.repeat(129), /^[0-9a-f-]{36}$/],
  ])('X-Request-Id: %s', async (_what, given, expected) => {
    const res = await request(s.url).get('/healthz').set('X-Request-Id', given).expect(200);
    if (typeof expected === 'string') expect(res.headers['x-request-id']).toBe(expected);
    else expect(res.headers['x-request-id']).toMatch(expected);
  });

  it('generates an X-Request-Id when none is sent', async () => {
    const res = await request(s.url).get('/healthz').expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('answers no CORS preflight unless origins are configured', async () => {
    const res = await request(s.url).options('/v1/decisions').set('Origin', 'https://portal.example.org').set('Access-Control-Request-Method', 'POST');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS when configured', () => {
  const app = appWith({ AIRLOCK_CORS_ORIGINS: 'https://portal.example.org, https://other.example.org' });

  it.each([
    ['https://portal.example.org', 'https://portal.example.org'],
    ['https://evil.example.com', undefined],
  ])('a preflight from %s is allowed for %s', async (origin, allowed) => {
    const res = await request(app).options('/v1/decisions').set('Origin', origin).set('Access-Control-Request-Method', 'POST');
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
  });
});

describe('rate limiting', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer({ AIRLOCK_RATE_LIMIT: '3', AIRLOCK_RATE_WINDOW_MS: '60000' });
  });
  afterAll(async () => {
    await s.close();
  });

  it('answers 429 problem+json with Retry-After once a caller passes the configured rate', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(s.url).get('/v1/rulesets/active').set(s.auth())).status);
    expect(statuses.every((st) => st !== 429)).toBe(true);
    const res = await request(s.url).get('/v1/rulesets/active').set(s.auth()).expect(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(res.headers.ratelimit).toMatch(/limit=3, remaining=0/);
  });

  it('never limits the load-balancer probes', async () => {
    for (let i = 0; i < 5; i++) await request(s.url).get('/healthz').set(s.auth()).expect(200);
  });

  it('counts another configured token separately', async () => {
    const res = await request(s.url).get('/v1/rulesets/active').set(s.auth('admin'));
    expect(res.status).toBe(200);
  });
});

describe('callerKey', () => {
  const req = (authorization?: string) => ({ get: (h: string) => (h.toLowerCase() === 'authorization' ? authorization : undefined), ip: '203.0.113.9' }) as unknown as express.Request;
  const res = (caller?: { name: string }) => ({ locals: caller ? { caller } : {} }) as unknown as express.Response;

  const identify = (h: string | undefined) => (h === 'Bearer known' ? 'ci' : null);

  it.each([
    ['the authenticated token name', req('Bearer abc'), res({ name: 'ci' }), 'caller:ci'],
    ['the configured token a bearer token matches, before auth has run', req('Bearer known'), res(), 'caller:ci'],
    ['the client address for a token no one configured', req('Bearer abc'), res(), 'ip:203.0.113.9'],
    ['the client address for a malformed header', req('Basic abc'), res(), 'ip:203.0.113.9'],
    ['the client address without a token', req(), res(), 'ip:203.0.113.9'],
  ])('keys on %s', (_what, rq, rs, key) => {
    expect(callerKey(rq, rs, identify)).toBe(key);
  });
});

describe('body limits and errors', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer({ AIRLOCK_JSON_LIMIT: '2kb' });
  });
  afterAll(async () => {
    await s.close();
  });

  it('answers an oversized JSON body with 413 problem+json', async () => {
    const big = tableRequest(csvOf({ 'a|x': 400 }), { index: ['r'], columns: ['c'] });
    expect(JSON.stringify(big).length).toBeGreaterThan(2048);
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).send(big).expect(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
  });

  it('accepts a body under the limit', async () => {
    await request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(csvOf({ 'a|x': 12 }), { index: ['r'], columns: ['c'] })).expect(201);
  });

  it('never sends a stack trace or an internal message', async () => {
    const app = appWith({}, (a) =>
      a.get('/boom', () => {
        throw new Error('secret detail from /srv/airlock/src/x.ts:12');
      }),
    );
    const res = await request(app).get('/boom').expect(500);
    expect(res.body).toMatchObject({ code: 'INTERNAL', status: 500 });
    expect(res.text).not.toMatch(/secret|\.ts:|at /);
  });
});

describe('request timeout', () => {
  it('answers 503 REQUEST_TIMEOUT when a request outlives its budget, and the pipeline stops at its next check', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let stopped!: (code: string) => void;
    const stoppedWith = new Promise<string>((r) => (stopped = r));
    const app = appWith({ AIRLOCK_REQUEST_TIMEOUT_MS: '1000' }, (a) =>
      a.get('/slow', async (_req, res, next) => {
        await held;
        try {
          (res.locals.deadline as Deadline).check();
          res.json({ late: true });
        } catch (e) {
          stopped((e as AirlockError).code);
          next(e);
        }
      }),
    );
    const res = await request(app).get('/slow').expect(503);
    expect(res.body).toMatchObject({ code: 'REQUEST_TIMEOUT' });
    release();
    expect(await stoppedWith).toBe('REQUEST_TIMEOUT');
  });

  it('cannot expire once pinned: a decision being recorded is always answered', () => {
    const d = new Deadline();
    d.pin();
    expect(d.expire()).toBe(false);
    expect(() => d.check()).not.toThrow();
  });

  it('refuses to pin once expired: nothing is recorded after the caller was told it failed', () => {
    const d = new Deadline();
    expect(d.expire()).toBe(true);
    expect(() => d.pin()).toThrow(expect.objectContaining({ code: 'REQUEST_TIMEOUT' }));
  });
});
