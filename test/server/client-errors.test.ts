/**
 * Issue 13, finding 5: bad input that used to be a 5xx — sums overflowing to infinity, a JSON
 * number 1e309, a lone surrogate, nesting 10,000 deep, a malformed percent-escape, an oversized
 * field — is a 4xx with a stable code; and no 5xx response carries an internal message. The
 * routes are fuzzed a little (seeded) to find what the list misses.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { resolve } from 'node:path';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { hashToken } from '../../src/auth/tokens.js';
import { AirlockError, ERRORS } from '../../src/errors.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { MAX_JSON_DEPTH, MAX_LABEL_LENGTH } from '../../src/limits.js';
import { createLogger } from '../../src/logger.js';
import { loadRuleset } from '../../src/rules/load-ruleset.js';
import { createApp } from '../../src/server/create-app.js';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await testServer({ AIRLOCK_RATE_LIMIT: '0' });
});
afterAll(async () => {
  await s.close();
});

const spec = { index: ['r'], columns: ['c'] };
const postText = (body: string, type = 'application/json') => request(s.url).post('/v1/decisions').set(s.auth()).set('content-type', type).send(body);
const post = (body: unknown) => request(s.url).post('/v1/decisions').set(s.auth()).send(body as object);
const cells = (c: unknown[], statistic = 'frequency') => ({ project: 'p', requester: 'r', outputs: [{ name: 't', kind: 'table', statistic, cells: c }] });
const deepArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** A model output with `nested` under hyperparameters.x: the body's depth is 4 + the depth of `nested`. */
const model = (nested: string) => `{"project":"p","requester":"r","outputs":[{"name":"m","kind":"model","family":"random_forest","n_train":100,"format":"onnx","hyperparameters":{"x":${nested}}}]}`;
const csvRoute = (csv: string | Buffer, query = 'project=p&requester=r&name=t&index=r&columns=c') =>
  request(s.url).post(`/v1/decisions/csv?${query}`).set(s.auth()).set('content-type', 'text/csv').send(csv);

