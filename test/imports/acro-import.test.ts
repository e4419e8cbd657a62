/**
 * ACRO/SACRO import against a real server: both real ACRO output folders in
 * ../shared/fixtures/acro (1.0.1 and 0.4.12, the same analysis) become one decision each, with
 * a test per output type and ACRO's verdicts beside airlock's; a changed byte in any file is
 * named by its checksum; and small folders of our own cover what those two do not (versions,
 * a file without a checksum, margins, short exceptions, a regression without its tables).
 * The CLI `airlock import-acro` runs against the same server.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { zipSync } from 'fflate';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crosstabVariables } from '../../src/imports/acro-session.js';
import { runCli } from '../helpers/run-cli.js';
import { testServer, type TestServer } from '../helpers/test-server.js';

const SHARED = resolve('../shared/fixtures/acro');
const shared = existsSync(SHARED);
if (!shared) console.warn(`skipping the real ACRO folders: ${SHARED} is absent (the shared reference material is not checked out beside this worktree)`);

let s: TestServer;

beforeAll(async () => {
  s = await testServer({ AIRLOCK_RATE_LIMIT: '0' });
});

afterAll(async () => {
  await s?.close();
});

function folder(dir: string, root = dir, out: Record<string, Uint8Array> = {}): Record<string, Uint8Array> {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) folder(p, root, out);
    else out[relative(root, p)] = new Uint8Array(readFileSync(p));
  }
  return out;
}

let imports = 0;

function post(files: Record<string, Uint8Array>, query = `project=acro-test&requester=alice&dataset=charity-${++imports}`) {
  return request(s.url).post(`/v1/imports/acro?${query}`).set(s.auth()).set('content-type', 'application/zip').send(Buffer.from(zipSync(files)));
}

async function decisionsOf(project: string): Promise<number> {
  return (await s.store.list({ project, kind: 'decision' }, { limit: 1000 })).items.length;
}

interface Imported {
  decision: { id: string; outcome: string; outputs: { name: string; kind: string; outcome: string; exception?: { justification: string }; findings: { check: string; status: string }[] }[] };
  acro: { version: string; outputs: { uid: string; mapped_as: string; acro_status: string; airlock_outcome: string; comments: string[]; exception: string | null }[] };
}

describe.runIf(shared).each(['acro-1.0.1', 'acro-0.4.12'])('the real ACRO folder %s', (name) => {
  let body: Imported;
  const byUid = (uid: string) => body.acro.outputs.find((o) => o.uid === uid)!;
  const output = (uid: string) => body.decision.outputs.find((o) => o.name === uid)!;
  const failing = (uid: string) => output(uid).findings.filter((f) => f.status !== 'pass').map((f) => `${f.check}:${f.status}`).sort();

  beforeAll(async () => {
    const before = await decisionsOf('acro-test');
    const res = await post(folder(join(SHARED, name)));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    body = res.body;
    expect(await decisionsOf('acro-test')).toBe(before + 1);
  });

  it('is one signed, recorded decision with ACRO\'s verdict beside airlock\'s for each of the nine outputs', () => {
    expect(body.acro.version).toBe(name.slice(5));
    expect(body.acro.outputs.map((o) => [o.uid, o.acro_status])).toEqual([
      ['output_0', 'fail'], ['output_1', 'fail'], ['output_2', 'pass'], ['output_3', 'pass'], ['output_4', 'pass'],
      ['output_5', 'pass'], ['output_6', 'fail'], ['output_7', 'review'], ['output_8', 'fail'],
    ]);
    expect(body.decision.outcome).toBe('reject');
  });

  it('frequency crosstabs become checked cells: small cells rejected (as ACRO), a safe table with margins released', () => {
    expect(byUid('output_0')).toMatchObject({ mapped_as: 'table', airlock_outcome: 'reject', comments: ['Grants by year and type, for table 2 of the paper.'] });
    expect(failing('output_0')).toEqual(['min_count:fail']);
    expect(byUid('output_3')).toMatchObject({ mapped_as: 'table', airlock_outcome: 'release' });
  });

  it('an exception request is carried: the failing checks go to review, never to release', () => {
    expect(byUid('output_8')).toMatchObject({ mapped_as: 'table', exception: 'Cells below 10 are structural for 2011; see protocol section 4.', airlock_outcome: 'review' });
    expect(output('output_8').exception?.justification).toBe('Cells below 10 are structural for 2011; see protocol section 4.');
    expect(failing('output_8')).toEqual(['min_count:review', 'zeros:review']);
  });

  it('magnitude tables (no contributor counts in ACRO\'s CSV) go to a person as files', () => {
    for (const uid of ['output_1', 'output_2']) {
      expect(byUid(uid)).toMatchObject({ mapped_as: 'file', airlock_outcome: 'review' });
      expect(output(uid).kind).toBe('file');
    }
  });

  it('regressions become models with n_obs, residual dof and coefficients, and are released (as ACRO passes them)', () => {
    expect(byUid('output_4')).toMatchObject({ mapped_as: 'model', airlock_outcome: 'release' });
    expect(byUid('output_5')).toMatchObject({ mapped_as: 'model', airlock_outcome: 'release' });
    expect(output('output_4').kind).toBe('model');
  });

  it('the histogram (a PNG: its bins are not in the folder) and the custom output are reviewed as files', () => {
    expect(byUid('output_6')).toMatchObject({ mapped_as: 'file', airlock_outcome: 'review' });
    expect(byUid('output_7')).toMatchObject({ mapped_as: 'file', airlock_outcome: 'review', comments: ['methods note'] });
  });

  it('names a file changed by one byte and records nothing', async () => {
    const files = folder(join(SHARED, name));
    const csv = files['output_3_0.csv']!.slice();
    csv[csv.length - 2] ^= 1;
    const before = await decisionsOf('acro-test');
    const res = await post({ ...files, 'output_3_0.csv': csv });
    expect([res.status, res.body.code]).toEqual([422, 'ACRO_CHECKSUM_MISMATCH']);
    expect(res.body.detail).toContain('output_3_0.csv');
    expect(res.body.errors).toEqual([{ pointer: 'output_3_0.csv', message: 'checksum mismatch' }]);
    expect(await decisionsOf('acro-test')).toBe(before);
  });

  it('imports from the command line (airlock import-acro DIR)', async () => {
    const r = await runCli(['import-acro', join(SHARED, name), '--project', 'acro-test', '--requester', 'alice', '--dataset', `cli-${name}`, '--url', s.url, '--token', s.devToken!('submitter')!]);
    expect(r.stdout).toMatch(/^decision \S+: reject \(ACRO /m);
    expect(r.stdout).toMatch(/output_3\s+table\s+as table\s+ACRO pass\s+airlock release/);
    expect(r.code).toBe(1);
  });
});

/** The files given (text or bytes), each with its checksum as ACRO writes it. */
function withChecksums(files: Record<string, string | Uint8Array>): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [n, content] of Object.entries(files)) {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    out[n] = bytes;
    out[`checksums/${n}.txt`] = new TextEncoder().encode(createHash('sha256').update(bytes).digest('hex'));
  }
  return out;
}

