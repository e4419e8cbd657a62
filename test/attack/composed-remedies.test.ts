/**
 * The seams of the parse → checks → remedies composition (src/pipeline/evaluate-output.ts): a
 * remedy is no longer part of its output kind, so every path that decides an output must still
 * apply it, keep the findings it repairs, never let it (or an exception) turn a failing output
 * into a release, and record exactly the version offered. Each route goes over HTTP to a real
 * server under the shipped rules.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINKED_ROWS } from '../helpers/linked-rows.js';
import { csvOf, testServer, type TestServer } from '../helpers/test-server.js';

interface Finding {
  check: string;
  status: string;
  original_status?: string;
}
interface Out {
  name: string;
  kind: string;
  outcome: string;
  findings: Finding[];
  protected?: { rechecked?: boolean; suppressed?: number[]; bins?: unknown[]; linked_tables?: string[]; rows?: { labels: Record<string, string>; suppressed: boolean }[] } | null;
  protection_refused?: string;
  exception?: { justification: string };
}
interface Decision {
  id: string;
  outcome: string;
  outputs: Out[];
}

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
});
afterAll(async () => {
  await s?.close();
});

let datasets = 0;
const dataset = () => `composed-${process.pid}-${++datasets}`;
const failing = (o: Out) => o.findings.filter((f) => f.status === 'fail').map((f) => f.check);
// An exception turns each failing finding into `review`, keeping what the checks said.
const failedBeforeException = (o: Out) => o.findings.filter((f) => f.status === 'review' && f.original_status === 'fail').map((f) => f.check);
// One small cell (north/young: 3 people) in an otherwise safe 3 × 3 table with margins.
const smallCell = csvOf({ 'north|young': 3, 'north|mid': 25, 'north|old': 20, 'south|young': 30, 'south|mid': 45, 'south|old': 40, 'east|young': 50, 'east|mid': 65, 'east|old': 60 });
const justification = { justification: 'The three are hospitals, whose counts are public.' };

async function decideJson(outputs: Record<string, unknown>[]): Promise<{ decision: Decision; resubmit?: Record<string, { protection?: string }> }> {
  const res = await request(s.url).post('/v1/decisions').set(s.auth()).send({ project: 'test-project', requester: 'alice', dataset: dataset(), outputs });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** What the audit store keeps of the decision must be the decision answered, protected version included. */
async function expectRecorded(decision: Decision): Promise<void> {
  const record = await s.store.get(decision.id);
  expect(record?.decision).toEqual(decision);
}

describe('remedies composed by the pipeline', () => {
  it('an exception on a failing table is reviewed, never released; the protected version is still offered, sealed and recorded', async () => {
    const { decision, resubmit } = await decideJson([{ name: 't', kind: 'table', microdata: { format: 'csv', data: smallCell }, spec: { index: 'r', columns: 'c', margins: true }, exception: justification }]);
    const out = decision.outputs[0]!;
    expect(out.outcome).toBe('review');
    expect(decision.outcome).toBe('review');
    // The finding the remedy repairs is kept: the checker sees why the exception was asked for.
    expect(failedBeforeException(out)).toContain('min_count');
    expect(out.exception).toEqual(justification);
    expect(out.protected?.rechecked).toBe(true);
    expect(out.protected?.suppressed?.length).toBeGreaterThan(1);
    expect(resubmit?.t?.protection?.split('.')).toHaveLength(3);
    await expectRecorded(decision);
  });

  it('an exception on a table linked to another of the request keeps the version protected against both (issue 12)', async () => {
    // The 3-way fails (F/A/x = 3); the 2-way's A/x = F/A/x + M/A/x would give it away unless M/A/x is suppressed too.
    const { decision, resubmit } = await decideJson([
      { name: 'three_way', kind: 'table', microdata: { format: 'json', data: LINKED_ROWS }, spec: { index: ['region', 'sex'], columns: 'diagnosis', margins: true }, exception: justification },
      { name: 'by_region_diagnosis', kind: 'table', microdata: { format: 'json', data: LINKED_ROWS }, spec: { index: 'region', columns: 'diagnosis', margins: true } },
    ]);
    const three = decision.outputs[0]!;
    expect(three.outcome).toBe('review');
    expect(failedBeforeException(three)).toContain('min_count');
    // Withdrawing the offer without a word leaves the checker nothing safe to release but the table itself.
    expect(three.protection_refused).toBeUndefined();
    expect(three.protected?.linked_tables).toEqual(['by_region_diagnosis']);
    const cell = (sex: string) => three.protected?.rows?.find((r) => r.labels.region === 'A' && r.labels.sex === sex && r.labels.diagnosis === 'x');
    expect(cell('F')?.suppressed).toBe(true);
    expect(cell('M')?.suppressed).toBe(true);
    expect(resubmit?.three_way?.protection?.split('.')).toHaveLength(3);
    await expectRecorded(decision);
  });

  it('a failing table sent as raw CSV gets the same remedy as the JSON route, and its record holds it', async () => {
    const res = await request(s.url)
      .post('/v1/decisions/csv')
      .query({ project: 'test-project', requester: 'alice', dataset: dataset(), name: 't', index: 'r', columns: 'c', margins: 'true' })
      .set(s.auth())
      .set('content-type', 'text/csv')
      .send(smallCell);
    expect(res.status, res.text).toBe(201);
    const decision = res.body.decision as Decision;
    const out = decision.outputs[0]!;
    expect(out.outcome).toBe('reject');
    expect(failing(out)).toContain('min_count');
    expect(out.protected?.rechecked).toBe(true);
    const viaJson = (await decideJson([{ name: 't', kind: 'table', microdata: { format: 'csv', data: smallCell }, spec: { index: 'r', columns: 'c', margins: true } }])).decision.outputs[0]!;
    expect(out.protected?.suppressed).toEqual(viaJson.protected?.suppressed);
    expect(res.body.resubmit?.t?.protection?.split('.')).toHaveLength(3);
    await expectRecorded(decision);
  });

  it('an exception on a histogram with a small bin is reviewed, and the merged-bins version is still offered', async () => {
    const bins = [
      { from: 0, to: 10, count: 40 },
      { from: 10, to: 20, count: 2 },
      { from: 20, to: 30, count: 35 },
    ];
    const { decision } = await decideJson([{ name: 'h', kind: 'plot', type: 'histogram', bins, exception: justification }]);
    const out = decision.outputs[0]!;
    expect(out.outcome).toBe('review');
    expect(failedBeforeException(out)).toContain('min_count');
    expect(out.protected?.bins?.length).toBeLessThan(bins.length);
    await expectRecorded(decision);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('an output of kind %j (an Object.prototype member, no kind) is bad input, not a crash or a release', async (kind) => {
    const res = await request(s.url)
      .post('/v1/decisions')
      .set(s.auth())
      .set('content-type', 'application/json')
      // Raw JSON: a literal `__proto__` key must reach the server as the kind's value.
      .send(`{"project":"test-project","requester":"alice","dataset":"${dataset()}","outputs":[{"name":"x","kind":${JSON.stringify(kind)},"cells":[{"labels":{"a":"b"},"count":3}]}]}`);
    expect(res.status, res.text).toBe(400);
    expect(res.body.code).toBe('INVALID_REQUEST');
  });
});
