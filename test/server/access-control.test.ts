/**
 * The whole access-control matrix over HTTP: every protected route × every kind of caller
 * (no token, unknown token, malformed header, each role, project-restricted tokens) × the
 * project of the resource. The routes are read from the running app's router, so a route added
 * without a row here fails the test instead of slipping through unprotected.
 */
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import type { Server } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/api/openapi.js';
import { ROLE_VALUES, type Role } from '../../src/domain.js';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';
import { tokensFile } from '../helpers/tokens-file.js';

type Project = 'p1' | 'p2';

/** The tokens the test configures: name → roles and projects. The plaintext is `tok-<name>`. */
const TOKENS: Record<string, { roles: Role[]; projects?: Project[] }> = {
  ...Object.fromEntries(ROLE_VALUES.map((r) => [`${r}-all`, { roles: [r] }])),
  ...Object.fromEntries(ROLE_VALUES.map((r) => [`${r}-p1`, { roles: [r], projects: ['p1'] }])),
  'everything-p2': { roles: [...ROLE_VALUES], projects: ['p2'] },
};

/**
 * How a route treats a token restricted to other projects than the resource's:
 * - `refuse`: 403 FORBIDDEN (the project is in the request);
 * - `hide`: 404 NOT_FOUND, exactly as for a missing record (the project is the stored record's);
 * - `filter`: 200, with nothing of the other project in the answer;
 * - `all-only`: 403 FORBIDDEN for any restricted token, whatever the project (whole-chain operations);
 * - `none`: the route has no project.
 */
type ProjectRule = 'refuse' | 'hide' | 'filter' | 'all-only' | 'none';

interface RouteRow {
  method: 'get' | 'post' | 'delete';
  path: string;
  /** Any one of these roles lets the caller in. */
  roles: Role[];
  ok: number;
  /** The problem code of an allowed call whose `ok` is an error (a DELETE of an unknown id). */
  okCode?: string;
  project: ProjectRule;
  /** The request for a resource of `project`, without credentials. */
  call(url: string, project: Project): request.Test;
  /** Audit records an accepted call appends (default 1; a return appends its comment and the final record). */
  records?: number;
  /** For `filter` routes: the projects present in a 200 body, and whether the request narrows to `project`. */
  filter?: { projectsIn(body: unknown): string[]; narrows: boolean };
}

const csv = csvOf({ 'a|x': 12, 'a|y': 15, 'b|x': 11, 'b|y': 20 });
/** A magnitude table without dominance evidence: outcome `review`, so checkers have work. */
const needsReview = (project: Project) => ({
  project,
  requester: 'alice',
  outputs: [{ name: 'cost', kind: 'table', statistic: 'sum', cells: [{ labels: { site: 'A' }, count: 30, sum: 1000 }] }],
});
/** One decision needing review per project, made before the matrix runs. */
const ids: Record<Project, string> = { p1: '', p2: '' };
/** One released decision per project (their release packages). */
const released: Record<Project, string> = { p1: '', p2: '' };
/** A one-table ACRO output folder, zipped, with its checksums. */
const acroZip = (() => {
  const files: Record<string, string> = {
    't.csv': 'region,F\nnorth,12\nsouth,14\n',
    'results.json': JSON.stringify({ version: '1.0.1', results: { output_0: { status: 'pass', type: 'table', properties: { method: 'crosstab' }, files: [{ name: 't.csv' }], command: 'acro.crosstab(df.region, df.sex)', comments: [], exception: '' } } }),
  };
  const out: Record<string, Uint8Array> = {};
  for (const [n, t] of Object.entries(files)) {
    out[n] = new TextEncoder().encode(t);
    out[`checksums/${n}.txt`] = new TextEncoder().encode(createHash('sha256').update(t).digest('hex'));
  }
  return Buffer.from(zipSync(out));
})();
let digest = '';
type Item = { decision?: { project: string }; original?: { decision: { project: string } } };
const items = (body: unknown) => (body as { items: Item[] }).items;