/** A folder of our own: results.json from the outputs given, each file with its checksum. */
function ownFolder(version: string, results: Record<string, unknown>, files: Record<string, string | Uint8Array>): Record<string, Uint8Array> {
  return withChecksums({ ...files, 'results.json': JSON.stringify({ version, results }) });
}

/** Bytes that are not UTF-8 (a Latin-1 "é" in a label), which ACRO never writes. */
const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0));

const crosstab = (uid: string, file: string, extra: Record<string, unknown> = {}) => ({
  uid, status: 'pass', type: 'table', properties: { method: 'crosstab' }, files: [{ name: file, sdc: {} }], command: 'acro.crosstab(df.region, df.sex, margins=True)', summary: '', timestamp: '', comments: [], exception: '', ...extra,
});

describe('small ACRO folders of our own', () => {
  it('reads a crosstab with margins (All) as cells checked against their margins', async () => {
    const csv = 'region,F,M,All\nnorth,12,15,27\nsouth,20,11,31\nAll,32,26,58\n';
    const res = await post(ownFolder('1.2.0', { output_0: crosstab('output_0', 't.csv') }, { 't.csv': csv }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.decision.outputs[0]).toMatchObject({ kind: 'table', outcome: 'release' });
    // A margin that disagrees with its cells is refused, not believed.
    const wrong = await post(ownFolder('1.2.0', { output_0: crosstab('output_0', 't.csv') }, { 't.csv': csv.replace('All,32,26,58', 'All,32,26,60') }));
    expect([wrong.status, wrong.body.code]).toEqual([422, 'CELLS_INVALID']);
  });

  it('refuses a folder from an ACRO version it does not read, and one without results.json', async () => {
    const v2 = await post(ownFolder('2.0.0', { output_0: crosstab('output_0', 't.csv') }, { 't.csv': 'region,F\nnorth,12\n' }));
    expect([v2.status, v2.body.code]).toEqual([422, 'ACRO_INVALID']);
    const none = await post({ 'notes.txt': new TextEncoder().encode('hi') });
    expect([none.status, none.body.code]).toEqual([422, 'ACRO_INVALID']);
  });

  it('names an output file that has no checksum', async () => {
    const files = ownFolder('1.0.0', { output_0: crosstab('output_0', 't.csv') }, { 't.csv': 'region,F\nnorth,12\nsouth,14\n' });
    delete files['checksums/t.csv.txt'];
    const res = await post(files);
    expect([res.status, res.body.code]).toEqual([422, 'ACRO_CHECKSUM_MISMATCH']);
    expect(res.body.detail).toContain('t.csv');
  });

  it('keeps a short exception as an exception (padded, never dropped) and a regression without its tables as a file', async () => {
    const files = ownFolder('0.4.5', {
      output_0: crosstab('output_0', 't.csv', { exception: 'needed' }),
      output_1: { uid: 'output_1', status: 'pass', type: 'regression', properties: { method: 'ols' }, files: [{ name: 'r.csv' }], command: 'acro.ols(...)', comments: [], exception: '' },
    }, { 't.csv': 'region,F\nnorth,3\nsouth,14\n', 'r.csv': 'just,text\n' });
    const res = await post(files);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [table, reg] = res.body.decision.outputs;
    expect(table).toMatchObject({ outcome: 'review', exception: { justification: 'ACRO exception: needed' } });
    expect(reg).toMatchObject({ kind: 'file', outcome: 'review' });
  });

  it('checks a file results.json does not name (a listing slipped in beside the outputs): never passed over', async () => {
    const listing = 'nhs_number,dob,postcode\n9434765919,1970-01-01,AB1 2CD\n';
    const files = ownFolder('1.0.0', { output_0: crosstab('output_0', 't.csv') }, { 't.csv': 'region,F\nnorth,12\nsouth,14\n', 'extract.csv': listing, 'config.json': '{"safe_threshold":10}' });
    const res = await post(files);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.decision.outcome).toBe('reject');
    const names = res.body.decision.outputs.map((o: { name: string }) => o.name).sort();
    // ACRO's own config.json is metadata, not an output; the stray listing is one, and fails.
    expect(names).toEqual(['output_0', 'unlisted/extract.csv']);
    const stray = res.body.decision.outputs.find((o: { name: string }) => o.name === 'unlisted/extract.csv');
    expect(stray).toMatchObject({ kind: 'file', outcome: 'reject' });
    expect(res.body.acro.outputs.find((o: { uid: string }) => o.uid === 'unlisted/extract.csv')).toMatchObject({ acro_status: 'not in results.json', airlock_outcome: 'reject' });
  });

  it('checks a config.json that is not ACRO\'s thresholds (it has no checksum): a listing renamed config.json is no metadata', async () => {
    const rows = Array.from({ length: 3 }, (_, i) => ({ nhs_number: `943476591${i}`, diagnosis: 'C50' }));
    const files = ownFolder('1.0.0', { output_0: crosstab('output_0', 't.csv') }, { 't.csv': 'region,F\nnorth,12\nsouth,14\n', 'config.json': JSON.stringify({ safe_threshold: 10, rows }) });
    const res = await post(files);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.decision.outcome).not.toBe('release');
    expect(res.body.decision.outputs.map((o: { name: string }) => o.name).sort()).toEqual(['output_0', 'unlisted/config.json']);
  });

  it('reads a zip holding the folder itself (one top-level directory)', async () => {
    const files = ownFolder('1.0.0', { output_0: crosstab('output_0', 't.csv') }, { 't.csv': 'region,F\nnorth,12\nsouth,14\n' });
    const nested = Object.fromEntries(Object.entries(files).map(([k, v]) => [`session/${k}`, v]));
    expect((await post(nested)).status).toBe(201);
  });

  it('refuses another media type (415) and a request without its project (400)', async () => {
    const res = await request(s.url).post('/v1/imports/acro?project=p&requester=a').set(s.auth()).set('content-type', 'application/json').send('{}');
    expect(res.status).toBe(415);
    const missing = await request(s.url).post('/v1/imports/acro?requester=a').set(s.auth()).set('content-type', 'application/zip').send(Buffer.from('x'));
    expect(missing.status).toBe(400);
  });
});

