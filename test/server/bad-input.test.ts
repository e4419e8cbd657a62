import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await testServer({ AIRLOCK_JSON_LIMIT: '64kb', AIRLOCK_MAX_CELLS: '50' });
});
afterAll(async () => {
  await s.close();
});

const spec = { index: ['r'], columns: ['c'] };
const good = csvOf({ 'a|x': 12, 'b|x': 12 });
const withTable = (output: Record<string, unknown>) => ({ project: 'p', requester: 'r', outputs: [{ name: 't', kind: 'table', ...output }] });

const cases: [string, () => request.Test, number, string][] = [
  ['malformed JSON', () => request(s.url).post('/v1/decisions').set(s.auth()).set('content-type', 'application/json').send('{"project": '), 400, 'INVALID_JSON'],
  ['NaN literal', () => request(s.url).post('/v1/decisions').set(s.auth()).set('content-type', 'application/json').send('{"project":"p","requester":"r","outputs":[{"name":"t","kind":"table","statistic":"sum","cells":[{"labels":{"a":"b"},"count":NaN}]}]}'), 400, 'INVALID_JSON'],
  ['not JSON content type', () => request(s.url).post('/v1/decisions').set(s.auth()).set('content-type', 'text/plain').send('hello'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['missing project', () => request(s.url).post('/v1/decisions').set(s.auth()).send({ requester: 'r', outputs: [] }), 400, 'INVALID_REQUEST'],
  ['wrong type', () => request(s.url).post('/v1/decisions').set(s.auth()).send({ project: 1, requester: 'r', outputs: [] }), 400, 'INVALID_REQUEST'],
  ['unknown field', () => request(s.url).post('/v1/decisions').set(s.auth()).send({ ...tableRequest(good, spec), extra: true }), 400, 'INVALID_REQUEST'],
  ['unknown output field', () => request(s.url).post('/v1/decisions').set(s.auth()).send(withTable({ microdata: { format: 'csv', data: good }, spec, colour: 'red' })), 400, 'INVALID_REQUEST'],
  ['unknown kind', () => request(s.url).post('/v1/decisions').set(s.auth()).send({ project: 'p', requester: 'r', outputs: [{ name: 't', kind: 'poem' }] }), 400, 'INVALID_REQUEST'],
  ['both microdata and cells', () => request(s.url).post('/v1/decisions').set(s.auth()).send(withTable({ microdata: { format: 'csv', data: good }, spec, cells: [{ labels: { a: 'b' }, count: 1 }] })), 400, 'INVALID_REQUEST'],
  ['ragged CSV', () => request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest('r,c\na,x\nb\n', spec)), 422, 'CSV_RAGGED'],
  ['unterminated quote', () => request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest('r,c\n"a,x\n', spec)), 422, 'CSV_UNPARSEABLE'],
  ['empty CSV', () => request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest('', spec)), 422, 'MICRODATA_EMPTY'],
  ['spec names a missing column', () => request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(good, { index: ['r'], columns: ['region'] })), 422, 'UNKNOWN_COLUMN'],
  ['non-numeric measure', () => request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest('r,c,v\na,x,12\na,x,twelve\n', { ...spec, values: 'v', aggfunc: 'sum' })), 422, 'NON_NUMERIC_MEASURE'],
  ['Infinity in a CSV measure', () => request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest('r,c,v\na,x,Infinity\n', { ...spec, values: 'v', aggfunc: 'sum' })), 422, 'NON_NUMERIC_MEASURE'],
  ['measure without aggfunc', () => request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(good, { ...spec, values: 'v' })), 422, 'SPEC_INVALID'],
  ['dimension used twice', () => request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(good, { index: ['r'], columns: ['r'] })), 422, 'SPEC_INVALID'],
  ['incomplete pre-aggregated grid', () => request(s.url).post('/v1/decisions').set(s.auth()).send(withTable({ statistic: 'frequency', cells: [{ labels: { a: '1', b: 'x' }, count: 20 }, { labels: { a: '2', b: 'y' }, count: 20 }] })), 422, 'CELLS_INVALID'],
  ['top not descending', () => request(s.url).post('/v1/decisions').set(s.auth()).send(withTable({ statistic: 'sum', cells: [{ labels: { a: '1' }, count: 20, sum: 100, top: [10, 20] }] })), 422, 'CELLS_INVALID'],
  ['negative count', () => request(s.url).post('/v1/decisions').set(s.auth()).send(withTable({ statistic: 'frequency', cells: [{ labels: { a: '1' }, count: -1 }] })), 400, 'INVALID_REQUEST'],
  ['duplicate output names', () => request(s.url).post('/v1/decisions').set(s.auth()).send({ project: 'p', requester: 'r', outputs: [0, 1].map(() => ({ name: 't', kind: 'table', microdata: { format: 'csv', data: good }, spec })) }), 422, 'DUPLICATE_OUTPUT_NAME'],
  ['too many cells', () => request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(csvOf(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`r${i}|x`, 1]))), spec)), 422, 'TABLE_TOO_LARGE'],
  ['oversized body', () => request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest('r,c\n' + 'a,x\n'.repeat(20_000), spec)), 413, 'BODY_TOO_LARGE'],
];

describe('bad input never yields a decision', () => {
  it.each(cases)('%s → %i %s', async (_name, send, status, code) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe(code);
    expect(res.body.decision).toBeUndefined();
    expect(typeof res.body.detail).toBe('string');
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('points at the offending line of a ragged CSV', async () => {
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest('r,c\na,x\nb\n', spec));
    expect(res.body.errors[0]).toMatchObject({ line: 3, pointer: expect.stringContaining('/outputs/0/microdata/data') });
  });

  it('does not echo a cell value in a measure error', async () => {
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest('r,c,v\na,x,SECRET-4711\n', { ...spec, values: 'v', aggfunc: 'sum' }));
    expect(res.body.code).toBe('NON_NUMERIC_MEASURE');
    expect(JSON.stringify(res.body)).not.toContain('SECRET-4711');
  });
});
