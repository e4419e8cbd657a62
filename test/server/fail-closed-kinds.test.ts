/**
 * Issue 10 (fail closed), the routes through record extracts, models, plots and summaries:
 * each attack is sent exactly as a determined researcher would, over HTTP to a real server
 * under the shipped rules, and must not be released; each ordinary safe output must be.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testServer, type TestServer } from '../helpers/test-server.js';
import { tempDir } from '../helpers/temp-dirs.js';

// These tests are about each kind's own checks, and reuse the same people across tests: units
// are compared TRE-wide, so differencing is left out of the plot and summary checks here.
const rulesDir = tempDir('airlock-kinds-rules-');
cpSync('rules', rulesDir, { recursive: true });
writeFileSync(
  join(rulesDir, 'default.yaml'),
  readFileSync(join(rulesDir, 'default.yaml'), 'utf8').replace(/^( {2}(plot|summary): \[.*), differencing(.*\])$/gm, '$1$3'),
);

let s: TestServer;
beforeAll(async () => {
  s = await testServer({ AIRLOCK_RULES_DIR: rulesDir });
});
afterAll(async () => {
  await s.close();
  rmSync(rulesDir, { recursive: true, force: true });
});

interface Finding {
  check: string;
  status: string;
  items?: { ref: string; reason: string }[];
}
interface OutputDecision {
  outcome: string;
  findings: Finding[];
  protected?: Record<string, unknown>;
}

/** Each request its own dataset: these tests are about each kind's checks, not differencing. */
let datasets = 0;

async function decide(output: Record<string, unknown>): Promise<OutputDecision> {
  const res = await request(s.url).post('/v1/decisions').set(s.auth()).send({ project: 'kinds-test', requester: 'mallory', dataset: `kinds-test-${++datasets}`, outputs: [{ name: 'o', ...output }] });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.decision.outputs[0] as OutputDecision;
}

async function refused(output: Record<string, unknown>): Promise<{ status: number; body: { code: string; errors?: { pointer?: string; message: string }[] } }> {
  const res = await request(s.url).post('/v1/decisions').set(s.auth()).send({ project: 'kinds-test', requester: 'mallory', dataset: `kinds-test-${++datasets}`, outputs: [{ name: 'o', ...output }] });
  return { status: res.status, body: res.body };
}

const statusOf = (d: OutputDecision, check: string): string | undefined => d.findings.find((f) => f.check === check && f.status !== 'pass')?.status ?? d.findings.find((f) => f.check === check)?.status;
const csv = (header: string, rows: string[]) => ({ format: 'csv', data: `${header}\n${rows.join('\n')}\n` });

