import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCaseRules } from '../../../src/cli/commands/conformance.js';
import { caseRequest, compareCase, readCases } from '../../../src/conformance/run-conformance.js';
import { csvOf, tableRequest, testServer, type TestServer } from '../../helpers/test-server.js';
import { sharedPath } from '../../helpers/shared-dir.js';
import { tempDir } from '../../helpers/temp-dirs.js';

// Both transports must give the same decisions: the conformance cases run through this route
// too, and every case's table and findings must equal the JSON API's.
// Read during collection (one test per case), only when ../shared is there; otherwise those tests skip.
const TABLES = sharedPath('conformance/tables');
const cases = TABLES === null ? [] : readCases(TABLES);
const rulesDir = tempDir('airlock-csv-rules-');
writeCaseRules(resolve('rules'), rulesDir, cases);
// This file tests the transport: requests without a dataset are compared within themselves only.
writeFileSync(join(rulesDir, 'default.yaml'), readFileSync(join(rulesDir, 'default.yaml'), 'utf8').replace('require_dataset: true', 'require_dataset: false'));

let s: TestServer;
let small: TestServer;
beforeAll(async () => {
  s = await testServer({ AIRLOCK_RULES_DIR: rulesDir });
  small = await testServer({ AIRLOCK_CSV_LIMIT: '1kb' });
});
afterAll(async () => {
  await Promise.all([s.close(), small.close()]);
  rmSync(rulesDir, { recursive: true, force: true });
});

interface JsonTableRequest {
  project: string;
  dataset?: string;
  requester: string;
  outputs: { name: string; microdata: { data: string }; spec: { index: string[] | string; columns?: string[] | string; values?: string; aggfunc?: string; margins?: boolean } }[];
}

/** The query of the CSV route for the same request as a JSON body. */
function queryOf(body: JsonTableRequest): Record<string, string> {
  const o = body.outputs[0];
  const list = (v: string[] | string | undefined) => (v === undefined ? undefined : typeof v === 'string' ? v : v.join(','));
  const q: Record<string, string | undefined> = {
    project: body.project,
    requester: body.requester,
    name: o.name,
    // The JSON twin is its own population: the two must not be differenced against each other.
    ...(body.dataset ? { dataset: `${body.dataset}-csv` } : {}),
    index: list(o.spec.index),
    columns: list(o.spec.columns),
    values: o.spec.values,
    aggfunc: o.spec.aggfunc,
    margins: o.spec.margins === undefined ? undefined : String(o.spec.margins),
  };
  return Object.fromEntries(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined));
}

const postCsv = (server: TestServer, query: Record<string, string>, csv: string | Buffer, type = 'text/csv') =>
  request(server.url).post('/v1/decisions/csv').query(query).set(server.auth()).set('content-type', type).send(csv);

/** An output decision without what differs by transport (the digest covers different bytes). */
// The digest differs by route (bytes vs JSON), and so does a protected version's token id
// (each offer has its own `jti`); everything else must be the same.
const comparable = (out: Record<string, unknown>) => {
  const p = out.protected as { protection?: unknown } | null | undefined;
  return { ...out, sha256: undefined, ...(p ? { protected: { ...p, protection: undefined } } : {}) };
};

const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** Sends `csv` in `size`-byte chunks with chunked transfer coding (no Content-Length). */
function postChunked(server: TestServer, q: Record<string, string>, csv: Buffer, size: number): Promise<{ status: number; body: Record<string, any> }> {
  const target = new URL(server.url);
  const path = `/v1/decisions/csv?${new URLSearchParams(q)}`;
  return new Promise((done, fail) => {
    const req = httpRequest({ host: target.hostname, port: target.port, path, method: 'POST', headers: { 'content-type': 'text/csv; charset=utf-8', ...server.auth() } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (p: Buffer) => parts.push(p));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString('utf8')) }));
    });
    // The server may answer and close before the whole body is sent (a refused upload).
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : fail(e)));
    for (let i = 0; i < csv.length; i += size) req.write(csv.subarray(i, i + size));
    req.end();
  });
}

const safe = csvOf({ 'a|x': 12, 'a|y': 15, 'b|x': 11, 'b|y': 20 });
const query = { project: 'test-project', requester: 'alice', name: 'table1', index: 'r', columns: 'c' };

