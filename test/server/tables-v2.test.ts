/**
 * The table routes of issue 10 (sdc-rules.md version 2), each sent exactly as a determined
 * researcher would through a real server with the shipped rules (plus per-project governance
 * overrides), and asserted not released; and the ordinary safe outputs that must stay released.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../helpers/temp-dirs.js';
import { shippedRulesServer, type TestServer } from '../helpers/test-server.js';

const tmp = tempDirs('airlock-tables-v2-');
let s: TestServer;

beforeAll(async () => {
  // The shipped rules, plus governance overrides for two projects.
  s = await shippedRulesServer(tmp(), {
    maternity: 'project: maternity\nparameters:\n  structural_zeros: [{ sex: male, pregnant: "yes" }]\n',
    'units-required': 'project: units-required\nparameters:\n  require_unit: true\n',
  });
});
afterAll(async () => {
  await s.close();
});

interface Found {
  check: string;
  status: string;
  cells?: { labels: Record<string, string>; value: number | null; count: number | null; reason: string }[];
}
interface Out {
  outcome: string;
  findings: Found[];
  table: { cells: { labels: Record<string, string>; value: number | null; count: number | null; suppressed?: boolean }[] };
  protected?: unknown;
}

// Each request its own dataset (population): these tests judge one table at a time, and
// differencing against the other tests' releases — or its review for want of a dataset — is
// not what they are about.
let datasets = 0;
const dataset = () => `tables-v2-${++datasets}`;

async function decide(output: Record<string, unknown>, project = 'p1'): Promise<{ out: Out; body: Record<string, unknown>; text: string }> {
  const res = await request(s.url)
    .post('/v1/decisions')
    .set(s.auth())
    .send({ project, requester: 'alice', dataset: dataset(), outputs: [{ name: 't', kind: 'table', ...output }] });
  expect(res.status, res.text).toBe(201);
  return { out: res.body.decision.outputs[0] as Out, body: res.body, text: res.text };
}

async function refused(output: Record<string, unknown>): Promise<{ code: string; detail: string; errors: { pointer: string; message: string }[] }> {
  const res = await request(s.url)
    .post('/v1/decisions')
    .set(s.auth())
    .send({ project: 'p1', requester: 'alice', dataset: dataset(), outputs: [{ name: 't', kind: 'table', ...output }] });
  expect(res.status, res.text).toBe(422);
  return res.body;
}

const statusOf = (out: Out, check: string) => out.findings.filter((f) => f.check === check).map((f) => f.status);
const csv = (header: string, rows: (string | number)[][]) => `${header}\n${rows.map((r) => r.join(',')).join('\n')}\n`;
/** n rows of (label, value(i)). */
const rowsOf = (label: string, n: number, value: (i: number) => number | string) => Array.from({ length: n }, (_, i) => [label, value(i)]);

