/**
 * The routes of issue 10 (files and direct identifiers) through a real server: each sends
 * exactly the output an adversary would and asserts it is not released; the ordinary safe
 * output (a PNG figure) is released only where governance auto-releases .png.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../helpers/seeded-random.js';
import type { FileEvidence, Finding } from '../../src/domain.js';
import { PICKLES, PNG, joblibZlib, nestedZip, overlappingZip, torchZip, zipOf } from '../helpers/file-fixtures.js';
import { birthDates, nhsNumbers, postcodes } from '../helpers/identifiers.js';
import { testServer, type TestServer } from '../helpers/test-server.js';
import { tempDir } from '../helpers/temp-dirs.js';

const MiB = 1 << 20;
let s: TestServer;
let png: TestServer;
let pngRules: string;

beforeAll(async () => {
  // A 1 MiB request limit: archives are unpacked to at most 10 MiB.
  s = await testServer({ AIRLOCK_JSON_LIMIT: '1mb' });
  pngRules = tempDir('rules-png-');
  cpSync('rules', pngRules, { recursive: true });
  const def = readFileSync(join(pngRules, 'default.yaml'), 'utf8').replace('auto_release_file_extensions: []', 'auto_release_file_extensions: [".png"]');
  writeFileSync(join(pngRules, 'default.yaml'), def);
  png = await testServer({ AIRLOCK_RULES_DIR: pngRules });
});
afterAll(async () => {
  await s.close();
  await png.close();
  rmSync(pngRules, { recursive: true, force: true });
});

interface OutputResult {
  outcome: string;
  findings: Finding[];
}

async function submitTo(server: TestServer, output: Record<string, unknown>): Promise<OutputResult & { raw: string }> {
  const res = await request(server.url)
    .post('/v1/decisions')
    .set(server.auth())
    .send({ project: 'p', requester: 'mallory', outputs: [{ name: 'out', ...output }] })
    .expect(201);
  return { ...res.body.decision.outputs[0], raw: JSON.stringify(res.body) };
}

const file = (filename: string, bytes: string | Uint8Array) => ({ kind: 'file', filename, content_base64: Buffer.from(bytes).toString('base64') });
const finding = (r: OutputResult, check: string) => r.findings.find((f) => f.check === check);

/** Every member's size in the evidence: what was unpacked. */
function unpacked(ev: FileEvidence | undefined): number {
  if (!ev) return 0;
  return (ev.members ?? []).reduce((n, m) => n + m.size + unpacked(m), 0);
}