// Malformed folders a researcher can upload (checksums consistent, contents not what ACRO
// writes): each is the client's fault, so a 4xx that says where, never a 500.
describe('malformed ACRO folders', () => {
  it('refuses a results.json that is JSON but not an object', async () => {
    for (const text of ['null', '[]', '"1.0.0"']) {
      const res = await post(withChecksums({ 'results.json': text }));
      expect([res.status, res.body.code], text).toEqual([422, 'ACRO_INVALID']);
      expect(res.body.errors, text).toEqual([{ pointer: 'results.json', message: 'not a JSON object' }]);
    }
  });

  it('refuses an output entry that is not an object, pointing at it', async () => {
    for (const entry of [null, 'output', 7, []]) {
      const res = await post(ownFolder('1.0.0', { output_0: crosstab('output_0', 't.csv'), 'output/1': entry }, { 't.csv': 'region,F\nnorth,12\nsouth,14\n' }));
      expect([res.status, res.body.code], JSON.stringify(entry)).toEqual([422, 'ACRO_INVALID']);
      expect(res.body.errors, JSON.stringify(entry)).toEqual([{ pointer: 'results.json#/results/output~11', message: 'not an object' }]);
    }
  });

  it('names a checksum file that is not UTF-8 as a mismatch', async () => {
    const files = ownFolder('1.0.0', { output_0: crosstab('output_0', 't.csv') }, { 't.csv': 'region,F\nnorth,12\nsouth,14\n' });
    files['checksums/t.csv.txt'] = latin1('\xe9');
    const res = await post(files);
    expect([res.status, res.body.code]).toEqual([422, 'ACRO_CHECKSUM_MISMATCH']);
    expect(res.body.errors).toEqual([{ pointer: 't.csv', message: 'checksum mismatch' }]);
  });

  it('sends a crosstab or a regression whose CSV is not UTF-8 to a person as files, never reads it as cells', async () => {
    const res = await post(ownFolder('1.0.0', {
      output_0: crosstab('output_0', 't.csv'),
      output_1: { uid: 'output_1', status: 'pass', type: 'regression', properties: { method: 'ols' }, files: [{ name: 'head.csv' }, { name: 'coef.csv' }], command: 'acro.ols(...)', comments: [], exception: '' },
    }, {
      't.csv': latin1('region,F\nnorth,12\nm\xe9dio,14\n'),
      'head.csv': latin1('Dep. Variable:,y\xe9,No. Observations:,500\nModel:,OLS,Df Residuals:,498\n'),
      'coef.csv': ',coef,std err\nconst,1.5,0.2\nx,0.3,0.1\n',
    }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.acro.outputs.map((o: { uid: string; mapped_as: string }) => [o.uid, o.mapped_as])).toEqual([['output_0', 'file'], ['output_1', 'file']]);
    expect(res.body.decision.outputs.map((o: { name: string; kind: string; outcome: string }) => [o.name, o.kind, o.outcome])).toEqual([
      ['output_0', 'file', 'review'],
      ['output_1/0', 'file', 'review'],
      ['output_1/1', 'file', 'review'],
    ]);
  });
});

describe('crosstabVariables', () => {
  it.each([
    ['acro.crosstab(data.year, data.grant_type)', { index: ['year'], columns: ['grant_type'] }],
    ['acro.crosstab([data.year, data.grant_type], data.survivor)', { index: ['year', 'grant_type'], columns: ['survivor'] }],
    ['acro.pivot_table(data, index="grant_type")', null],
  ])('%s', (command, expected) => {
    expect(crosstabVariables(command)).toEqual(expected);
  });
});