describe('attacks on tables (issue 10): none is released', () => {
  it('pre-aggregated value 3 with count 50 → 422 CELLS_INVALID naming the cell and both numbers', async () => {
    const e = await refused({ cells: [{ labels: { region: 'north' }, count: 50, value: 3 }, { labels: { region: 'south' }, count: 40 }] });
    expect(e.code).toBe('CELLS_INVALID');
    expect(e.detail).toMatch(/"region":"north".*value 3 does not match its count 50/);
    expect(e.errors[0].pointer).toBe('/outputs/0/cells/0');
  });

  it('a sum of 950,000 whose evidence says 1,000 → 422 CELLS_INVALID', async () => {
    const e = await refused({ statistic: 'sum', cells: [{ labels: { site: 'A' }, count: 50, value: 950_000, sum: 1_000, top: [40, 35] }, { labels: { site: 'B' }, count: 40, sum: 4000, top: [200, 190] }] });
    expect(e.detail).toMatch(/value 950000 does not match its sum 1000/);
  });

  it('a margin one lower than its cells → 422 CELLS_INVALID', async () => {
    const e = await refused({ cells: [{ labels: { sex: 'F' }, count: 20 }, { labels: { sex: 'M' }, count: 30 }, { labels: { sex: 'All' }, count: 49 }] });
    expect(e.detail).toMatch(/margin count 49 does not match the total 50/);
  });

  it('the mean of a 0/1 indicator by region (3 of 50; 50 of 50) is rejected like its frequency version', async () => {
    const data = csv('region,flag', [...rowsOf('north', 50, (i) => (i < 3 ? 1 : 0)), ...rowsOf('south', 50, () => 1)]);
    const mean = await decide({ microdata: { format: 'csv', data }, spec: { index: 'region', values: 'flag', aggfunc: 'mean' } });
    expect(mean.out.outcome).toBe('reject');
    const binary = mean.out.findings.find((f) => f.check === 'binary_measure');
    expect(binary?.status).toBe('fail');
    expect(binary?.cells?.map((c) => c.labels.region)).toEqual(['north']);
    expect(binary?.cells?.[0].reason).toMatch(/3 of 50 contributors have the value 1/);
    const same = mean.out.findings.find((f) => f.check === 'all_same');
    expect(same?.cells?.map((c) => c.labels.region)).toEqual(['south']);
    const freq = await decide({ microdata: { format: 'csv', data }, spec: { index: 'region', columns: 'flag' } });
    expect(freq.out.outcome).toBe('reject');
  });

  it('an indicator at exactly the threshold (10 of 50) passes binary_measure; 9 of 50 fails', async () => {
    const flagged = (k: number) => csv('region,flag', [...rowsOf('north', 50, (i) => (i < k ? 1 : 0)), ...rowsOf('south', 50, (i) => (i < 25 ? 1 : 0))]);
    const at = await decide({ microdata: { format: 'csv', data: flagged(10) }, spec: { index: 'region', values: 'flag', aggfunc: 'mean' } });
    expect(statusOf(at.out, 'binary_measure')).toEqual(['pass']);
    expect(at.out.outcome).toBe('release');
    const below = await decide({ microdata: { format: 'csv', data: flagged(9) }, spec: { index: 'region', values: 'flag', aggfunc: 'mean' } });
    expect(statusOf(below.out, 'binary_measure')).toEqual(['fail']);
  });

  it('top two contributions of exactly 90% written as 0.6 + 0.3 → reject (nk_dominance)', async () => {
    const data = csv('site,x', [['A', 0.6], ['A', 0.3], ...rowsOf('A', 10, () => 0.01), ...rowsOf('B', 20, (i) => 10 + i)]);
    const { out } = await decide({ microdata: { format: 'csv', data }, spec: { index: 'site', values: 'x', aggfunc: 'sum' } });
    expect(out.outcome).toBe('reject');
    expect(out.findings.find((f) => f.check === 'nk_dominance')?.cells?.map((c) => c.labels.site)).toEqual(['A']);
    const pre = await decide({ statistic: 'sum', cells: [{ labels: { site: 'A' }, count: 12, sum: 1.0, top: [0.6, 0.3] }, { labels: { site: 'B' }, count: 20, sum: 390, top: [29, 28] }] });
    expect(statusOf(pre.out, 'nk_dominance')).toEqual(['fail']);
  });

  it('a median over 19 values → reject (extremes); over 20 it passes', async () => {
    const data = csv('ward,los', [...rowsOf('A', 19, (i) => 2 + (i % 7)), ...rowsOf('B', 20, (i) => 3 + (i % 5))]);
    const { out } = await decide({ microdata: { format: 'csv', data }, spec: { index: 'ward', values: 'los', aggfunc: 'median' } });
    expect(out.outcome).toBe('reject');
    expect(out.findings.find((f) => f.check === 'extremes')?.cells?.map((c) => c.labels.ward)).toEqual(['A']);
  });

  it('one firm spread over twenty rows is one contributor: dominance on unit totals rejects what rows would release', async () => {
    const rows = [...rowsOf('north', 20, () => 500).map((r) => [...r, 'acme']), ...rowsOf('north', 10, (i) => 40 + i).map((r, i) => [...r, `firm${i}`]), ...rowsOf('south', 30, (i) => 100 + i).map((r, i) => [...r, `s${i}`])];
    const data = csv('region,turnover,firm', rows);
    const byRow = await decide({ microdata: { format: 'csv', data }, spec: { index: 'region', values: 'turnover', aggfunc: 'sum' } });
    expect(statusOf(byRow.out, 'nk_dominance')).toEqual(['pass']);
    const byUnit = await decide({ microdata: { format: 'csv', data }, spec: { index: 'region', values: 'turnover', aggfunc: 'sum', unit: 'firm' } });
    expect(byUnit.out.outcome).toBe('reject');
    expect(byUnit.out.findings.find((f) => f.check === 'nk_dominance')?.cells?.map((c) => c.labels.region)).toEqual(['north']);
    expect(byUnit.out.table.cells.find((c) => c.labels.region === 'north')?.count).toBe(11);
  });

  it('the raw CSV upload takes the unit column too (`unit` query parameter)', async () => {
    const data = csv('region,patient', [...rowsOf('north', 30, (i) => `p${i % 3}`), ...rowsOf('south', 30, (i) => `q${i}`)]);
    const res = await request(s.url)
      .post('/v1/decisions/csv')
      .query({ project: 'p1', requester: 'alice', dataset: dataset(), name: 't', index: 'region', unit: 'patient' })
      .set(s.auth())
      .set('content-type', 'text/csv')
      .send(data);
    expect(res.status, res.text).toBe(201);
    const out = res.body.decision.outputs[0] as Out;
    expect(out.outcome).toBe('reject');
    expect(out.table.cells.find((c) => c.labels.region === 'north')?.count).toBe(3);
  });

  it('ten admissions of one patient are one: counts of distinct units fail min_count', async () => {
    const rows = [...rowsOf('north', 30, (i) => `p${i % 3}`), ...rowsOf('south', 30, (i) => `q${i}`)];
    const data = csv('region,patient', rows);
    const { out } = await decide({ microdata: { format: 'csv', data }, spec: { index: 'region', unit: 'patient' } });
    expect(out.outcome).toBe('reject');
    expect(out.findings.find((f) => f.check === 'min_count')?.cells).toEqual([expect.objectContaining({ labels: { region: 'north' }, count: 3 })]);
  });

  it('a table counted by rows where governance requires units → reject; with spec.unit it is judged on units', async () => {
    const data = csv('region,patient', [...rowsOf('north', 30, (i) => `p${i}`), ...rowsOf('south', 30, (i) => `q${i}`)]);
    const rows = await decide({ microdata: { format: 'csv', data }, spec: { index: 'region' } }, 'units-required');
    expect(rows.out.outcome).toBe('reject');
    expect(statusOf(rows.out, 'min_count')).toEqual(['fail']);
    const units = await decide({ microdata: { format: 'csv', data }, spec: { index: 'region', unit: 'patient' } }, 'units-required');
    expect(units.out.outcome).toBe('release');
    const cells = await decide({ cells: [{ labels: { region: 'north' }, count: 30 }, { labels: { region: 'south' }, count: 30 }] }, 'units-required');
    expect(cells.out.outcome).toBe('review');
  });

  it('a suppressed cell its totals give away → reject (suppression_audit); ones the LP audit proves wide enough → release', async () => {
    const grid = (hidden: string[]) =>
      Object.entries({ 'n|F': 3, 'n|M': 40, 'n|All': 43, 's|F': 30, 's|M': 35, 's|All': 65, 'All|F': 33, 'All|M': 75, 'All|All': 108 }).map(([k, count]) => {
        const [region, sex] = k.split('|');
        return hidden.includes(k) ? { labels: { region, sex }, suppressed: true } : { labels: { region, sex }, count };
      });
    const one = await decide({ cells: grid(['n|F']) });
    expect(one.out.outcome).toBe('reject');
    expect(statusOf(one.out, 'suppression_audit')).toEqual(['fail']);
    // All four interior cells hidden: each could take a range of at least 33 (width rule met).
    const four = await decide({ cells: grid(['n|F', 'n|M', 's|F', 's|M']) });
    expect(statusOf(four.out, 'suppression_audit')).toEqual(['pass']);
    expect(four.out.outcome).toBe('release');
    // min_count does not judge a suppressed cell: it is not published.
    expect(statusOf(four.out, 'min_count')).toEqual(['pass']);
  });

  it('a suppressed cell\'s evidence is never published or stored', async () => {
    const secret = { sum: 31337.77, top: [31000.5, 200.25] };
    const cells = [
      { labels: { site: 'A' }, count: 3, suppressed: true, ...secret },
      { labels: { site: 'B' }, count: 40, sum: 4000.625, top: [200, 190] },
      { labels: { site: 'C' }, count: 50, sum: 5200, top: [210, 200] },
    ];
    const { out, text } = await decide({ statistic: 'sum', cells });
    let control = false;
    expect(out.outcome).not.toBe('release');
    expect(out.table.cells[0]).toEqual({ labels: { site: 'A' }, value: null, count: null, suppressed: true });
    for (const marker of ['31337.77', '31000.5', '200.25']) expect(text).not.toContain(marker);
    // Nor in the audit store (the SQLite files: records, released tables, replay evidence).
    for (const f of readdirSync(s.dataDir, { recursive: true }) as string[]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(s.dataDir, f));
      } catch {
        continue; // a directory
      }
      for (const marker of ['31337.77', '31000.5']) expect(bytes.includes(marker), `${f} holds ${marker}`).toBe(false);
      control ||= bytes.includes('4000.625');
    }
    // The scan does see stored evidence: a published cell's sum is there.
    expect(control).toBe(true);
  });

  it('a structural zero only the submitter declares → review, not release', async () => {
    const cells = [
      { labels: { sex: 'female', pregnant: 'yes' }, count: 120 },
      { labels: { sex: 'female', pregnant: 'no' }, count: 880 },
      { labels: { sex: 'male', pregnant: 'yes' }, count: 0, structural_zero: true },
      { labels: { sex: 'male', pregnant: 'no' }, count: 1000 },
    ];
    const { out } = await decide({ cells });
    expect(out.outcome).toBe('review');
    expect(statusOf(out, 'zeros')).toEqual(['review']);
    const e = await refused({ cells: cells.map((c) => (c.structural_zero ? { ...c, count: 2 } : c)) });
    expect(e.detail).toMatch(/structural zero but has 2 records/);
  });
});