const ROUTES: RouteRow[] = [
  {
    method: 'post',
    path: '/v1/decisions',
    roles: ['submitter'],
    ok: 201,
    project: 'refuse',
    call: (url, project) => request(url).post('/v1/decisions').send(tableRequest(csv, { index: 'r', columns: 'c' }, { project })),
  },
  {
    method: 'post',
    path: '/v1/decisions/csv',
    roles: ['submitter'],
    ok: 201,
    project: 'refuse',
    call: (url, project) =>
      request(url).post('/v1/decisions/csv').query({ project, requester: 'alice', name: 't', index: 'r', columns: 'c' }).set('content-type', 'text/csv').send(csv),
  },
  {
    method: 'get',
    path: '/v1/decisions',
    roles: ['auditor'],
    ok: 200,
    project: 'filter',
    call: (url, project) => request(url).get('/v1/decisions').query({ project }),
    filter: { projectsIn: (body) => items(body).map((i) => i.decision!.project), narrows: true },
  },
  {
    method: 'get',
    path: '/v1/decisions/:id',
    roles: ['auditor'],
    ok: 200,
    project: 'hide',
    call: (url, project) => request(url).get(`/v1/decisions/${ids[project]}`),
  },
  { method: 'get', path: '/v1/audit/verify', roles: ['auditor'], ok: 200, project: 'all-only', call: (url) => request(url).get('/v1/audit/verify') },
  { method: 'get', path: '/v1/audit/export', roles: ['auditor'], ok: 200, project: 'all-only', call: (url) => request(url).get('/v1/audit/export') },
  { method: 'get', path: '/v1/audit/checkpoint', roles: ['auditor'], ok: 200, project: 'none', call: (url) => request(url).get('/v1/audit/checkpoint') },
  { method: 'get', path: '/v1/audit/consistency', roles: ['auditor'], ok: 200, project: 'none', call: (url) => request(url).get('/v1/audit/consistency').query({ first: 1 }) },
  {
    method: 'get',
    path: '/v1/decisions/:id/proof',
    roles: ['auditor'],
    ok: 200,
    project: 'hide',
    call: (url, project) => request(url).get(`/v1/decisions/${ids[project]}/proof`),
  },
  { method: 'get', path: '/v1/rulesets/active', roles: ['admin'], ok: 200, project: 'none', call: (url) => request(url).get('/v1/rulesets/active') },
  { method: 'get', path: '/v1/rulesets/:digest', roles: ['admin', 'auditor'], ok: 200, project: 'none', call: (url) => request(url).get(`/v1/rulesets/${digest}`) },
  {
    method: 'get',
    path: '/v1/reviews',
    roles: ['checker'],
    ok: 200,
    project: 'filter',
    call: (url) => request(url).get('/v1/reviews'),
    filter: { projectsIn: (body) => items(body).map((i) => i.original!.decision.project), narrows: false },
  },
  {
    method: 'get',
    path: '/v1/decisions/:id/reviews',
    roles: ['checker', 'auditor', 'submitter'],
    ok: 200,
    project: 'hide',
    call: (url, project) => request(url).get(`/v1/decisions/${ids[project]}/reviews`),
  },
  {
    method: 'post',
    path: '/v1/decisions/:id/comments',
    roles: ['checker'],
    ok: 201,
    project: 'hide',
    call: (url, project) => request(url).post(`/v1/decisions/${ids[project]}/comments`).send({ text: 'please round the counts to 5', visibility: 'private' }),
  },
  {
    method: 'post',
    path: '/v1/decisions/:id/return',
    roles: ['checker'],
    ok: 201,
    records: 2,
    project: 'hide',
    // Each accepted return settles its decision, so every call returns a fresh one.
    call: (url, project) => request(url).post(`/v1/decisions/${fresh[project].shift() ?? 'none-left'}/return`).send({ comment: 'please merge the small categories first' }),
  },
  {
    method: 'get',
    path: '/v1/decisions/:id/outputs/:name',
    roles: ['checker', 'auditor'],
    ok: 200,
    project: 'hide',
    call: (url, project) => request(url).get(`/v1/decisions/${ids[project]}/outputs/cost`),
  },
  { method: 'get', path: '/v1/rulesets', roles: ['admin', 'auditor'], ok: 200, project: 'none', call: (url) => request(url).get('/v1/rulesets') },
  { method: 'get', path: '/v1/rulesets/loads', roles: ['admin', 'auditor'], ok: 200, project: 'none', call: (url) => request(url).get('/v1/rulesets/loads') },
  // The files have not changed: each allowed call reloads the same set and records nothing.
  { method: 'post', path: '/v1/rulesets/reload', roles: ['admin'], ok: 200, project: 'none', call: (url) => request(url).post('/v1/rulesets/reload') },
  {
    method: 'post',
    path: '/v1/rulesets/diff',
    roles: ['admin', 'auditor'],
    ok: 200,
    project: 'none',
    call: (url) => request(url).post('/v1/rulesets/diff').send({ before: digest, after: digest, replay: {} }),
  },
  {
    method: 'get',
    path: '/v1/decisions/:id/package',
    roles: ['submitter', 'auditor'],
    ok: 200,
    project: 'hide',
    call: (url, project) => request(url).get(`/v1/decisions/${released[project]}/package`),
  },
  {
    method: 'post',
    path: '/v1/imports/acro',
    roles: ['submitter'],
    ok: 201,
    project: 'refuse',
    call: (url, project) => request(url).post('/v1/imports/acro').query({ project, requester: 'alice' }).set('content-type', 'application/zip').send(acroZip),
  },
  {
    method: 'post',
    path: '/v1/webhooks',
    roles: ['admin'],
    ok: 201,
    records: 0,
    project: 'refuse',
    call: (url, project) => request(url).post('/v1/webhooks').send({ project, url: 'http://127.0.0.1:9/hook', events: ['review.settled'] }),
  },
  { method: 'get', path: '/v1/webhooks', roles: ['admin'], ok: 200, project: 'none', call: (url) => request(url).get('/v1/webhooks') },
  { method: 'delete', path: '/v1/webhooks/:id', roles: ['admin'], ok: 404, okCode: 'NOT_FOUND', project: 'none', call: (url) => request(url).delete('/v1/webhooks/no-such-subscription') },
  {
    method: 'get',
    path: '/v1/webhooks/deliveries',
    roles: ['admin', 'auditor'],
    ok: 200,
    project: 'filter',
    call: (url) => request(url).get('/v1/webhooks/deliveries'),
    filter: { projectsIn: (body) => (body as { items: { project: string }[] }).items.map((i) => i.project), narrows: false },
  },
  { method: 'post', path: '/v1/webhooks/deliveries/:id/retry', roles: ['admin'], ok: 404, okCode: 'NOT_FOUND', project: 'none', call: (url) => request(url).post('/v1/webhooks/deliveries/no-such-delivery/retry') },
  {
    method: 'post',
    path: '/v1/decisions/:id/reviews',
    roles: ['checker'],
    ok: 201,
    project: 'hide',
    call: (url, project) => request(url).post(`/v1/decisions/${ids[project]}/reviews`).send({ verdict: 'release', justification: 'every cell is safe to release' }),
  },
];

