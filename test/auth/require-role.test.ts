import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { authorize } from '../../src/auth/authorize.js';
import { callerOf, requireRole } from '../../src/auth/require-role.js';
import { hashToken, type TokenEntry } from '../../src/auth/tokens.js';
import { toProblem } from '../../src/errors.js';

const tokens: TokenEntry[] = [
  { name: 'sub-p1', sha256: hashToken('tok-sub'), roles: ['submitter'], projects: ['p1'] },
  { name: 'aud', sha256: hashToken('tok-aud'), roles: ['auditor'] },
];

function app() {
  const a = express();
  a.use(express.json());
  a.post('/submit', requireRole(tokens, 'submitter'), (req, res) => {
    const caller = callerOf(res);
    authorize(caller, 'submitter', (req.body as { project: string }).project);
    res.json({ by: caller.name });
  });
  a.get('/audit', requireRole(() => tokens, 'auditor'), (_req, res) => {
    res.json({ by: callerOf(res).name });
  });
  a.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const p = toProblem(err);
    res.status(p.status).json(p);
  });
  return a;
}

describe('requireRole', () => {
  it.each<[string, 'get' | 'post', string | null, unknown, number, string | null]>([
    ['/audit', 'get', null, undefined, 401, 'UNAUTHENTICATED'],
    ['/audit', 'get', 'tok-nope', undefined, 401, 'UNAUTHENTICATED'],
    ['/audit', 'get', 'tok-sub', undefined, 403, 'FORBIDDEN'],
    ['/audit', 'get', 'tok-aud', undefined, 200, null],
    ['/submit', 'post', 'tok-aud', { project: 'p1' }, 403, 'FORBIDDEN'],
    ['/submit', 'post', 'tok-sub', { project: 'p2' }, 403, 'FORBIDDEN'],
    ['/submit', 'post', 'tok-sub', { project: 'p1' }, 200, null],
  ])('%s %s with %s → %i %s', async (path, method, token, body, status, code) => {
    let req = request(app())[method](path);
    if (token) req = req.set('authorization', `Bearer ${token}`);
    const res = await (body ? req.send(body as object) : req);
    expect(res.status).toBe(status);
    if (code) expect(res.body.code).toBe(code);
  });
});
