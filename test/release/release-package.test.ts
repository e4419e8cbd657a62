/**
 * The signed release package, against a real server and SQLite file: a released decision's
 * ZIP carries its outputs, signed decision, signed manifest, RO-Crate and summary, and verifies
 * offline (`airlock verify package.zip --jwks`, a child process); a changed byte, an added file
 * or an edited manifest is named. Nothing unreleased is ever packaged: rejected and unsettled
 * decisions get 409, a review settled as release gets its package with the signed final record.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPackage } from '../../src/release/verify-package.js';
import { runCli } from '../helpers/run-cli.js';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
let jwks: { keys: Record<string, unknown>[] };
let jwksFile: string;
const tmp = mkdtempSync(join(tmpdir(), 'airlock-package-'));

beforeAll(async () => {
  s = await testServer({ AIRLOCK_RATE_LIMIT: '0', AIRLOCK_CHECKERS_REQUIRED: '1' });
  jwks = (await request(s.url).get('/.well-known/jwks.json').expect(200)).body;
  jwksFile = join(tmp, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify(jwks));
});

afterAll(async () => {
  await s?.close();
});

/** A table whose row label a spreadsheet would run as a formula, plus a plot, a model and summary statistics. */
function releasedRequest() {
  const csv = ['r,c', ...Array.from({ length: 12 }, () => '=1+2,x'), ...Array.from({ length: 11 }, () => 'b,x')].join('\n');
  const base = tableRequest(csv, { index: ['r'], columns: ['c'] });
  return {
    ...base,
    outputs: [
      ...base.outputs,
      { name: 'survival', kind: 'plot', type: 'kaplan_meier', steps: [{ time: 0, at_risk: 120, events: 0, censored: 0 }, { time: 6, at_risk: 120, events: 14, censored: 6 }, { time: 12, at_risk: 100, events: 11, censored: 9 }] },
      { name: 'age/summary', kind: 'summary', statistics: [{ name: 'age', statistic: 'median', n: 547, value: 59 }] },
      { name: 'fit', kind: 'model', family: 'ols', n_obs: 500, n_params: 2, coefficients: [{ term: 'age', estimate: 0.12, std_error: 0.03 }, { term: '(Intercept)', estimate: 1.5, std_error: 0.2 }] },
    ],
  };
}

async function decide(body: unknown): Promise<{ id: string; outcome: string }> {
  const res = await request(s.url).post('/v1/decisions').set(s.auth()).send(body as object);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.decision;
}

async function download(id: string, auth = s.auth('auditor')): Promise<request.Response> {
  return request(s.url).get(`/v1/decisions/${id}/package`).set(auth).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

function rezip(files: Record<string, Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v])));
}

