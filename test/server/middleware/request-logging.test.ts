import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { requestId } from '../../../src/server/middleware/request-id.js';
import { requestLogging } from '../../../src/server/middleware/request-logging.js';

/** An app answering `/status/:n` with that status (500 by throwing), logging into `lines`. */
function app(level: string): { app: express.Express; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()) });
  const a = express();
  a.use(requestId(), requestLogging(createLogger(level, sink)));
  a.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  a.get('/status/:n', (req, res) => {
    if (req.params.n === '500') throw Object.assign(new Error('boom'), { code: 'E_BOOM' });
    res.status(Number(req.params.n)).json({});
  });
  return { app: a, lines };
}

describe('requestLogging', () => {
  it.each<[string, string, number, string, string]>([
    ['a success', '/status/201?token=secret', 201, 'info', 'request completed'],
    ['a client error', '/status/404', 404, 'warn', 'request completed'],
    ['a server error', '/status/500', 500, 'error', 'request failed'],
  ])('logs %s once, at its level, without the query string', async (_, path, status, level, msg) => {
    const { app: a, lines } = app('info');
    const res = await request(a).get(path).set('X-Request-Id', 'req-1').expect(status);
    expect(res.headers['x-request-id']).toBe('req-1');
    expect(lines).toHaveLength(1);
    const levels: Record<string, number> = { info: 30, warn: 40, error: 50 };
    expect(lines[0]).toMatchObject({ level: levels[level], msg, reqId: 'req-1', req: { id: 'req-1', method: 'GET', path: path.split('?')[0] }, res: { statusCode: status }, responseTime: expect.any(Number) });
    expect(JSON.stringify(lines[0])).not.toContain('secret');
    if (status === 500) expect(lines[0]!.err).toEqual({ type: 'Error' });
  });

  it.each<[string, string, string]>([
    ['a probe that answers', 'info', '/healthz'],
    ['a success when the level is warn', 'warn', '/status/200'],
  ])('logs nothing for %s', async (_, level, path) => {
    const { app: a, lines } = app(level);
    await request(a).get(path).expect(200);
    expect(lines).toEqual([]);
  });
});
