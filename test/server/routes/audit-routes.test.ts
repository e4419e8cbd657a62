/**
 * The auditors' read API over HTTP: `GET /v1/decisions` filters and cursor pagination,
 * `GET /v1/decisions/{id}` returning what the POST returned, and auditors restricted to some
 * projects seeing nothing else.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaValidator, type SchemaName } from '../../../src/api/openapi.js';
import type { Outcome } from '../../../src/domain.js';
import { verifyDecisionResponse } from '../../../src/signing/verify-decision.js';
import { csvOf, tableRequest, testServer, type TestServer } from '../../helpers/test-server.js';
import { tokensFile } from '../../helpers/tokens-file.js';

interface Item {
  decision: { id: string; project: string; requester: string; outcome: Outcome; dataset: string | null; ruleset: { digest: string } };
  signature: string;
  audit: { seq: number; hash: string; prev: string };
  recorded_at: string;
  kind: string;
  submitted_by: string;
}

const tokens = tokensFile({
  submitter: { roles: ['submitter'] },
  auditor: { roles: ['auditor'] },
  'auditor-p1': { roles: ['auditor'], projects: ['p1'] },
});

/** The request fields; a request without a dataset leaves it out (it is recorded as null). */
const fields = (project: string, requester: string, dataset: string | null) => ({ project, requester, ...(dataset === null ? {} : { dataset }) });
const BODY: Record<Outcome, (project: string, requester: string, dataset: string | null) => Record<string, unknown>> = {
  release: (...f) => tableRequest(csvOf({ 'a|x': 12, 'b|x': 11 }), { index: 'r', columns: 'c' }, fields(...f)),
  reject: (...f) => tableRequest(csvOf({ 'a|x': 2, 'b|x': 11 }), { index: 'r', columns: 'c' }, fields(...f)),
  review: (...f) => ({ ...fields(...f), outputs: [{ name: 'cost', kind: 'table', statistic: 'sum', cells: [{ labels: { site: 'A' }, count: 30, sum: 1000 }] }] }),
};

/**
 * [project, requester, dataset, outcome], in submission order (seq 1…12). Tables released in
 * one project and dataset all have the same population total, and the review ones are alone
 * in theirs, so the differencing check leaves every outcome as listed.
 */
const SPECS: [string, string, string | null, Outcome][] = [
  ['p1', 'alice', 'd1', 'release'],
  ['p1', 'bob', 'd1', 'reject'],
  ['p2', 'alice', 'd2', 'release'],
  ['p2', 'carol', null, 'review'],
  ['p1', 'alice', 'd2', 'reject'],
  ['p1', 'carol', 'd3', 'review'],
  ['p2', 'bob', 'd1', 'release'],
  ['p1', 'alice', null, 'release'],
  ['p2', 'alice', 'd1', 'reject'],
  ['p1', 'bob', 'd2', 'release'],
  ['p2', 'carol', 'd3', 'review'],
  ['p1', 'alice', 'd1', 'release'],
];

let s: TestServer;
const posted: Item[] = [];
/** Every record, newest first, as the unfiltered list returns it. */
let all: Item[] = [];

async function list(query: Record<string, string | number>, who = 'auditor'): Promise<{ items: Item[]; next_cursor: string | null }> {
  return (await request(s.url).get('/v1/decisions').query(query).set(tokens.auth(who)).expect(200)).body;
}

/** Follows next_cursor to the end; returns every page. */
async function walk(query: Record<string, string | number>, who = 'auditor', between?: () => Promise<void>): Promise<Item[][]> {
  const pages: Item[][] = [];
  let cursor: string | null = null;
  do {
    const page = await list(cursor ? { ...query, cursor } : query, who);
    pages.push(page.items);
    cursor = page.next_cursor;
    if (pages.length === 1) await between?.();
  } while (cursor && pages.length < 100);
  return pages;
}

const ids = (items: Item[]) => items.map((i) => i.decision.id);

beforeAll(async () => {
  s = await testServer({ ...tokens.env, AIRLOCK_RATE_LIMIT: '0' });
  for (const [project, requester, dataset, outcome] of SPECS) {
    const res = await request(s.url).post('/v1/decisions').set(tokens.auth('submitter')).send(BODY[outcome](project, requester, dataset)).expect(201);
    expect(res.body.decision.outcome).toBe(outcome);
    posted.push(res.body as Item);
  }
  all = (await list({ limit: 1000 })).items;
});
afterAll(async () => {
  await s.close();
});