/**
 * Routes anyone may call (no credential): their status without one, and the path openapi.yaml
 * documents them under. The console's pages are 503 until `npm run build:ui` has run.
 */
const PUBLIC: { method: 'get' | 'post'; path: string; doc?: string; status: number[]; call?: (url: string) => request.Test }[] = [
  { method: 'get', path: '/healthz', status: [200] },
  { method: 'get', path: '/openapi.yaml', status: [200] },
  { method: 'get', path: '/docs', status: [200] },
  { method: 'get', path: '/docs/redoc.standalone.js', doc: '/docs', status: [200, 503] },
  { method: 'get', path: '/readyz', status: [200] },
  { method: 'get', path: '/.well-known/jwks.json', status: [200] },
  { method: 'get', path: '/v1/audit/log-key', status: [200] },
  { method: 'get', path: '/v1/session', status: [200] },
  { method: 'get', path: '/v1/session/login', status: [404] },
  { method: 'get', path: '/v1/session/callback', status: [404] },
  { method: 'post', path: '/v1/session/logout', status: [401] },
  { method: 'get', path: '/v1/session/dev-identities', status: [200] },
  { method: 'post', path: '/v1/session/dev', status: [201], call: (url) => request(url).post('/v1/session/dev').send({ identity: 'dee' }) },
  { method: 'get', path: '/', status: [302] },
  { method: 'get', path: '/ui', doc: '/ui/{path}', status: [302] },
  { method: 'get', path: '/ui/*path', doc: '/ui/{path}', status: [200, 503], call: (url) => request(url).get('/ui/reviews') },
  { method: 'get', path: '/ui/assets/*path', doc: '/ui/{path}', status: [404], call: (url) => request(url).get('/ui/assets/no-such-file.js') },
];

/** Console sessions (dev identities) as callers: the same matrix through cookies and CSRF tokens. */
const SESSIONS: Record<string, { identity: string; roles: Role[] }> = {
  'session:ann': { identity: 'ann', roles: ['checker'] },
  'session:dee': { identity: 'dee', roles: ['auditor'] },
  'session:gus': { identity: 'gus', roles: ['admin', 'auditor'] },
  'session:cat': { identity: 'cat', roles: ['checker', 'submitter'] },
};
const sessionCookies: Record<string, { cookie: string; csrf: string }> = {};
/** Decisions needing review, one per accepted return call. */
const fresh: Record<Project, string[]> = { p1: [], p2: [] };

