/**
 * Differencing over HTTP, against the real audit store (SQLite file, and PostgreSQL in a
 * throwaway schema): a table released, then the same table minus a few records, is rejected
 * citing the earlier decision; minus at least `threshold` records it is not; another dataset
 * is never compared; two tables of one request are compared with each other.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, OutputDecision } from '../../src/domain.js';
import { PG_URL, dropSchema, uniqueSchema } from '../helpers/pg-schema.js';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';

interface Created {
  decision: { id: string; outcome: string; outputs: OutputDecision[] };
}

const BASE = { 'a|x': 30, 'b|x': 25, 'a|y': 20, 'b|y': 40 };
const spec = { index: ['r'], columns: ['c'], margins: true };

function differencingOf(o: OutputDecision): Finding[] {
  return o.findings.filter((f) => f.check === 'differencing');
}

const pgSchema = uniqueSchema('differencing');
const backends: [string, () => Promise<TestServer>, () => Promise<void>][] = [
  ['SQLite', () => testServer(), async () => undefined],
  ['PostgreSQL', () => testServer({ DATABASE_URL: PG_URL, AIRLOCK_DATABASE_SCHEMA: pgSchema }), () => dropSchema(pgSchema)],
];

describe.each(backends)('differencing against the release history (%s)', (_name, start, cleanup) => {
  let s: TestServer;
  const post = async (body: object): Promise<Created> => {
    const res = await request(s.url).post('/v1/decisions').set(s.auth('submitter')).send(body);
    expect(res.status).toBe(201);
    return res.body as Created;
  };
  const table = (cells: Record<string, number>, dataset: string, tableSpec: Record<string, unknown> = spec) => tableRequest(csvOf(cells), tableSpec, { dataset });

  beforeAll(async () => {
    s = await start();
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await cleanup();
  });

  it('rejects the same table minus a few records, citing the earlier decision; at least threshold fewer is fine', async () => {
    const first = await post(table(BASE, 'cohort-1'));
    expect(first.decision.outcome).toBe('release');
    // Nothing earlier to compare with: no differencing finding at all.
    expect(differencingOf(first.decision.outputs[0]!)).toEqual([]);

    const minus3 = await post(table({ ...BASE, 'a|x': 27 }, 'cohort-1'));
    expect(minus3.decision.outcome).toBe('reject');
    const [f] = differencingOf(minus3.decision.outputs[0]!);
    expect(f).toMatchObject({ status: 'fail', related: [{ output: 'table1', decision_id: first.decision.id }] });
    expect(f!.cells?.map((c) => [c.labels, c.count, c.reason])).toEqual([
      [{ c: 'x', r: 'a' }, 27, `27 in this group, 30 in the same group of output "table1" released in decision ${first.decision.id} (0 < 3 < threshold 10)`],
      [{ c: 'x', r: 'All' }, 52, expect.stringMatching(/^52 in this group, 55 in the same group/)],
      [{ c: 'All', r: 'a' }, 47, expect.stringMatching(/^47 in this group, 50 in the same group/)],
      [{ c: 'All', r: 'All' }, 112, expect.stringMatching(/^112 in this group, 115 in the same group/)],
    ]);
    expect(f!.message).toContain(`released in decision ${first.decision.id}`);
    expect(f!.remedy).toMatch(/withdraw this output/);
    // Every other check passed: differencing alone rejects it.
    expect(minus3.decision.outputs[0]!.findings.filter((x) => x.status !== 'pass').map((x) => x.check)).toEqual(['differencing']);

    const minus10 = await post(table({ ...BASE, 'a|x': 20 }, 'cohort-1'));
    expect(minus10.decision.outcome).toBe('release');
    expect(differencingOf(minus10.decision.outputs[0]!)).toEqual([
      expect.objectContaining({ status: 'pass', message: expect.stringMatching(/^Compared with 1 other output of population "cohort-1" by labels/) }),
    ]);

    // The rejected table was never released, so it is not history; the two released ones are.
    const again = await post(table({ ...BASE, 'a|x': 25 }, 'cohort-1'));
    expect(again.decision.outcome).toBe('reject');
    expect(differencingOf(again.decision.outputs[0]!).map((x) => x.related)).toEqual([
      [{ output: 'table1', decision_id: first.decision.id }],
      [{ output: 'table1', decision_id: minus10.decision.id }],
    ]);
  });

  it('never compares tables of another dataset', async () => {
    expect((await post(table(BASE, 'cohort-2a'))).decision.outcome).toBe('release');
    const other = await post(table({ ...BASE, 'a|x': 27 }, 'cohort-2b'));
    expect(other.decision.outcome).toBe('release');
    expect(differencingOf(other.decision.outputs[0]!)).toEqual([]);
  });

  it('rejects two tables of one request that differ by a few records, naming each other', async () => {
    const body = {
      project: 'test-project',
      requester: 'alice',
      dataset: 'cohort-3',
      outputs: [
        { name: 'all-sites', kind: 'table', microdata: { format: 'csv', data: csvOf(BASE) }, spec },
        { name: 'without-site-9', kind: 'table', microdata: { format: 'csv', data: csvOf({ ...BASE, 'b|y': 36 }) }, spec },
      ],
    };
    const res = await post(body);
    expect(res.decision.outcome).toBe('reject');
    const [a, b] = res.decision.outputs;
    expect(a!.outcome).toBe('reject');
    expect(b!.outcome).toBe('reject');
    expect(differencingOf(a!)).toMatchObject([{ status: 'fail', related: [{ output: 'without-site-9' }] }]);
    expect(differencingOf(b!)).toMatchObject([{ status: 'fail', related: [{ output: 'all-sites' }] }]);
    expect(differencingOf(a!)[0]!.cells?.[0]).toMatchObject({ labels: { c: 'y', r: 'b' }, count: 40 });
    // Neither was released, so neither is history for the next request.
    const next = await post(table({ ...BASE, 'b|y': 36 }, 'cohort-3'));
    expect(next.decision.outcome).toBe('release');
  });

  it('rejects a population total a few records off an earlier total of another table of the dataset', async () => {
    const byRow = await post(table(BASE, 'cohort-4', { index: ['r'] }));
    expect(byRow.decision.outcome).toBe('release');
    const byCol = await post(table({ ...BASE, 'b|y': 38 }, 'cohort-4', { index: ['c'] }));
    expect(byCol.decision.outcome).toBe('reject');
    const [f] = differencingOf(byCol.decision.outputs[0]!);
    expect(f).toMatchObject({ status: 'fail', related: [{ output: 'table1', decision_id: byRow.decision.id }] });
    expect(f!.cells).toEqual([{ labels: { c: 'All' }, value: null, count: 113, reason: `113 in this group, 115 in the same group of output "table1" released in decision ${byRow.decision.id} (0 < 2 < threshold 10)` }]);
  });
});
