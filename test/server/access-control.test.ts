/**
 * The whole access-control matrix over HTTP: every protected route × every kind of caller
 * (no token, unknown token, malformed header, each role, project-restricted tokens) × the
 * project of the resource. The routes are read from the running app's router, so a route added
 * without a row here fails the test instead of slipping through unprotected.
 */
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
  method: 'get' | 'post';
  path: string;
  /** Any one of these roles lets the caller in. */
  roles: Role[];
  ok: number;
  project: ProjectRule;
  /** The request for a resource of `project`, without credentials. */
  call(url: string, project: Project): request.Test;
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
    roles: ['checker', 'auditor'],
    ok: 200,
    project: 'hide',
    call: (url, project) => request(url).get(`/v1/decisions/${ids[project]}/reviews`),
  },
  {
    method: 'post',
    path: '/v1/decisions/:id/reviews',
    roles: ['checker'],
    ok: 201,
    project: 'hide',
    call: (url, project) => request(url).post(`/v1/decisions/${ids[project]}/reviews`).send({ verdict: 'release', justification: 'every cell is safe to release' }),
  },
];

const PUBLIC: { method: 'get'; path: string }[] = [
  { method: 'get', path: '/healthz' },
  { method: 'get', path: '/readyz' },
  { method: 'get', path: '/.well-known/jwks.json' },
];

interface Expect {
  status: number;
  code?: string;
}

interface MatrixRow {
  route: RouteRow;
  caller: string;
  /** Authorization header, or undefined for none. */
  header?: string;
  project: Project;
  expect: Expect;
}

const UNAUTHENTICATED: Expect = { status: 401, code: 'UNAUTHENTICATED' };
const FORBIDDEN: Expect = { status: 403, code: 'FORBIDDEN' };

function expected(route: RouteRow, token: { roles: Role[]; projects?: Project[] }, project: Project): Expect {
  if (!route.roles.some((r) => token.roles.includes(r))) return FORBIDDEN;
  const covers = !token.projects || token.projects.includes(project);
  switch (route.project) {
    case 'refuse':
      return covers ? { status: route.ok } : FORBIDDEN;
    case 'hide':
      return covers ? { status: route.ok } : { status: 404, code: 'NOT_FOUND' };
    case 'all-only':
      return token.projects ? FORBIDDEN : { status: route.ok };
    case 'filter':
    case 'none':
      return { status: route.ok };
  }
}

const MATRIX: MatrixRow[] = ROUTES.flatMap((route) =>
  (['p1', 'p2'] as const).flatMap((project): MatrixRow[] => [
    { route, caller: 'no token', project, expect: UNAUTHENTICATED },
    { route, caller: 'unknown token', header: 'Bearer tok-nobody', project, expect: UNAUTHENTICATED },
    { route, caller: 'not a bearer header', header: `Basic ${Buffer.from('submitter-all:tok-submitter-all').toString('base64')}`, project, expect: UNAUTHENTICATED },
    { route, caller: 'empty bearer', header: 'Bearer ', project, expect: UNAUTHENTICATED },
    ...Object.entries(TOKENS).map(([name, token]) => ({ route, caller: name, header: `Bearer tok-${name}`, project, expect: expected(route, token, project) })),
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
  for (const p of ['p1', 'p2'] as const) {
    const res = await request(s.url).post('/v1/decisions').set('authorization', 'Bearer tok-submitter-all').send(needsReview(p));
    expect([res.status, res.body.decision?.outcome]).toEqual([201, 'review']);
    ids[p] = res.body.decision.id;
  }
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
    for (const r of PUBLIC) expect({ route: r.path, security: op(r.method, r.path)?.security }).toEqual({ route: r.path, security: [] });
  });

  it('gives the dev-token helper nothing when a tokens file is configured', () => {
    expect(s.auth('submitter')).toEqual({});
  });

  it.each(MATRIX.map((r) => [`${r.route.method.toUpperCase()} ${r.route.path}`, r.caller, r.project, r.expect.status, r]))(
    '%s by %s for %s → %i',
    async (_route, _caller, _project, _status, row) => {
      const req = row.route.call(s.url, row.project);
      if (row.header !== undefined) req.set('authorization', row.header);
      const res = await req;
      expect({ status: res.status, code: res.body?.code }).toEqual({ status: row.expect.status, code: row.expect.code });
      if (row.expect.code) {
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).not.toHaveProperty('decision');
      }
      if (res.status === 201) accepted++;
      const filter = row.route.filter;
      if (res.status === 200 && filter) {
        // Exactly the projects asked for that the token covers: both projects hold matching records.
        const token = TOKENS[row.caller]!;
        const wanted = (filter.narrows ? [row.project] : (['p1', 'p2'] as const)).filter((p) => !token.projects || token.projects.includes(p));
        expect([...new Set(filter.projectsIn(res.body))].sort()).toEqual(wanted);
      }
    },
  );

  it('recorded a decision for every accepted submission and for no refused one', async () => {
    expect(accepted).toBeGreaterThan(0);
    expect((await s.store.list({}, { limit: 1000 })).items.length).toBe(before + accepted);
  });

  it.each(PUBLIC.map((r) => [r.path]))('%s needs no token, and ignores an unknown one', async (path) => {
    await request(s.url).get(path).expect(200);
    await request(s.url).get(path).set('authorization', 'Bearer tok-nobody').expect(200);
  });
});