describe('GET /v1/decisions/{id}/package for a released decision', () => {
  let zip: Buffer;
  let files: Record<string, Uint8Array>;
  let id: string;

  beforeAll(async () => {
    const d = await decide(releasedRequest());
    expect(d.outcome).toBe('release');
    id = d.id;
    const res = await download(id);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/zip');
    zip = res.body as Buffer;
    files = unzipSync(zip);
  });

  it('carries the signed decision, the outputs, the RO-Crate, the summary and a signed manifest of them all', () => {
    expect(Object.keys(files).sort()).toEqual(
      ['SUMMARY.md', 'decision.json', 'decision.jws', 'manifest.json', 'manifest.jws', 'outputs/age_summary.json', 'outputs/fit.json', 'outputs/survival.json', 'outputs/table1.csv', 'ro-crate-metadata.json'].sort(),
    );
    const manifest = JSON.parse(text(files['manifest.json']!));
    expect(manifest.decision_id).toBe(id);
    expect(manifest.files.map((f: { path: string }) => f.path).sort()).toEqual(Object.keys(files).filter((f) => !f.startsWith('manifest.')).sort());
    expect(JSON.parse(text(files['decision.json']!)).id).toBe(id);
  });

  it('writes the table as CSV with formula-like labels as text, and results as the checked aggregates', () => {
    const csv = text(files['outputs/table1.csv']!);
    expect(csv.split('\n')[0]).toBe('r,c,frequency');
    expect(csv).toContain(`"'=1+2",x,12`);
    expect(csv).not.toMatch(/^=/m);
    expect(JSON.parse(text(files['outputs/survival.json']!))).toMatchObject({ name: 'survival', kind: 'plot', type: 'kaplan_meier', steps: [{ time: 0, at_risk: 120 }, {}, {}] });
    expect(JSON.parse(text(files['outputs/fit.json']!))).toMatchObject({ kind: 'model', n_obs: 500, coefficients: [{ term: 'age', estimate: 0.12 }, {}] });
  });

  it('describes itself as an RO-Crate 1.2 with project, requester, rule set digest and checks run', () => {
    const crate = JSON.parse(text(files['ro-crate-metadata.json']!));
    expect(crate['@context']).toBe('https://w3id.org/ro/crate/1.2/context');
    const byId = new Map(crate['@graph'].map((e: { '@id': string }) => [e['@id'], e]));
    expect(byId.get('ro-crate-metadata.json')).toMatchObject({ conformsTo: { '@id': 'https://w3id.org/ro/crate/1.2' } });
    expect(byId.get('#project')).toMatchObject({ '@type': 'Project', name: 'test-project' });
    expect(byId.get('#requester')).toMatchObject({ '@type': 'Person', name: 'alice' });
    expect((byId.get('#ruleset') as { identifier: string }).identifier).toBe(`sha256:${s.ruleset().digest}`);
    expect(byId.get('#check-min_count')).toMatchObject({ '@type': 'DefinedTerm' });
    expect(byId.get('outputs/table1.csv')).toMatchObject({ '@type': 'File', encodingFormat: 'text/csv' });
  });

  it('verifies offline with the JWKS (airlock verify package.zip)', async () => {
    expect(await verifyPackage(zip, jwks)).toMatchObject({ ok: true, decision_id: id, problems: [] });
    const path = join(tmp, 'ok.zip');
    writeFileSync(path, zip);
    const r = await runCli(['verify', path, '--jwks', jwksFile]);
    expect(r.stdout).toContain(`OK: package ${path} of decision ${id}`);
    expect(r.code).toBe(0);
  });

  it('names a file with one changed byte, and the CLI exits 1', async () => {
    const csv = files['outputs/table1.csv']!.slice();
    csv[csv.length - 2] = csv[csv.length - 2]! ^ 1; // the last digit of the last cell
    const tampered = rezip({ ...files, 'outputs/table1.csv': csv });
    const r = await verifyPackage(tampered, jwks);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.file)).toEqual(['outputs/table1.csv']);
    const path = join(tmp, 'tampered.zip');
    writeFileSync(path, tampered);
    const cli = await runCli(['verify', path, '--jwks', jwksFile]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/^FAIL outputs\/table1\.csv: content differs/m);
  });

  it('names a file added after signing, a removed one, and an edited manifest', async () => {
    const { 'outputs/fit.json': _gone, ...rest } = files;
    const r = await verifyPackage(rezip({ ...rest, 'outputs/extra.csv': new TextEncoder().encode('a\n1\n') }), jwks);
    expect(r.problems.map((p) => p.file).sort()).toEqual(['outputs/extra.csv', 'outputs/fit.json']);
    const manifest = JSON.parse(text(files['manifest.json']!));
    manifest.files = manifest.files.filter((f: { path: string }) => f.path !== 'outputs/fit.json');
    const edited = await verifyPackage(rezip({ ...files, 'manifest.json': new TextEncoder().encode(JSON.stringify(manifest)) }), jwks);
    expect(edited.problems.map((p) => p.file)).toEqual(['manifest.json']);
  });

  it('refuses a manifest signed by a key outside the JWKS, and a decision signature passed off as the manifest', async () => {
    expect((await verifyPackage(zip, { keys: [] })).problems).toEqual([{ file: 'manifest.jws', reason: expect.stringContaining('no usable key') }]);
    const swapped = await verifyPackage(rezip({ ...files, 'manifest.jws': files['decision.jws']! }), jwks);
    expect(swapped.problems).toEqual([{ file: 'manifest.jws', reason: expect.stringContaining('typ') }]);
  });

  it('is the same bytes every time (deterministic ZIP and signature)', async () => {
    expect(Buffer.compare((await download(id)).body as Buffer, zip)).toBe(0);
  });
});