describe('ordinary safe tables stay released', () => {
  it('a 5,000-person frequency table with margins', async () => {
    const regions = ['north', 'south', 'east', 'west', 'central'];
    const rows: string[][] = [];
    for (let i = 0; i < 5000; i++) rows.push([regions[i % 5], i % 3 === 0 ? 'F' : 'M', `age${(i * 7) % 4}`]);
    const data = csv('region,sex,band', rows);
    const { out } = await decide({ microdata: { format: 'csv', data }, spec: { index: ['region'], columns: ['sex', 'band'], margins: true } });
    expect(out.findings.filter((f) => f.status !== 'pass')).toEqual([]);
    expect(out.outcome).toBe('release');
    expect(out.table.cells.find((c) => c.labels.region === 'All' && c.labels.sex === 'All')?.count).toBe(5000);
  });

  it.each(['mean', 'median'] as const)('a %s table with large cells', async (aggfunc) => {
    const rows = [...rowsOf('north', 400, (i) => 20 + ((i * 37) % 61)), ...rowsOf('south', 500, (i) => 25 + ((i * 53) % 71))];
    const { out } = await decide({ microdata: { format: 'csv', data: csv('region,age', rows) }, spec: { index: 'region', values: 'age', aggfunc, margins: true } });
    expect(out.findings.filter((f) => f.status !== 'pass')).toEqual([]);
    expect(out.outcome).toBe('release');
  });

  it('a sex × pregnancy table whose male/pregnant zero governance lists', async () => {
    const rows = [...rowsOf('female', 120, () => 'yes'), ...rowsOf('female', 880, () => 'no'), ...rowsOf('male', 1000, () => 'no')];
    const data = csv('sex,pregnant', rows);
    const { out } = await decide({ microdata: { format: 'csv', data }, spec: { index: 'sex', columns: 'pregnant', margins: true } }, 'maternity');
    expect(out.table.cells.find((c) => c.labels.sex === 'male' && c.labels.pregnant === 'yes')?.count).toBe(0);
    expect(out.findings.filter((f) => f.status !== 'pass')).toEqual([]);
    expect(out.outcome).toBe('release');
    // The same table under the default rules is rejected: the exemption is governance's to give.
    expect((await decide({ microdata: { format: 'csv', data }, spec: { index: 'sex', columns: 'pregnant', margins: true } })).out.outcome).toBe('reject');
  });

  it('a pre-aggregated sum table whose evidence is consistent, margin included', async () => {
    const { out } = await decide({
      statistic: 'sum',
      measure: 'cost',
      cells: [
        { labels: { site: 'A' }, count: 12, sum: 1200, top: [110, 105], min: 80, max: 110, distinct: 9 },
        { labels: { site: 'B' }, count: 15, sum: 1500, top: [120, 115], min: 85, max: 120, distinct: 12 },
        { labels: { site: 'All' }, count: 27, sum: 2700, top: [120, 115], min: 80, max: 120, distinct: 18 },
      ],
    });
    expect(out.findings.filter((f) => f.status !== 'pass')).toEqual([]);
    expect(out.outcome).toBe('release');
    expect((out.table as unknown as { measure: string }).measure).toBe('cost');
  });
});
