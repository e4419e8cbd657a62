/**
 * Unit-mode differencing end to end: summaries and plots sent with their microdata and a unit
 * column (spec.unit) over HTTP, against the real SQLite history. Renamed statistics and
 * padding hide nothing: the units are compared.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
});
afterAll(async () => {
  await s.close();
});

const people = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `unit-${from + i},${20 + ((from + i) % 50)}`).join('\n');
const summary = (name: string, rows: string, measure = 'age') => ({
  name,
  kind: 'summary',
  microdata: { format: 'csv', data: `pid,${measure}\n${rows}\n` },
  spec: { unit: 'pid', values: measure },
  statistics: [{ name: measure, statistic: 'mean' }],
});
const post = (dataset: string, outputs: Record<string, unknown>[]) => request(s.url).post('/v1/decisions').set(s.auth()).send({ project: 'p1', requester: 'alice', dataset, outputs }).expect(201);

describe('unit-mode differencing over HTTP', () => {
  it('a summary over 199 people after one over the 200, under another measure name: rejected by units', async () => {
    const first = (await post('cohort-units', [summary('s1', people(1, 200))])).body.decision;
    expect(first.outcome).toBe('release');
    // Another name for the measure: label mode cannot match them; the units still do.
    const second = (await post('cohort-units', [summary('s2', people(2, 200), 'age_years')])).body.decision;
    expect(second.outcome).toBe('reject');
    const f = second.outputs[0].findings.find((x: { check: string; status: string }) => x.check === 'differencing' && x.status === 'fail');
    expect(f.related).toEqual([{ output: 's1', decision_id: first.id }]);
    expect(JSON.stringify(second)).not.toMatch(/unit-1\b/);
  });

  it('the same people under re-keyed identifiers get review (coverage rule)', async () => {
    await post('cohort-rekeyed', [summary('s1', people(1, 200))]);
    const rekeyed = Array.from({ length: 150 }, (_, i) => `x${i},${30 + (i % 40)}`).join('\n');
    const d = (await post('cohort-rekeyed', [summary('s2', rekeyed)])).body.decision;
    expect(d.outcome).toBe('review');
    expect(d.outputs[0].findings.find((x: { check: string; status: string }) => x.check === 'differencing' && x.status === 'review').message).toMatch(/^units do not match/);
  });
});
