/**
 * Issue 13 item 3, bounded work per request, over HTTP against a real server and SQLite file:
 * - each part of the work budget (cells across a request, the size of a table to protect, the
 *   response, the evidence stored) refuses an oversized request with 413
 *   `WORK_BUDGET_EXCEEDED` naming the numbers, and nothing is recorded;
 * - while the worst request the budget allows is being evaluated (in the worker pool, held
 *   there by the pool's test hook so it is certainly running at its deadline), `/healthz` and
 *   small decisions keep being answered before it ends; it ends at its deadline with a
 *   `REQUEST_TIMEOUT` problem and no record, and the service decides normally after.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/test-server.js';
import { csvOf, tableRequest, testServer } from '../helpers/test-server.js';
import { hardTable } from '../helpers/hard-table.js';

let datasets = 0;
const dataset = () => `budget-${process.pid}-${++datasets}`;

async function recordCount(s: TestServer): Promise<number> {
  let n = 0;
  for await (const _ of s.store.scan()) n++;
  return n;
}

const post = (s: TestServer, body: object) => request(s.url).post('/v1/decisions').set(s.auth('submitter')).send(body);
const small = () => tableRequest(csvOf({ 'a|x': 30, 'b|x': 25, 'a|y': 20, 'b|y': 40 }), { index: ['r'], columns: ['c'] }, { dataset: dataset() });

describe('the work budget refuses oversized requests before the work (413, nothing recorded)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer({ AIRLOCK_MAX_REQUEST_CELLS: '60', AIRLOCK_MAX_PROTECTED_CELLS: '12', AIRLOCK_MAX_RESPONSE_BYTES: '16384', AIRLOCK_MAX_EVIDENCE_BYTES: '4096' });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  async function refused(body: object, pattern: RegExp): Promise<void> {
    const before = await recordCount(s);
    const res = await post(s, body);
    expect(res.status, JSON.stringify(res.body)).toBe(413);
    expect(res.body.code).toBe('WORK_BUDGET_EXCEEDED');
    expect(res.body.detail).toMatch(pattern);
    expect(await recordCount(s)).toBe(before);
  }

  it('a small table is within every budget', async () => {
    const res = await post(s, small());
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('cells across the request: three 5 × 5 tables with margins are 75 cells > 60', async () => {
    const grid = (name: string) => hardTable(4, false, name);
    await refused({ project: 'p', requester: 'r', dataset: dataset(), outputs: [grid('a'), grid('b'), grid('c')] }, /\(this one 25\): 75, over the budget of 60 \(AIRLOCK_MAX_REQUEST_CELLS\)/);
  });

  it('protection: a failing 5 × 5 table (25 cells) is larger than 12', async () => {
    await refused({ project: 'p', requester: 'r', dataset: dataset(), outputs: [hardTable(4)] }, /cells of a failing table to protect: 25, over the budget of 12 \(AIRLOCK_MAX_PROTECTED_CELLS\)/);
  });

  it('response: a passing table whose labels make the decision larger than 16 KiB', async () => {
    const long = (i: number) => `${'x'.repeat(1000 - 1)}${i}`;
    const cells = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ labels: { r: long(i) }, count: 20 }));
    await refused({ project: 'p', requester: 'r', dataset: dataset(), outputs: [{ name: 't', kind: 'table', statistic: 'frequency', cells }] }, /bytes of response .* over the budget of 16,384 \(AIRLOCK_MAX_RESPONSE_BYTES\)/);
  });

  it('evidence: a passing table whose stored cells exceed 4 KiB', async () => {
    const cells = [0, 1].map((i) => ({ labels: { r: `${'y'.repeat(900)}${i}` }, count: 20 }));
    await refused({ project: 'p', requester: 'r', dataset: dataset(), outputs: [{ name: 't', kind: 'table', statistic: 'frequency', cells }] }, /bytes of evidence to store: [\d,]+, over the budget of 4,096 \(AIRLOCK_MAX_EVIDENCE_BYTES\)/);
  });
});

describe('the worst request the budget allows does not stall the service', () => {
  let s: TestServer;
  // The pool holds each output evaluation while hold[0] is 1: the big request is certainly still
  // in its worker when its deadline passes, however fast or loaded the machine is.
  const hold = new Int32Array(new SharedArrayBuffer(4));
  beforeAll(async () => {
    // 10 s: long enough for the follow-up requests on a loaded CI machine; the held one ends only then.
    s = await testServer({ AIRLOCK_REQUEST_TIMEOUT_MS: '10000', AIRLOCK_RATE_LIMIT: '0' }, { workerHold: hold });
  }, 60_000);
  afterAll(async () => {
    Atomics.store(hold, 0, 0);
    Atomics.notify(hold, 0);
    await s?.close();
  });

  it('healthz and small decisions are answered while it runs; it ends at its deadline with a problem and no record', async () => {
    // Warm the path so the big request is what is measured.
    expect((await post(s, small())).status).toBe(201);
    const before = await recordCount(s);
    Atomics.store(hold, 0, 1);
    let bigDone = false;
    // 199 × 199 with margins: 40,000 cells, the default protection budget; evaluated in the pool.
    const big = post(s, { project: 'p', requester: 'r', dataset: dataset(), outputs: [hardTable(199)] }).then((res) => {
      bigDone = true;
      return res;
    });
    // While it is in flight: /healthz in one loop, small decisions (evaluated on the event loop)
    // in another, until each has been answered enough times; every answer must come before the
    // big request ends, which it can only do at its deadline.
    let health = 0;
    let decisions = 0;
    const healthLoop = (async () => {
      while (health < 10) {
        const h = await request(s.url).get('/healthz');
        expect(h.status).toBe(200);
        expect(bigDone).toBe(false);
        health++;
      }
    })();
    const decisionLoop = (async () => {
      while (decisions < 3) {
        const d = await post(s, small());
        expect(d.status).toBe(201);
        expect(bigDone).toBe(false);
        decisions++;
      }
    })();
    await Promise.all([healthLoop, decisionLoop]);
    const res = await big;
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(503);
    expect(res.body.code).toBe('REQUEST_TIMEOUT');
    // Nothing recorded for the big request: only the small decisions.
    expect(await recordCount(s)).toBe(before + decisions);
    // The cancelled worker is gone; released, the pool evaluates a large table (71 × 71 cells,
    // passing) and protects a small failing one again.
    Atomics.store(hold, 0, 0);
    Atomics.notify(hold, 0);
    const large = await post(s, { project: 'p', requester: 'r', dataset: dataset(), outputs: [hardTable(70, false)] });
    expect(large.status, JSON.stringify(large.body).slice(0, 300)).toBe(201);
    expect(large.body.decision.outputs[0].table.cells).toHaveLength(71 * 71);
    const after = await post(s, { project: 'p', requester: 'r', dataset: dataset(), outputs: [hardTable(6)] });
    expect(after.status, JSON.stringify(after.body).slice(0, 300)).toBe(201);
    expect(after.body.decision.outputs[0].protected).toMatchObject({ rechecked: true });
  }, 120_000);
});