describe('GET /v1/decisions', () => {
  it('lists every record newest first, as recorded', () => {
    expect(all.map((i) => i.audit.seq)).toEqual(SPECS.map((_, i) => SPECS.length - i));
    expect(ids(all)).toEqual(ids(posted).reverse());
    expect(all.every((i) => i.kind === 'decision' && i.submitted_by === 'submitter')).toBe(true);
  });

  it.each<[string, () => Record<string, string>, (i: Item) => boolean]>([
    ['project', () => ({ project: 'p2' }), (i) => i.decision.project === 'p2'],
    ['requester', () => ({ requester: 'bob' }), (i) => i.decision.requester === 'bob'],
    ['outcome', () => ({ outcome: 'review' }), (i) => i.decision.outcome === 'review'],
    ['dataset', () => ({ dataset: 'd1' }), (i) => i.decision.dataset === 'd1'],
    ['ruleset digest in force', () => ({ ruleset_digest: s.ruleset().digest }), () => true],
    ['another ruleset digest', () => ({ ruleset_digest: 'f'.repeat(64) }), () => false],
    ['kind', () => ({ kind: 'decision' }), () => true],
    ['from (inclusive)', () => ({ from: all[6]!.recorded_at }), (i) => i.recorded_at >= all[6]!.recorded_at],
    ['to (exclusive)', () => ({ to: all[3]!.recorded_at }), (i) => i.recorded_at < all[3]!.recorded_at],
    ['a time range', () => ({ from: all[9]!.recorded_at, to: all[2]!.recorded_at }), (i) => i.recorded_at >= all[9]!.recorded_at && i.recorded_at < all[2]!.recorded_at],
    ['a time range in the future', () => ({ from: '2999-01-01T00:00:00Z' }), () => false],
    ['project, outcome and requester together', () => ({ project: 'p1', outcome: 'release', requester: 'alice' }), (i) => i.decision.project === 'p1' && i.decision.outcome === 'release' && i.decision.requester === 'alice'],
  ])('filters by %s', async (_label, query, keep) => {
    const expected = ids(all.filter(keep));
    expect(ids((await list({ ...query(), limit: 1000 })).items)).toEqual(expected);
  });

  it.each([1, 2, 5, 11, 12, 13])('walks every record exactly once with limit %i', async (limit) => {
    const pages = await walk({ limit });
    expect(pages).toHaveLength(Math.max(1, Math.ceil(all.length / limit)));
    expect(pages.every((p) => p.length <= limit)).toBe(true);
    expect(ids(pages.flat())).toEqual(ids(all));
  });

  it('walks a filtered list the same way', async () => {
    const pages = await walk({ project: 'p1', outcome: 'release', limit: 2 });
    expect(ids(pages.flat())).toEqual(ids(all.filter((i) => i.decision.project === 'p1' && i.decision.outcome === 'release')));
    expect(pages).toHaveLength(2);
  });

  it.each<[string, Record<string, string>]>([
    ['an unknown outcome', { outcome: 'maybe' }],
    ['limit 0', { limit: '0' }],
    ['limit over the maximum', { limit: '1001' }],
    ['a limit that is not a number', { limit: 'ten' }],
    ['a from that is not a date', { from: 'yesterday' }],
    ['a to that is not a date', { to: '2024-13-45' }],
    ['a cursor not made by the API', { cursor: 'c2VxOmFiYw' }],
    ['an empty project', { project: '' }],
  ])('refuses %s with 400 INVALID_REQUEST', async (_label, query) => {
    const res = await request(s.url).get('/v1/decisions').query(query).set(tokens.auth('auditor'));
    expect([res.status, res.body.code]).toEqual([400, 'INVALID_REQUEST']);
  });

  it('refuses a filter given twice', async () => {
    const res = await request(s.url).get('/v1/decisions?project=p1&project=p2').set(tokens.auth('auditor'));
    expect([res.status, res.body.code]).toEqual([400, 'INVALID_REQUEST']);
  });
});