/** Each: what is sent, the status and code expected. */
/** Raw bytes as the body (superagent would JSON-encode a Buffer), answered as status and parsed problem. */
function postBytes(bytes: Buffer, type = 'application/json'): Promise<{ status: number; body: { code?: string }; headers: Record<string, unknown> }> {
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest(`${s.url}/v1/decisions`, { method: 'POST', headers: { ...s.auth(), 'content-type': type, 'content-length': bytes.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code?: string }, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

type Answer = { status: number; body: { code?: string; decision?: unknown }; headers: Record<string, unknown> };

const cases: [string, number, string, () => PromiseLike<Answer>][] = [
  ['a sum of finite values overflowing to infinity', 422, 'VALUE_OVERFLOW', () => post(tableRequest(csvOf({ 'a|x': 12, 'b|x': 12 }, () => 1e308), { ...spec, values: 'v', aggfunc: 'sum' }))],
  ['Σ|x| overflowing while the sum does not', 422, 'VALUE_OVERFLOW', () => post(tableRequest(csvOf({ 'a|x': 12, 'b|x': 12 }, (i) => (i % 2 ? 1e308 : -1e308)), { ...spec, values: 'v', aggfunc: 'sum' }))],
  ['a standard deviation whose squares overflow', 422, 'VALUE_OVERFLOW', () => post(tableRequest(csvOf({ 'a|x': 12, 'b|x': 12 }, (i) => (i % 2 ? 1e200 : -1e200)), { ...spec, values: 'v', aggfunc: 'std' }))],
  ['a margin overflowing over cells that do not', 422, 'VALUE_OVERFLOW', () => post(tableRequest(csvOf({ 'a|x': 12, 'b|x': 12 }, () => 1e307), { ...spec, values: 'v', aggfunc: 'sum', margins: true }))],
  ['the JSON number 1e309', 400, 'NUMBER_OUT_OF_RANGE', () => postText(JSON.stringify(cells([{ labels: { a: 'x' }, count: 20, sum: 1 }], 'sum')).replace('"sum":1', '"sum":1e309'))],
  ['the JSON number -1e309 as a count', 400, 'NUMBER_OUT_OF_RANGE', () => postText(JSON.stringify(cells([{ labels: { a: 'x' }, count: 20 }])).replace('"count":20', '"count":-1e309'))],
  ['a lone surrogate in a label', 400, 'INVALID_UNICODE', () => postText(JSON.stringify(cells([{ labels: { a: 'x' }, count: 20 }])).replace('"x"', '"\\ud800"'))],
  ['a lone low surrogate in a variable name', 400, 'INVALID_UNICODE', () => postText(JSON.stringify(cells([{ labels: { a: 'x' }, count: 20 }])).replace('{"a":', '{"\\udc00":'))],
  ['a lone surrogate inside CSV microdata', 400, 'INVALID_UNICODE', () => postText(JSON.stringify(tableRequest(csvOf({ 'a|x': 12 }), spec)).replace('a,x,', '\\ud83d,x,'))],
  ['a lone surrogate in the project', 400, 'INVALID_UNICODE', () => postText('{"project":"p\\ud800","requester":"r","outputs":[]}')],
  ['invalid UTF-8 bytes', 400, 'INVALID_UNICODE', () => postBytes(Buffer.concat([Buffer.from('{"project":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","requester":"r","outputs":[]}')]))],
  ['a UTF-16 body', 415, 'UNSUPPORTED_MEDIA_TYPE', () => postBytes(Buffer.from('{"project":"p","requester":"r","outputs":[]}', 'utf16le'), 'application/json; charset=utf-16le')],
  ['arrays nested 10,000 deep', 400, 'JSON_TOO_DEEP', () => postText(model(deepArrays(10_000)))],
  ['objects nested 100,000 deep', 400, 'JSON_TOO_DEEP', () => postText(model(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`))],
  [`nesting one level past the limit (${MAX_JSON_DEPTH})`, 400, 'JSON_TOO_DEEP', () => postText(model(deepArrays(MAX_JSON_DEPTH - 3)))],
  ['deep nesting on the review route', 400, 'JSON_TOO_DEEP', () => request(s.url).post(`/v1/decisions/${'0'.repeat(8)}/reviews`).set(s.auth('checker')).set('content-type', 'application/json').send(deepArrays(20_000))],
  ['a malformed percent-escape in a decision id', 400, 'INVALID_PATH', () => request(s.url).get('/v1/decisions/%E0%A4%A').set(s.auth('auditor'))],
  ['a lone % in a rule set digest', 400, 'INVALID_PATH', () => request(s.url).get('/v1/rulesets/%').set(s.auth('admin'))],
  ['an overlong UTF-8 escape on the review route', 400, 'INVALID_PATH', () => request(s.url).post('/v1/decisions/%C0%80/reviews').set(s.auth('checker')).send({ outcome: 'release' })],
  ['an encoded surrogate in the reviews path', 400, 'INVALID_PATH', () => request(s.url).get('/v1/decisions/%ED%A0%80/reviews').set(s.auth('auditor'))],
  [`a CSV label longer than ${MAX_LABEL_LENGTH} characters (JSON transport)`, 422, 'FIELD_TOO_LARGE', () => post(tableRequest(`r,c\n${'x'.repeat(MAX_LABEL_LENGTH + 1)},y\n`, spec))],
  ['a 5 MB field in a read column (CSV route)', 422, 'FIELD_TOO_LARGE', () => csvRoute(`r,c\n${'x'.repeat(5_000_000)},y\n`)],
  ['a 5 MB quoted field spanning chunks (CSV route)', 422, 'FIELD_TOO_LARGE', () => csvRoute(`r,c\n"${'x,'.repeat(2_500_000)}",y\n`)],
  ['an overlong column name in the header', 422, 'FIELD_TOO_LARGE', () => csvRoute(`r,c,${'h'.repeat(MAX_LABEL_LENGTH + 1)}\na,x,1\n`)],
  ['an overlong variable name in pre-aggregated cells', 400, 'INVALID_REQUEST', () => post(cells([{ labels: { ['v'.repeat(MAX_LABEL_LENGTH + 1)]: 'x' }, count: 20 }]))],
  ['an overlong column name in a table spec', 400, 'INVALID_REQUEST', () => post(tableRequest('r,c\na,x\n', { index: ['r'.repeat(MAX_LABEL_LENGTH + 1)] }))],
  ['an overlong label in JSON rows', 422, 'FIELD_TOO_LARGE', () => post({ project: 'p', requester: 'r', outputs: [{ name: 't', kind: 'table', microdata: { format: 'json', data: [{ r: 'y'.repeat(MAX_LABEL_LENGTH + 1), c: 'x' }] }, spec }] })],
];

describe('bad input is a 4xx with a stable code, never a 5xx', () => {
  it.each(cases)('%s → %i %s', async (_name, status, code, send) => {
    const res = await send();
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.decision).toBeUndefined();
  });

  it('a label of exactly the limit and a long field in a column not read are accepted', async () => {
    const label = 'é'.repeat(MAX_LABEL_LENGTH);
    const csv = `r,c,notes\n${Array.from({ length: 12 }, () => `${label},x,${'n'.repeat(100_000)}`).join('\n')}\n`;
    const res = await csvRoute(csv);
    expect(res.status).toBe(201);
    expect(res.body.decision.outputs[0].table.cells[0].labels.r).toBe(label);
  });

  it('holds CSV and JSON-rows labels to the openapi Label maxLength', () => {
    const openapi = parseYaml(readFileSync('openapi.yaml', 'utf8')) as { components: { schemas: { Label: { maxLength: number } } } };
    expect(openapi.components.schemas.Label.maxLength).toBe(MAX_LABEL_LENGTH);
  });

  it('nesting up to the limit is read as usual', async () => {
    const res = await postText(model(deepArrays(MAX_JSON_DEPTH - 4)));
    expect(res.status).toBe(201);
    expect(res.body.decision.outputs[0].name).toBe('m');
  });
});

describe('5xx responses carry no internal message', () => {
  const rules = loadRuleset(resolve('rules'));
  const secret = 'decision cannot be signed: Invalid string length at /srv/airlock/src/signing/x.ts:12 (57P01)';
  const app = (finalize: () => never = () => {
    throw new Error('not reached');
  }) =>
    createApp({
      config: loadConfig({ AIRLOCK_RULES_DIR: resolve('rules'), LOG_LEVEL: 'silent', AIRLOCK_RATE_LIMIT: '0' }),
      ruleset: () => rules,
      logger: createLogger('silent'),
      tokens: [{ name: 'caller', sha256: hashToken('caller-token'), roles: ['submitter'] }],
      finalize,
      extend: (a: express.Express) => {
        a.get('/boom', () => {
          throw new TypeError(secret);
        });
      },
    });
  const body = tableRequest(csvOf({ 'a|x': 12 }), spec);

  it.each(['INTERNAL', 'STORE_UNAVAILABLE', 'CONFIG_INVALID', 'RULES_INVALID'] as const)('an AirlockError %s keeps its message and details to the log', async (code) => {
    const res = await request(
      app(() => {
        throw new AirlockError(code, secret, [{ pointer: '/outputs/0/table/cells/0/value', message: secret }]);
      }),
    )
      .post('/v1/decisions')
      .set('authorization', 'Bearer caller-token')
      .send(body);
    expect(res.status).toBe(ERRORS[code].status);
    expect(res.body).toEqual({ type: `urn:airlock:problem:${code}`, title: ERRORS[code].title, status: ERRORS[code].status, code, detail: ERRORS[code].title, instance: '/v1/decisions' });
  });

  it('an unexpected exception is INTERNAL with the catalogue title only', async () => {
    const res = await request(app()).get('/boom');
    expect(res.status).toBe(500);
    expect(res.text).not.toMatch(/Invalid string length|\.ts:|57P01|TypeError/);
  });

  it('STORE_UNAVAILABLE tells the client when to retry', async () => {
    const res = await request(
      app(() => {
        throw new AirlockError('STORE_UNAVAILABLE', secret);
      }),
    )
      .post('/v1/decisions')
      .set('authorization', 'Bearer caller-token')
      .send(body);
    expect(res.headers['retry-after']).toBe('1');
  });
});

describe('fuzzing the routes (seeded)', () => {
  /** Values a hostile or broken client might put anywhere. */
  const HOSTILE: unknown[] = [null, true, 0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, '', ' ', 'x'.repeat(MAX_LABEL_LENGTH + 5), 'All', '=1+2', '\u0000', '../..', [], {}, [null], { a: null }, [[[[[]]]]]];
  const base = (): Record<string, unknown> => ({
    project: 'p',
    requester: 'r',
    dataset: 'cohort',
    outputs: [
      { name: 't', kind: 'table', microdata: { format: 'csv', data: 'r,c,v\na,x,1\na,x,2\nb,y,3\n' }, spec: { index: ['r'], columns: ['c'], values: 'v', aggfunc: 'sum' } },
      { name: 'c', kind: 'table', statistic: 'sum', cells: [{ labels: { g: 'a' }, count: 12, sum: 100, top: [30, 20] }] },
      { name: 'm', kind: 'model', family: 'ols', n_obs: 100, n_params: 3 },
      { name: 's', kind: 'summary', statistics: [{ name: 'age', statistic: 'mean', n: 40, value: 3 }] },
      { name: 'f', kind: 'file', filename: 'a.csv', content_base64: Buffer.from('a,b\n1,2\n').toString('base64') },
    ],
  });
  /** Every (container, key) in a value, to pick one to replace. */
  const slots = (v: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []) => {
    if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i]), slots(x, out)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push([v as Record<string, unknown>, k]), slots(x, out);
    return out;
  };

  it('300 mutated decision requests: every answer is a 201 or a 4xx problem from the catalogue', async () => {
    const random = seededRandom(13);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const seen = new Map<number, number>();
    for (let n = 0; n < 300; n++) {
      const body = base();
      for (let m = 1 + Math.floor(random() * 3); m > 0; m--) {
        const [container, key] = pick(slots(body));
        (container as Record<string | number, unknown>)[key] = structuredClone(pick(HOSTILE));
      }
      const res = await post(body);
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
      if (res.status >= 500 || (res.status !== 201 && !(res.body.code in ERRORS))) {
        throw new Error(`${res.status} ${res.text.slice(0, 300)} for ${JSON.stringify(body).slice(0, 600)}`);
      }
    }
    // The fuzz reached both sides: some mutations are harmless, most are refused.
    expect(seen.get(201)).toBeGreaterThan(0);
    expect([...seen.keys()].some((st) => st >= 400)).toBe(true);
  });

  it('mutated paths and query strings on every read route: never a 5xx', async () => {
    const random = seededRandom(29);
    const pieces = ['%', '%%', '%E0%A4%A', '%C0%80', '%ED%A0%80', '%00', '..', '%2e%2e', 'x'.repeat(5000), '%F0%9F%98', '~', '%FF'];
    const routes: [string, string][] = [
      ['/v1/decisions/', 'auditor'],
      ['/v1/decisions?limit=', 'auditor'],
      ['/v1/decisions?cursor=', 'auditor'],
      ['/v1/decisions?from=', 'auditor'],
      ['/v1/audit/export?from_seq=', 'auditor'],
      ['/v1/rulesets/', 'admin'],
      ['/v1/reviews?limit=', 'checker'],
      ['/v1/decisions/csv?project=p&requester=r&name=t&index=', 'submitter'],
    ];
    for (let n = 0; n < 120; n++) {
      const [prefix, role] = routes[Math.floor(random() * routes.length)]!;
      const path = prefix + pieces[Math.floor(random() * pieces.length)]! + pieces[Math.floor(random() * pieces.length)]!;
      const req = prefix.startsWith('/v1/decisions/csv') ? request(s.url).post(path).set('content-type', 'text/csv').send('r\na\n') : request(s.url).get(path);
      const res = await req.set(s.auth(role));
      if (res.status >= 500) throw new Error(`${res.status} ${res.text.slice(0, 300)} for ${path.slice(0, 200)}`);
    }
  });
});