/** A valid NHS number: 9 digits and the modulus-11 check digit. */
function nhsNumber(seed: number): string {
  for (let n = seed; ; n++) {
    const digits = String(400000000 + (n % 99999999)).padStart(9, '0');
    const sum = [...digits].reduce((a, d, i) => a + Number(d) * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return digits + (check === 11 ? '0' : String(check));
  }
}

describe('record extracts', () => {
  const bands = ['40-49', '50-59'];
  const sexes = ['F', 'M'];

  it('naming only harmless quasi-identifiers does not hide nhs_number, dob and postcode: not released', async () => {
    const rows = Array.from({ length: 80 }, (_, i) => `${bands[i % 2]},${sexes[(i >> 1) % 2]},${nhsNumber(i * 7919)},19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10},AB${i % 9} ${i % 10}CD,${['E11', 'I10', 'J45'][i % 3]}`);
    const d = await decide({ kind: 'records', quasi_identifiers: ['age_band', 'sex'], sensitive: 'diagnosis', microdata: csv('age_band,sex,nhs_number,dob,postcode,diagnosis', rows) });
    expect(d.outcome).not.toBe('release');
    expect(statusOf(d, 'k_anonymity')).toBe('fail');
    expect(JSON.stringify(d)).not.toContain(nhsNumber(0));
  });

  it('an NHS number or a birth date renamed "diagnosis" is not a sensitive attribute: not released', async () => {
    const nhs = Array.from({ length: 80 }, (_, i) => `${bands[i % 2]},${sexes[(i >> 1) % 2]},${nhsNumber(i * 7919)}`);
    const d = await decide({ kind: 'records', microdata: csv('age_band,sex,diagnosis', nhs) });
    expect(d.outcome).toBe('reject');
    expect(statusOf(d, 'k_anonymity')).toBe('fail');
    const dob = Array.from({ length: 80 }, (_, i) => `${bands[i % 2]},${sexes[(i >> 1) % 2]},19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`);
    expect((await decide({ kind: 'records', microdata: csv('age_band,sex,condition', dob) })).outcome).toBe('reject');
  });

  it('no sensitive column declared and all 40 rows one diagnosis: not released', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${bands[i % 2]},${sexes[(i >> 1) % 2]},C50`);
    const d = await decide({ kind: 'records', quasi_identifiers: ['age_band', 'sex'], microdata: csv('age_band,sex,diagnosis', rows) });
    expect(d.outcome).toBe('reject');
    expect(statusOf(d, 'l_diversity')).toBe('fail');
  });

  it('no sensitive column at all: review, attribute disclosure not checked', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${bands[i % 2]},${sexes[(i >> 1) % 2]}`);
    const d = await decide({ kind: 'records', microdata: csv('age_band,sex', rows) });
    expect(d.outcome).toBe('review');
    expect(d.findings.find((f) => f.check === 'l_diversity')).toMatchObject({ status: 'review', items: [{ reason: 'no sensitive attribute: attribute disclosure not checked' }] });
  });

  it('"HIV" and "hiv " are one value for l-diversity: not released', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${bands[i % 2]},${i % 4 < 2 ? 'HIV' : 'hiv '}`);
    const d = await decide({ kind: 'records', microdata: csv('age_band,diagnosis', rows) });
    expect(d.outcome).toBe('reject');
    expect(statusOf(d, 'l_diversity')).toBe('fail');
  });

  it('"North" and "north " are two classes for k-anonymity (as published)', async () => {
    const rows = [...Array.from({ length: 12 }, (_, i) => `North,${['E11', 'I10'][i % 2]}`), ...Array.from({ length: 3 }, (_, i) => `north ,${['E11', 'I10'][i % 2]}`)];
    const d = await decide({ kind: 'records', microdata: csv('region,diagnosis', rows) });
    expect(statusOf(d, 'k_anonymity')).toBe('fail');
  });

  it('a column declared sensitive is still a quasi-identifier: declaring it never weakens k-anonymity', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${bands[i % 2]},${1000 + i},${['E11', 'I10', 'J45'][i % 3]}`);
    const d = await decide({ kind: 'records', sensitive: ['income'], microdata: csv('age_band,income,diagnosis', rows) });
    expect(statusOf(d, 'k_anonymity')).toBe('fail');
  });

  it('safe: k = 50 over age band and sex with a diverse diagnosis is released', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${bands[i % 2]},${sexes[(i >> 1) % 2]},${['E11', 'I10', 'J45', 'C50', 'F32'][i % 5]}`);
    const d = await decide({ kind: 'records', microdata: csv('age_band,sex,diagnosis', rows) });
    expect(d.outcome).toBe('release');
  });

  it('boundary: a class of exactly k passes, one of k − 1 fails', async () => {
    const rows = (n: number) => [...Array.from({ length: n }, (_, i) => `a,${['x', 'y'][i % 2]}`), ...Array.from({ length: 20 }, (_, i) => `b,${['x', 'y'][i % 2]}`)];
    expect((await decide({ kind: 'records', microdata: csv('band,diagnosis', rows(10)) })).outcome).toBe('release');
    expect((await decide({ kind: 'records', microdata: csv('band,diagnosis', rows(9)) })).outcome).toBe('reject');
  });
});

describe('models', () => {
  it('a DecisionTreeClassifier with leaves of 1: rejected', async () => {
    const d = await decide({ kind: 'model', family: 'DecisionTreeClassifier', n_train: 5000, format: 'onnx', hyperparameters: { min_samples_leaf: 1 } });
    expect(d.outcome).toBe('reject');
    expect(statusOf(d, 'tree_leaf_size')).toBe('fail');
  });

  it('a KNeighborsClassifier: rejected', async () => {
    const d = await decide({ kind: 'model', family: 'KNeighborsClassifier', n_train: 5000, format: 'onnx' });
    expect(d.outcome).toBe('reject');
    expect(statusOf(d, 'instance_based')).toBe('fail');
  });

  it('a torch .pt file: rejected (pickle-based)', async () => {
    const d = await decide({ kind: 'model', family: 'MLPClassifier', n_train: 5000, format: '.pt' });
    expect(d.outcome).toBe('reject');
    expect(statusOf(d, 'model_format')).toBe('fail');
  });

  it('an unknown family: review', async () => {
    const d = await decide({ kind: 'model', family: 'MysteryNet', n_train: 5000, format: 'onnx' });
    expect(d.outcome).toBe('review');
    expect(statusOf(d, 'model_family')).toBe('review');
  });

  const ols = (n: (i: number) => number, extra: Record<string, unknown> = {}) => ({
    kind: 'model',
    family: 'OLS',
    n_obs: 10000,
    n_params: 20,
    coefficients: Array.from({ length: 20 }, (_, i) => ({ term: i === 0 ? '(Intercept)' : `x${i}`, estimate: 0.1 * i, std_error: 0.01 + 0.001 * i, n: n(i) })),
    ...extra,
  });

  it('safe: an OLS with n = 10,000 and 20 coefficients whose n are all large is released', async () => {
    const d = await decide(ols((i) => 10000 - 37 * i));
    expect(d.outcome).toBe('release');
  });

  it('boundary: a term with n = threshold passes, n = threshold − 1 fails', async () => {
    expect((await decide(ols((i) => (i === 7 ? 10 : 10000)))).outcome).toBe('release');
    const d = await decide(ols((i) => (i === 7 ? 9 : 10000)));
    expect(d.outcome).toBe('reject');
    expect(d.findings.find((f) => f.check === 'min_count')?.items?.[0]?.ref).toBe('coefficients[term=x7]');
  });

  it('a zero standard error, non-convergence or perfect separation: review', async () => {
    const zero = ols((i) => 10000);
    (zero.coefficients as { std_error: number }[])[3]!.std_error = 0;
    expect((await decide(zero)).outcome).toBe('review');
    expect((await decide(ols(() => 10000, { converged: false }))).outcome).toBe('review');
    expect((await decide(ols(() => 10000, { perfect_separation: true }))).outcome).toBe('review');
  });
});

describe('plots', () => {
  it('a histogram with a gap between bins is bad input', async () => {
    const r = await refused({ kind: 'plot', type: 'histogram', edges_from_data: false, bins: [{ from: 0, to: 10, count: 40 }, { from: 20, to: 30, count: 40 }] });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('BINS_INVALID');
    expect(r.body.errors?.[0]?.pointer).toBe('/outputs/0/bins/1');
  });

  it('a Kaplan-Meier step with 1 event and 9 censored: rejected, and the protected curve passes', async () => {
    const steps = [
      { time: 0, at_risk: 100, events: 0, censored: 0 },
      { time: 3, at_risk: 100, events: 1, censored: 9 },
      { time: 6, at_risk: 90, events: 12, censored: 3 },
      { time: 9, at_risk: 75, events: 15, censored: 10 },
    ];
    const d = await decide({ kind: 'plot', type: 'kaplan_meier', steps });
    expect(d.outcome).toBe('reject');
    expect(statusOf(d, 'survival_step')).toBe('fail');
    const again = await decide({ kind: 'plot', ...d.protected });
    expect(again.outcome).toBe('release');
  });

  it('boundary: a step of exactly threshold events passes, threshold − 1 fails', async () => {
    const km = (events: number) => ({ kind: 'plot', type: 'kaplan_meier', steps: [{ time: 1, at_risk: 100, events, censored: 0 }] });
    expect((await decide(km(10))).outcome).toBe('release');
    expect((await decide(km(9))).outcome).toBe('reject');
  });

  const people = Array.from({ length: 60 }, (_, i) => `p${i},${21 + i}`);

  it('edges_from_data: false while the microdata has a value on the lowest edge: review', async () => {
    const d = await decide({ kind: 'plot', type: 'histogram', edges_from_data: false, microdata: csv('pid,age', people), spec: { unit: 'pid', values: 'age', edges: [21, 41, 61, 81] } });
    expect(d.outcome).toBe('review');
    expect(statusOf(d, 'extremes')).toBe('review');
  });

  it('edges_from_data: false without microdata is a claim: review, not release', async () => {
    const d = await decide({ kind: 'plot', type: 'histogram', edges_from_data: false, bins: [{ from: 0, to: 50, count: 40 }, { from: 50, to: 100, count: 40 }] });
    expect(d.outcome).toBe('review');
  });

  it('whiskers declared not at the extremes while the microdata says they are: rejected', async () => {
    const d = await decide({ kind: 'plot', type: 'box', microdata: csv('pid,age', people), spec: { unit: 'pid', values: 'age' }, whisker_low: 21, whisker_high: 77, whiskers_at_extremes: false, outliers: [] });
    expect(d.outcome).toBe('reject');
    expect(statusOf(d, 'extremes')).toBe('fail');
  });

  it('whiskers at the 5th and 95th percentiles of 60 people lie among the 10 most extreme: rejected', async () => {
    const d = await decide({ kind: 'plot', type: 'box', microdata: csv('pid,age', people), spec: { unit: 'pid', values: 'age' }, whisker_low: 24, whisker_high: 77, whiskers_at_extremes: false, outliers: [] });
    expect(d.outcome).toBe('reject');
  });

  it('declared bin counts the microdata contradicts: bad input naming both numbers', async () => {
    const r = await refused({ kind: 'plot', type: 'histogram', microdata: csv('pid,age', people), spec: { values: 'age' }, bins: [{ from: 20, to: 50, count: 30 }, { from: 50, to: 81, count: 45 }] });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'PLOT_INVALID', errors: [{ pointer: '/outputs/0/bins/0/count', message: 'bins[0] [20, 50) count: declared 30, the microdata gives 29' }] });
  });

  it('safe: a histogram sent with its microdata is released, with the bins airlock computed', async () => {
    const d = await decide({ kind: 'plot', type: 'histogram', edges_from_data: false, microdata: csv('pid,age', people), spec: { unit: 'pid', values: 'age', edges: [20, 40, 60, 81] } });
    expect(d.outcome).toBe('release');
    expect((d as unknown as { computed: unknown }).computed).toEqual({
      type: 'histogram',
      edges_from_data: false,
      bins: [
        { from: 20, to: 40, count: 19 },
        { from: 40, to: 60, count: 20 },
        { from: 60, to: 81, count: 21 },
      ],
    });
    expect(JSON.stringify(d)).not.toContain('"p1"');
  });

  it('safe: a box plot sent with its microdata is released', async () => {
    const d = await decide({ kind: 'plot', type: 'box', microdata: csv('pid,age', people), spec: { unit: 'pid', values: 'age' }, whisker_low: 31, q1: 35.75, median: 50.5, q3: 65.25, whisker_high: 70, outliers: [] });
    expect(d.outcome).toBe('release');
  });

  it('a unit spread over many rows counts once: ten admissions of one patient are one contributor', async () => {
    const rows = [...Array.from({ length: 10 }, () => 'P0,5'), ...Array.from({ length: 30 }, (_, i) => `P${i + 1},${15 + (i % 5)}`)];
    const d = await decide({ kind: 'plot', type: 'histogram', edges_from_data: false, microdata: csv('pid,los', rows), spec: { unit: 'pid', values: 'los', edges: [0, 10, 20] } });
    expect(d.outcome).toBe('reject');
    expect(d.findings.find((f) => f.check === 'min_count')?.items?.[0]).toMatchObject({ ref: 'bins[0] [0, 10)', reason: 'count 1 < threshold 10' });
  });
});

describe('summaries', () => {
  it('the 0.01st percentile of 500 values: rejected', async () => {
    const d = await decide({ kind: 'summary', statistics: [{ name: 'age', statistic: 'percentile', p: 0.01, n: 500, value: 18 }] });
    expect(d.outcome).toBe('reject');
    expect(statusOf(d, 'extremes')).toBe('fail');
  });

  it('boundary: the 1st percentile of 1,000 values (exactly 10) passes, of 999 fails', async () => {
    const pct = (n: number) => ({ kind: 'summary', statistics: [{ name: 'age', statistic: 'percentile', p: 1, n, value: 18 }] });
    expect((await decide(pct(1000))).outcome).toBe('release');
    expect((await decide(pct(999))).outcome).toBe('reject');
  });

  it('summaries from microdata: computed n and values, declared ones checked', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `p${i % 50},${21 + i}`);
    const d = await decide({ kind: 'summary', microdata: csv('pid,age', rows), spec: { unit: 'pid', values: 'age' }, statistics: [{ name: 'age', statistic: 'mean', value: 50.5 }, { name: 'age', statistic: 'median' }] });
    expect(d.outcome).toBe('release');
    expect((d as unknown as { computed: unknown }).computed).toEqual({
      statistics: [
        { name: 'age', statistic: 'mean', n: 50, value: 50.5 },
        { name: 'age', statistic: 'median', n: 50, value: 50.5 },
      ],
    });
    const r = await refused({ kind: 'summary', microdata: csv('pid,age', rows), spec: { unit: 'pid', values: 'age' }, statistics: [{ name: 'age', statistic: 'mean', value: 52 }] });
    expect(r).toMatchObject({ status: 422, body: { code: 'SUMMARY_INVALID' } });
  });
});