interface Expect {
  status: number;
  code?: string;
}

interface MatrixRow {
  route: RouteRow;
  caller: string;
  /** Authorization header, or undefined for none. */
  header?: string;
  /** A console session (by SESSIONS name) to call with; `csrf: false` leaves out its CSRF token. */
  session?: string;
  csrf?: boolean;
  project: Project;
  expect: Expect;
}

const UNAUTHENTICATED: Expect = { status: 401, code: 'UNAUTHENTICATED' };
const FORBIDDEN: Expect = { status: 403, code: 'FORBIDDEN' };

const allowed = (route: RouteRow): Expect => (route.okCode ? { status: route.ok, code: route.okCode } : { status: route.ok });

function expected(route: RouteRow, token: { roles: Role[]; projects?: Project[] }, project: Project): Expect {
  if (!route.roles.some((r) => token.roles.includes(r))) return FORBIDDEN;
  const covers = !token.projects || token.projects.includes(project);
  switch (route.project) {
    case 'refuse':
      return covers ? allowed(route) : FORBIDDEN;
    case 'hide':
      return covers ? allowed(route) : { status: 404, code: 'NOT_FOUND' };
    case 'all-only':
      return token.projects ? FORBIDDEN : allowed(route);
    case 'filter':
    case 'none':
      return allowed(route);
  }
}

const MATRIX: MatrixRow[] = ROUTES.flatMap((route) =>
  (['p1', 'p2'] as const).flatMap((project): MatrixRow[] => [
    { route, caller: 'no token', project, expect: UNAUTHENTICATED },
    { route, caller: 'unknown token', header: 'Bearer tok-nobody', project, expect: UNAUTHENTICATED },
    { route, caller: 'not a bearer header', header: `Basic ${Buffer.from('submitter-all:tok-submitter-all').toString('base64')}`, project, expect: UNAUTHENTICATED },
    { route, caller: 'empty bearer', header: 'Bearer ', project, expect: UNAUTHENTICATED },
    ...Object.entries(TOKENS).map(([name, token]) => ({ route, caller: name, header: `Bearer tok-${name}`, project, expect: expected(route, token, project) })),
    ...Object.entries(SESSIONS).map(([name, who]) => ({ route, caller: name, session: name, project, expect: expected(route, { roles: who.roles }, project) })),
    // A state-changing call with a session but without its CSRF token is refused before anything else.
    ...(route.method !== 'get' ? [{ route, caller: 'session:gus without CSRF token', session: 'session:gus', csrf: false, project, expect: { status: 403, code: 'CSRF_REJECTED' } }] : []),
  ]),
);

/** Every `METHOD path` the app routes, read from express's router (nested routers included). */
function routesOf(server: Server): string[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: unknown };
  const app = server.listeners('request').find((l) => typeof l === 'function' && 'router' in l) as unknown as { router: { stack: Layer[] } } | undefined;
  if (!app) throw new Error('no express app among the server request listeners');
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') out.push(`${m.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? `${prefix}${layer.rawPath}` : prefix);
      }
    }
  };
  walk(app.router.stack, '');
  return out.sort();
}

let s: TestServer;
let accepted = 0;
let before = 0;