describe('nothing unreleased is packaged', () => {
  it('answers 409 for a rejected decision', async () => {
    const d = await decide(tableRequest(csvOf({ 'a|x': 2, 'b|x': 11 }), { index: ['r'], columns: ['c'] }));
    expect(d.outcome).toBe('reject');
    const res = await download(d.id);
    expect(res.status).toBe(409);
    expect(JSON.parse(res.body.toString()).code).toBe('CONFLICT');
  });

  it('answers 409 while a review is open, and packages the review once a checker releases it, with the signed final record', async () => {
    const file = { name: 'notes', kind: 'file', filename: 'notes.txt', content_base64: Buffer.from('hello, no identifiers here').toString('base64') };
    const req = tableRequest(csvOf({ 'a|x': 12, 'b|x': 11 }), { index: ['r'], columns: ['c'] });
    const d = await decide({ ...req, outputs: [...req.outputs, file] });
    expect(d.outcome).toBe('review');
    expect((await download(d.id)).status).toBe(409);
    await request(s.url).post(`/v1/decisions/${d.id}/reviews`).set(s.auth('checker')).send({ verdict: 'release', justification: 'Read the note; nothing identifying.' }).expect(201);
    const res = await download(d.id);
    expect(res.status).toBe(200);
    const files = unzipSync(res.body as Buffer);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['review/final.json', 'review/final.jws', 'outputs/table1.csv']));
    // The file's bytes are not airlock's to hand out: named with its digest, not included.
    const manifest = JSON.parse(text(files['manifest.json']!));
    expect(manifest.not_included).toEqual([expect.objectContaining({ output: 'notes', kind: 'file' })]);
    expect(Object.keys(files).some((f) => f.includes('notes'))).toBe(false);
    const crate = JSON.parse(text(files['ro-crate-metadata.json']!));
    expect(crate['@graph'].filter((e: { '@type': string }) => e['@type'] === 'AssessAction')).toEqual([expect.objectContaining({ result: 'release' })]);
    expect(await verifyPackage(res.body as Buffer, jwks)).toMatchObject({ ok: true });
    // Without its final record, a package of a reviewed decision does not verify as released.
    const { 'review/final.json': _f, 'review/final.jws': _j, ...rest } = files;
    const stripped = await verifyPackage(rezip(rest), jwks);
    expect(stripped.problems.map((p) => p.file)).toEqual(expect.arrayContaining(['review/final.json', 'decision.json']));
  });

  it('answers 409 for a review settled as rejected', async () => {
    const file = { name: 'notes', kind: 'file', filename: 'notes.txt', content_base64: Buffer.from('some text').toString('base64') };
    const d = await decide({ project: 'test-project', requester: 'alice', dataset: 'files', outputs: [file] });
    expect(d.outcome).toBe('review');
    await request(s.url).post(`/v1/decisions/${d.id}/reviews`).set(s.auth('checker')).send({ verdict: 'reject', justification: 'Not for release, sorry.' }).expect(201);
    expect((await download(d.id)).status).toBe(409);
  });

  it('answers 404 for an unknown decision', async () => {
    expect((await download('00000000-0000-7000-8000-000000000000')).status).toBe(404);
  });
});
