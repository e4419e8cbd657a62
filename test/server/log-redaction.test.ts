import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { RunningServer } from '../../src/server/start-server.js';
import { startServer } from '../../src/server/start-server.js';
import { tempDir } from '../helpers/temp-dirs.js';

/** Values that exist only in table cells (and one token); none may appear in any log line. */
const LABEL = 'Qx7PlantedLabel';
const VALUE = '918273.645';
const TOKEN = 'planted-token-Wv3';

const lines: string[] = [];
const waiting: (() => void)[] = [];
let s: RunningServer;
let dataDir: string;
let auth: Record<string, string>;

beforeAll(async () => {
  dataDir = tempDir('airlock-logs-');
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', AIRLOCK_DATA_DIR: dataDir, AIRLOCK_RULES_DIR: resolve('rules'), AIRLOCK_JSON_LIMIT: '64kb' });
  const sink = new Writable({
    write: (chunk, _enc, done) => {
      lines.push(String(chunk));
      for (const wake of waiting.splice(0)) wake();
      done();
    },
  });
  s = await startServer(config, { logger: createLogger('trace', sink) });
  const t = s.devToken?.('submitter');
  auth = t ? { authorization: `Bearer ${t}` } : {};
});
afterAll(async () => {
  await s.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const completes = (line: string): boolean => ['request completed', 'request failed'].includes((JSON.parse(line) as { msg?: string }).msg ?? '');

/**
 * The log lines one request produces, up to its completion line (written when the response
 * finishes, so possibly after the client has it: wait for the line itself, not for time).
 */
async function logsOf(send: () => PromiseLike<unknown>): Promise<string[]> {
  const from = lines.length;
  await send();
  while (!lines.slice(from).some(completes)) await new Promise<void>((wake) => waiting.push(wake));
  return lines.slice(from);
}

/** Each request's own lines: logged, and without any planted value. */
function expectClean(mine: string[]): void {
  expect(mine.some(completes)).toBe(true);
  const all = mine.join('');
  expect(all).not.toContain(LABEL);
  expect(all).not.toContain(VALUE);
  expect(all).not.toContain(TOKEN);
}

const csv = (rows: string[]) => `r,c,v\n${rows.join('\n')}\n`;
const many = (n: number, row: string) => Array.from({ length: n }, () => row);
const table = (output: Record<string, unknown>) => ({ project: 'p', requester: 'alice', outputs: [{ name: 't1', kind: 'table', ...output }] });
const spec = { index: ['r'], columns: ['c'], values: 'v', aggfunc: 'sum' };

describe('a unique value planted in a table cell never reaches the logs', () => {
  it.each([
    ['a released CSV table', 201, table({ microdata: { format: 'csv', data: csv([...many(12, `${LABEL},x,${VALUE}`), ...many(12, 'b,x,5')]) }, spec })],
    ['a rejected CSV table', 201, table({ microdata: { format: 'csv', data: csv([`${LABEL},x,${VALUE}`, ...many(12, 'b,x,5')]) }, spec })],
    ['JSON rows', 201, table({ microdata: { format: 'json', data: [{ r: LABEL, c: 'x', v: Number(VALUE) }] }, spec })],
    ['pre-aggregated cells', 201, table({ statistic: 'frequency', cells: [{ labels: { r: LABEL }, count: 30 }, { labels: { r: 'b' }, count: 40 }] })],
    ['a non-numeric measure', 422, table({ microdata: { format: 'csv', data: csv([`a,x,${LABEL}`]) }, spec })],
    ['a ragged CSV row', 422, table({ microdata: { format: 'csv', data: `r,c,v\n${LABEL},x\n` }, spec })],
    ['a request failing the schema', 400, { project: 'p', requester: 'alice', outputs: [{ name: 't1', kind: 'table', microdata: { format: 'csv', data: LABEL, extra: VALUE } }] }],
    ['an oversized body', 413, table({ microdata: { format: 'csv', data: csv(many(3000, `${LABEL},x,${VALUE}`)) }, spec })],
  ])('%s → %i', async (_what, status, body) => {
    expectClean(await logsOf(() => request(s.url).post(`/v1/decisions?note=${LABEL}`).set(auth).send(body).expect(status)));
  });

  it('invalid JSON → 400', async () => {
    expectClean(await logsOf(() => request(s.url).post('/v1/decisions').set(auth).set('content-type', 'application/json').send(`{"outputs": ["${LABEL}", ${VALUE}`).expect(400)));
  });

  it('a bearer token never reaches the logs either', async () => {
    const mine = await logsOf(() => request(s.url).get('/v1/rulesets/active').set('Authorization', `Bearer ${TOKEN}`).expect(401));
    expectClean(mine);
  });
});