beforeAll(async () => {
  // Enough checkers required that no verdict in the matrix settles a review (which would turn later verdicts into 409s).
  s = await testServer({ ...tokensFile(TOKENS).env, AIRLOCK_RATE_LIMIT: '0', AIRLOCK_CHECKERS_REQUIRED: '10' });
  // Deliveries of both projects to a port nothing listens on: undelivered, so the delivery list has each project's.
  await s.store.webhooks().addSubscription({ project: '*', url: 'http://127.0.0.1:9/hook', events: ['decision.created'], source: 'api', created_at: 0 });
  for (const p of ['p1', 'p2'] as const) {
    const res = await request(s.url).post('/v1/decisions').set('authorization', 'Bearer tok-submitter-all').send(needsReview(p));
    expect([res.status, res.body.decision?.outcome]).toEqual([201, 'review']);
    ids[p] = res.body.decision.id;
    const rel = await request(s.url).post('/v1/decisions').set('authorization', 'Bearer tok-submitter-all').send(tableRequest(csv, { index: 'r', columns: 'c' }, { project: p }));
    expect([rel.status, rel.body.decision?.outcome]).toEqual([201, 'release']);
    released[p] = rel.body.decision.id;
    const returns = MATRIX.filter((r) => r.route.path === '/v1/decisions/:id/return' && r.project === p).length;
    for (let i = 0; i < returns; i++) {
      const r = await request(s.url).post('/v1/decisions').set('authorization', 'Bearer tok-submitter-all').send(needsReview(p)).expect(201);
      fresh[p].push(r.body.decision.id);
    }
  }
  for (const [name, who] of Object.entries(SESSIONS)) {
    const res = await request(s.url).post('/v1/session/dev').send({ identity: who.identity }).expect(201);
    sessionCookies[name] = { cookie: String(res.headers['set-cookie']?.[0]).split(';')[0]!, csrf: res.body.csrf_token };
  }
  await s.store.webhooks().fanOut(Date.now());
  digest = s.ruleset().digest;
  before = (await s.store.list({}, { limit: 1000 })).items.length;
});
afterAll(async () => {
  await s.close();
});

describe('access control over every protected route', () => {
  it('the matrix names every route the app serves, and nothing else', () => {
    const known = [...ROUTES, ...PUBLIC].map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    expect(routesOf(s.server)).toEqual(known);
  });

  it('openapi.yaml documents every route: bearer security and 401/403 on protected ones, no security on public ones', () => {
    type Op = { security?: unknown; responses?: Record<string, unknown> };
    const paths = openApiDocument().paths as Record<string, Record<string, Op>>;
    const op = (method: string, path: string) => paths[path.replace(/:(\w+)/g, '{$1}')]?.[method];
    for (const r of ROUTES) {
      const doc = op(r.method, r.path);
      expect({ route: `${r.method} ${r.path}`, security: doc?.security, has401: Boolean(doc?.responses?.['401']), has403: Boolean(doc?.responses?.['403']) }).toEqual({
        route: `${r.method} ${r.path}`,
        security: [{ bearer: [] }],
        has401: true,
        has403: true,
      });
    }
    for (const r of PUBLIC) expect({ route: r.path, security: op(r.method, r.doc ?? r.path)?.security }).toEqual({ route: r.path, security: [] });
  });

  it('gives the dev-token helper nothing when a tokens file is configured', () => {
    expect(s.auth('submitter')).toEqual({});
  });

  it.each(MATRIX.map((r) => [`${r.route.method.toUpperCase()} ${r.route.path}`, r.caller, r.project, r.expect.status, r]))(
    '%s by %s for %s → %i',
    async (_route, _caller, _project, _status, row) => {
      const req = row.route.call(s.url, row.project);
      if (row.header !== undefined) req.set('authorization', row.header);
      if (row.session !== undefined) {
        const sc = sessionCookies[row.session]!;
        req.set('cookie', sc.cookie);
        if (row.csrf !== false) req.set('x-csrf-token', sc.csrf);
      }
      const res = await req;
      expect({ status: res.status, code: res.body?.code }).toEqual({ status: row.expect.status, code: row.expect.code });
      if (row.expect.code) {
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).not.toHaveProperty('decision');
      }
      if (res.status === 201) accepted += row.route.records ?? 1;
      const filter = row.route.filter;
      if (res.status === 200 && filter) {
        // Exactly the projects asked for that the token covers: both projects hold matching records.
        const token = TOKENS[row.caller] ?? { projects: undefined };
        const wanted = (filter.narrows ? [row.project] : (['p1', 'p2'] as const)).filter((p) => !token.projects || token.projects.includes(p));
        expect([...new Set(filter.projectsIn(res.body))].sort()).toEqual(wanted);
      }
    },
  );

  it('recorded a decision for every accepted submission and for no refused one', async () => {
    expect(accepted).toBeGreaterThan(0);
    expect((await s.store.list({}, { limit: 1000 })).items.length).toBe(before + accepted);
  });

  it.each(PUBLIC.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s needs no credential', async (_name, r) => {
    const res = await (r.call ? r.call(s.url) : request(s.url)[r.method](r.path));
    expect(r.status).toContain(res.status);
  });

  it.each(PUBLIC.filter((r) => r.method === 'get' && r.status.join() === '200').map((r) => [r.path]))('%s ignores an unknown bearer token', async (path) => {
    await request(s.url).get(path).set('authorization', 'Bearer tok-nobody').expect(200);
  });
});