describe('responses match the schemas openapi.yaml publishes', () => {
  it.each<[string, string, () => Promise<unknown[]>]>([
    ['GET /v1/decisions', 'DecisionPage', async () => [await list({ limit: 3 })]],
    ['GET /v1/decisions/{id}', 'RecordedDecision', async () => Promise.all(posted.map(async (p) => (await request(s.url).get(`/v1/decisions/${p.decision.id}`).set(tokens.auth('auditor')).expect(200)).body))],
    ['GET /v1/audit/verify', 'AuditVerification', async () => [(await request(s.url).get('/v1/audit/verify').set(tokens.auth('auditor')).expect(200)).body]],
    ['GET /.well-known/jwks.json', 'Jwks', async () => [(await request(s.url).get('/.well-known/jwks.json').expect(200)).body]],
    [
      'GET /v1/audit/export (each line)',
      'AuditExportRecord',
      async () => {
        const res = await request(s.url).get('/v1/audit/export').set(tokens.auth('auditor')).expect(200).expect('content-type', /^application\/x-ndjson/).buffer(true).parse((r, cb) => {
          let text = '';
          r.setEncoding('utf8');
          r.on('data', (c: string) => (text += c));
          r.on('end', () => cb(null, text));
        });
        return (res.body as string).trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
      },
    ],
  ])('%s is a %s', async (_route, schema, bodies) => {
    const validate = schemaValidator(schema as SchemaName);
    for (const b of await bodies()) expect(() => validate(b)).not.toThrow();
  });
});

describe('GET /v1/decisions/{id}', () => {
  it('returns the same decision, signature and chain position as the POST did', async () => {
    for (const p of posted) {
      const res = await request(s.url).get(`/v1/decisions/${p.decision.id}`).set(tokens.auth('auditor')).expect(200);
      expect({ decision: res.body.decision, signature: res.body.signature, audit: res.body.audit }).toEqual(p);
      expect(res.body).toMatchObject({ kind: 'decision', submitted_by: 'submitter', recorded_at: all.find((i) => i.decision.id === p.decision.id)!.recorded_at });
    }
  });

  it('returns a response that verifies offline against the published JWKS', async () => {
    const jwks = (await request(s.url).get('/.well-known/jwks.json').expect(200)).body;
    const res = await request(s.url).get(`/v1/decisions/${posted[3]!.decision.id}`).set(tokens.auth('auditor')).expect(200);
    expect(await verifyDecisionResponse(res.body, jwks)).toEqual({ ok: true, kid: s.keys.signing.kid });
  });

  it('answers 404 NOT_FOUND for an unknown id', async () => {
    const res = await request(s.url).get('/v1/decisions/00000000-0000-7000-8000-000000000000').set(tokens.auth('auditor')).expect(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('an auditor restricted to project p1', () => {
  const p1 = () => all.filter((i) => i.decision.project === 'p1');

  it('lists only p1, whatever the filter', async () => {
    expect(ids((await list({ limit: 1000 }, 'auditor-p1')).items)).toEqual(ids(p1()));
    expect((await list({ project: 'p2' }, 'auditor-p1')).items).toEqual([]);
    expect(ids((await list({ requester: 'alice' }, 'auditor-p1')).items)).toEqual(ids(p1().filter((i) => i.decision.requester === 'alice')));
  });

  it('pages through p1 only', async () => {
    const pages = await walk({ limit: 3 }, 'auditor-p1');
    expect(ids(pages.flat())).toEqual(ids(p1()));
    expect(pages).toHaveLength(Math.ceil(p1().length / 3));
  });

  it('reads a p1 decision, and gets the unknown-id answer for a p2 one', async () => {
    const mine = posted.find((p) => p.decision.project === 'p1')!;
    const theirs = posted.find((p) => p.decision.project === 'p2')!;
    await request(s.url).get(`/v1/decisions/${mine.decision.id}`).set(tokens.auth('auditor-p1')).expect(200);
    const hidden = await request(s.url).get(`/v1/decisions/${theirs.decision.id}`).set(tokens.auth('auditor-p1')).expect(404);
    const unknown = await request(s.url).get('/v1/decisions/00000000-0000-7000-8000-000000000000').set(tokens.auth('auditor-p1')).expect(404);
    const shape = (b: Record<string, unknown>) => ({ ...b, detail: undefined, instance: undefined });
    expect(shape(hidden.body)).toEqual(shape(unknown.body));
    expect(JSON.stringify(hidden.body)).not.toContain('p2');
  });
});

describe('pagination while decisions keep arriving', () => {
  it('never repeats or skips a record: new ones land before the first page, not in the walk', async () => {
    const before = (await list({ limit: 1000 })).items;
    let added = '';
    const pages = await walk({ limit: 4 }, 'auditor', async () => {
      added = (await request(s.url).post('/v1/decisions').set(tokens.auth('submitter')).send(BODY.release('p1', 'dave', null)).expect(201)).body.decision.id;
    });
    expect(ids(pages.flat())).toEqual(ids(before));
    expect(ids((await list({ limit: 1 })).items)).toEqual([added]);
  });
});