describe('POST /v1/decisions/csv', () => {
  it('decides like the JSON API and names the SHA-256 of the uploaded bytes', async () => {
    const res = await postCsv(s, { ...query, dataset: 'cohort' }, safe).expect(201);
    // Another dataset: the same table of the same dataset would be differenced against the first (a pass finding more).
    const viaJson = await request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(safe, { index: ['r'], columns: ['c'] }, { dataset: 'cohort-json' })).expect(201);
    const out = res.body.decision.outputs[0];
    expect(out.sha256).toBe(sha256(safe));
    expect(comparable(out)).toEqual(comparable(viaJson.body.decision.outputs[0]));
    expect(res.body.decision).toMatchObject({ outcome: 'release', project: 'test-project', requester: 'alice', dataset: 'cohort' });
  });

  it.each(cases.map((c) => [c.name, c] as const))('conformance case %s gives the expected verdicts and the JSON API decision', async (_name, c) => {
    const body = caseRequest(c) as JsonTableRequest;
    const [viaCsv, viaJson] = await Promise.all([postCsv(s, queryOf(body), c.csv), request(s.url).post('/v1/decisions').set(s.auth()).send(body)]);
    expect(viaCsv.status).toBe(201);
    expect(compareCase(c, viaCsv.body.decision.outputs[0])).toEqual([]);
    expect(comparable(viaCsv.body.decision.outputs[0])).toEqual(comparable(viaJson.body.decision.outputs[0]));
  });

  it('a large upload (its parsed columns moved to a pool worker for the table and checks) decides like the JSON API', async () => {
    // 110,043 rows, 1.3 MB: past the size from which an output is evaluated in the worker pool; a:y fails.
    const large = csvOf({ 'a|x': 60_000, 'b|x': 50_000, 'a|y': 3, 'b|y': 40 });
    const [viaCsv, viaJson] = await Promise.all([
      postCsv(s, { ...query, dataset: 'large' }, large),
      request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(large, { index: ['r'], columns: ['c'] }, { dataset: 'large-json' })),
    ]);
    expect(viaCsv.status, JSON.stringify(viaCsv.body).slice(0, 300)).toBe(201);
    expect(viaJson.status).toBe(201);
    const out = viaCsv.body.decision.outputs[0];
    expect(out.sha256).toBe(sha256(large));
    expect(out.outcome).not.toBe('release');
    expect(out.table.cells.reduce((n: number, c: { count: number }) => n + c.count, 0)).toBe(110_043);
    expect(comparable(out)).toEqual(comparable(viaJson.body.decision.outputs[0]));
  }, 60_000);

  it('parses a body that arrives in tiny chunks without a Content-Length', async () => {
    const csv = Buffer.from(`\ufeff"r",c,v\r\n${csvOf({ 'a|x': 12, 'b|"y"': 11 }, (i) => i * 7.5).split('\n').slice(1).join('\r\n')}`);
    const q = { ...query, values: 'v', aggfunc: 'sum' };
    const answer = await postChunked(s, q, csv, 3);
    expect(answer.status).toBe(201);
    const whole = await postCsv(s, q, csv).expect(201);
    expect(comparable(answer.body.decision.outputs[0])).toEqual(comparable(whole.body.decision.outputs[0]));
    expect(answer.body.decision.outputs[0].sha256).toBe(sha256(csv));
  });
});

const bad: [string, number, string, () => PromiseLike<{ status: number; headers?: Record<string, string>; body: Record<string, any> }>][] = [
  ['ragged CSV', 422, 'CSV_RAGGED', () => postCsv(s, query, 'r,c\na,x\nb\n')],
  ['unterminated quote', 422, 'CSV_UNPARSEABLE', () => postCsv(s, query, 'r,c\n"a,x\n')],
  ['unknown column', 422, 'UNKNOWN_COLUMN', () => postCsv(s, { ...query, columns: 'region' }, safe)],
  ['non-numeric measure', 422, 'NON_NUMERIC_MEASURE', () => postCsv(s, { ...query, values: 'v', aggfunc: 'sum' }, 'r,c,v\na,x,twelve\n')],
  ['empty body', 422, 'MICRODATA_EMPTY', () => postCsv(s, query, '')],
  ['measure without aggfunc', 422, 'SPEC_INVALID', () => postCsv(s, { ...query, values: 'v' }, safe)],
  ['dimension on both axes', 422, 'SPEC_INVALID', () => postCsv(s, { ...query, columns: 'r' }, safe)],
  ['missing project', 400, 'INVALID_REQUEST', () => postCsv(s, { ...query, project: undefined } as unknown as Record<string, string>, safe)],
  ['missing index', 400, 'INVALID_REQUEST', () => postCsv(s, { ...query, index: undefined } as unknown as Record<string, string>, safe)],
  ['empty column name', 400, 'INVALID_REQUEST', () => postCsv(s, { ...query, columns: 'c,' }, safe)],
  ['unknown query parameter', 400, 'INVALID_REQUEST', () => postCsv(s, { ...query, colour: 'red' }, safe)],
  ['repeated query parameter', 400, 'INVALID_REQUEST', () => request(s.url).post('/v1/decisions/csv?project=a&project=b&requester=r&name=t&index=r').set(s.auth()).set('content-type', 'text/csv').send(safe)],
  ['unknown aggfunc', 400, 'INVALID_REQUEST', () => postCsv(s, { ...query, values: 'v', aggfunc: 'total' }, safe)],
  ['margins not a boolean', 400, 'INVALID_REQUEST', () => postCsv(s, { ...query, margins: 'yes' }, safe)],
  ['JSON content type', 415, 'UNSUPPORTED_MEDIA_TYPE', () => postCsv(s, query, safe, 'application/json')],
  ['octet-stream content type', 415, 'UNSUPPORTED_MEDIA_TYPE', () => postCsv(s, query, Buffer.from(safe), 'application/octet-stream')],
  ['latin-1 charset', 415, 'UNSUPPORTED_MEDIA_TYPE', () => postCsv(s, query, safe, 'text/csv; charset=iso-8859-1')],
  ['gzip content coding', 415, 'UNSUPPORTED_MEDIA_TYPE', () => postCsv(s, query, safe).set('content-encoding', 'gzip')],
  ['body over AIRLOCK_CSV_LIMIT', 413, 'BODY_TOO_LARGE', () => postCsv(small, query, `r,c\n${'a,x\n'.repeat(300)}`)],
  ['chunked body over AIRLOCK_CSV_LIMIT', 413, 'BODY_TOO_LARGE', () => postChunked(small, query, Buffer.from(`r,c\n${'a,x\n'.repeat(3000)}`), 512)],
];

describe('POST /v1/decisions/csv refuses bad input', () => {
  it.each(bad)('%s → %i %s', async (_name, status, code, send) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    expect(res.body.type).toBe(`urn:airlock:problem:${code}`);
    expect(res.body.decision).toBeUndefined();
  });

  it('points at the line of a ragged record', async () => {
    const res = await postCsv(s, query, 'r,c\na,x\nb\n').expect(422);
    expect(res.body.errors[0]).toMatchObject({ line: 3 });
  });
});