describe('files: the routes of issue 10 are closed', () => {
  it('extract.csv with nhs_number,dob,postcode,diagnosis rows as kind "file" → reject (detectors fail, names would review); no value in the signed decision', async () => {
    const rng = seededRandom(42);
    const nhs = nhsNumbers(rng, 40);
    const dob = birthDates(rng, 40);
    const pc = postcodes(rng, 40);
    const csv = `nhs_number,dob,postcode,diagnosis\n${nhs.map((x, i) => `${x},${dob[i]},${pc[i]},E11`).join('\n')}\n`;
    const r = await submitTo(s, file('extract.csv', csv));
    expect(r.outcome).toBe('reject');
    const ids = finding(r, 'direct_identifiers');
    expect(ids?.status).toBe('fail');
    expect(ids?.items?.map((i) => i.reason.match(/detector (\w+)/)?.[1])).toEqual(['nhs_number', 'birth_date', 'postcode']);
    expect(ids?.items?.every((i) => i.reason.includes('named like the direct identifier'))).toBe(true);
    expect(finding(r, 'file_content')?.status).toBe('review');
    for (const v of [nhs[0], nhs[39], dob[0], pc[0]]) expect(r.raw).not.toContain(v);
  });

  it('the same columns only named (values redacted) → review', async () => {
    const r = await submitTo(s, file('extract.csv', 'nhs_number,dob,postcode,diagnosis\nX,X,X,E11\nY,Y,Y,I10\n'));
    expect(r.outcome).toBe('review');
    expect(finding(r, 'direct_identifiers')?.status).toBe('review');
  });

  it.each([
    ['a pickle of protocol 0 named results.txt', 'results.txt', PICKLES[0] ?? new Uint8Array()],
    ['a zlib-compressed joblib file named weights.dat', 'weights.dat', joblibZlib()],
    ['a torch .pt zip named model.zip', 'model.zip', torchZip()],
    ['a torch .pt zip inside a tar.gz', 'run.tar.gz', gzipSync(zipOf({ 'x.bin': torchZip() }))],
  ])('%s → reject on file_type', async (_what, name, bytes) => {
    const r = await submitTo(s, file(name, bytes));
    expect(r.outcome).toBe('reject');
    expect(finding(r, 'file_type')?.status).toBe('fail');
  });

  it.each([
    ['overlapping entries', () => overlappingZip(zipOf({ 'data-000000.csv': new Uint8Array(MiB / 4) }), 400)],
    ['a 200:1 member', () => zipOf({ 'zeros.csv': new Uint8Array(8 * MiB) })],
    ['nesting deeper than 3 levels', () => nestedZip(5, { 'a.csv': 'x\n1\n' })],
    ['a gzip bomb', () => gzipSync(new Uint8Array(60 * MiB))],
  ])('a zip bomb (%s) is bounded and not released', async (_what, make) => {
    const r = await submitTo(s, file('outputs.zip', make()));
    expect(r.outcome).toBe('reject');
    const fc = finding(r, 'file_content');
    expect(fc?.status).toBe('fail');
    // What was unpacked stays within 10 × the 1 MiB request limit (plus one decompressor step).
    expect(unpacked(fc?.evidence)).toBeLessThanOrEqual(10 * MiB + 17 * MiB);
  });

  it('a PNG figure is released where the rules auto-release .png, reviewed where they do not', async () => {
    expect((await submitTo(png, file('figure.png', PNG))).outcome).toBe('release');
    expect((await submitTo(s, file('figure.png', PNG))).outcome).toBe('review');
    // The same bytes under a name the rules do not list, or other bytes under .png, are reviewed.
    expect((await submitTo(png, file('figure.bin', PNG))).outcome).toBe('review');
    expect((await submitTo(png, file('figure.png', '%PDF-1.7'))).outcome).toBe('review');
  });

  it('a plain text or CSV file that used to be released is now reviewed', async () => {
    const r = await submitTo(s, file('results.csv', 'region,count\nnorth,120\nsouth,95\n'));
    expect(r.outcome).toBe('review');
    expect(finding(r, 'file_content')?.evidence?.delimited?.columns[1]).toMatchObject({ name: 'count', min: 95, max: 120, small_counts: 0 });
  });
});

describe('direct identifiers on other kinds', () => {
  it('a record extract naming harmless quasi-identifiers while its rows carry nhs_number, dob, postcode → reject', async () => {
    const rng = seededRandom(7);
    const nhs = nhsNumbers(rng, 20);
    const dob = birthDates(rng, 20);
    const pc = postcodes(rng, 20);
    const data = `age_band,sex,nhs_number,dob,postcode,diagnosis\n${nhs.map((x, i) => `40-49,${i % 2 ? 'F' : 'M'},${x},${dob[i]},${pc[i]},${i % 3 ? 'E11' : 'I10'}`).join('\n')}\n`;
    const r = await submitTo(s, { kind: 'records', microdata: { format: 'csv', data }, quasi_identifiers: ['age_band', 'sex'], sensitive: 'diagnosis' });
    expect(r.outcome).toBe('reject');
    expect(finding(r, 'direct_identifiers')?.items?.map((i) => i.ref)).toEqual(['column 3 ("nhs_number")', 'column 4 ("dob")', 'column 5 ("postcode")']);
    expect(r.raw).not.toContain(nhs[0]);
  });

  it('a table whose labels are NHS numbers → reject, and the finding names the dimension only', async () => {
    const nhs = nhsNumbers(seededRandom(8), 5);
    const r = await submitTo(s, { kind: 'table', cells: nhs.map((n) => ({ labels: { person: n }, count: 12 })) });
    expect(r.outcome).toBe('reject');
    expect(finding(r, 'direct_identifiers')?.items).toEqual([{ ref: 'dimension "person"', value: 5, reason: '5 of 5 non-empty values (100%) are NHS numbers (detector nhs_number)' }]);
  });
});
