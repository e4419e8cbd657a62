import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/verify.js';
import { publicJwks } from '../../src/signing/jwks.js';
import { testSigningKey } from '../helpers/sample-decision.js';
import { captureStdout } from '../helpers/capture-stdout.js';
import { runCli } from '../helpers/run-cli.js';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';
import { tempDir } from '../helpers/temp-dirs.js';

type Saved = { decision: Record<string, unknown> & { id: string; outputs: { findings: { message: string }[] }[] }; signature: string; audit: { seq: number; hash: string; prev: string } };

let s: TestServer;
let dir: string;
let saved: Saved;
let jwksFile: string;
let otherJwksFile: string;

function write(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}

/** Changes one base64url character in the middle of the JWS signature part. */
function flipSignatureChar(jws: string): string {
  const [h, p, sig] = jws.split('.') as [string, string, string];
  const i = Math.floor(sig.length / 2);
  return `${h}.${p}.${sig.slice(0, i)}${sig[i] === 'A' ? 'B' : 'A'}${sig.slice(i + 1)}`;
}

beforeAll(async () => {
  s = await testServer();
  dir = tempDir('airlock-verify-cli-');
  const csv = csvOf({ 'a|x': 3, 'a|y': 15, 'b|x': 11, 'b|y': 20 });
  saved = (await request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(csv, { index: 'r', columns: 'c' })).expect(201)).body as Saved;
  jwksFile = write('jwks.json', (await request(s.url).get('/.well-known/jwks.json').expect(200)).body);
  otherJwksFile = write('other-jwks.json', publicJwks([await testSigningKey()]));
});
afterAll(async () => {
  await s.close();
});

/** The command in this process (fast, for the many cases); exit code and stdout. */
async function runHere(args: string[]): Promise<{ code: number; stdout: string }> {
  const { result, stdout } = await captureStdout(() => run(args));
  return { code: result, stdout };
}

describe('airlock verify FILE', () => {
  it.each([
    ['a JWKS file', () => jwksFile],
    ['the JWKS URL of the service', () => `${s.url}/.well-known/jwks.json`],
  ])('exits 0 and names the kid for an untouched POST response, against %s', async (_label, jwks) => {
    const r = await runCli(['verify', write('ok.json', saved), '--jwks', jwks()]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`OK: decision ${saved.decision.id} (reject) is signed by kid ${s.keys.signing.kid}, audit seq ${saved.audit.seq}\n`);
  });

  it('accepts what GET /v1/decisions/{id} returns, and reads stdin for -', async () => {
    const read = (await request(s.url).get(`/v1/decisions/${saved.decision.id}`).set(s.auth('auditor')).expect(200)).body;
    const r = await runCli(['verify', '-', '--jwks', jwksFile, '--json'], {}, JSON.stringify(read));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, kid: s.keys.signing.kid });
  });

  it.each<[string, (x: Saved) => void, string, RegExp]>([
    ['the outcome', (x) => (x.decision.outcome = 'release'), '/decision/outcome', /signed "reject", found "release"/],
    ['a finding message deep inside', (x) => (x.decision.outputs[0]!.findings[0]!.message += '!'), '/decision/outputs/0/findings/0/message', /differs from the signed payload/],
    ['an added member', (x) => (x.decision.note = 'hi'), '/decision/note', /signed absent, found "hi"/],
    ['a signature byte', (x) => (x.signature = flipSignatureChar(x.signature)), '/signature', /does not verify with key/],
    ['the audit seq', (x) => (x.audit.seq = 0), '/audit/seq', /not a positive integer/],
    ['the audit hash', (x) => (x.audit.hash = 'nothex'), '/audit/hash', /64 lower-case hex/],
  ])('exits 1 and names the field when %s is changed', async (_label, tamper, field, reason) => {
    const copy = structuredClone(saved);
    tamper(copy);
    const r = await runHere([write('tampered.json', copy), '--jwks', jwksFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^FAIL ${field.replace(/\//g, '\\/')}: `));
    expect(r.stdout).toMatch(reason);
  });

  it('exits 1 when the JWKS holds no key with the signature kid', async () => {
    const r = await runHere([write('ok.json', saved), '--jwks', otherJwksFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`FAIL /signature: no usable key with kid ${s.keys.signing.kid} in the JWKS (kid ${s.keys.signing.kid})\n`);
  });

  it('exits 1 for a file that is not JSON', async () => {
    const r = await runHere([write('junk.json', 'not json'), '--jwks', jwksFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL \/: .*junk\.json is not JSON/);
  });

  it.each([
    ['a URL that is not a JWKS', () => `${s.url}/nowhere.json`, /cannot use the JWKS at .*HTTP 404/],
    ['a missing file', () => join(dir, 'absent.json'), /cannot use the JWKS at .*ENOENT/],
    ['a JSON file without keys', () => write('nokeys.json', { nope: [] }), /no "keys" array/],
  ])('throws CONFIG_INVALID (exit 1 from main) for %s', async (_label, jwks, message) => {
    await expect(runHere([write('ok.json', saved), '--jwks', jwks()])).rejects.toThrow(message);
  });

  it('reports a bad JWKS as exit 4 (environment) with the code on stderr from the real command line', async () => {
    const r = await runCli(['verify', write('ok.json', saved), '--jwks', join(dir, 'absent.json')]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^airlock verify: CONFIG_INVALID: cannot use the JWKS at .*absent\.json: ENOENT/);
  });

  it('exits 1 from the real command line for a tampered file', async () => {
    const copy = structuredClone(saved);
    copy.decision.outcome = 'release';
    const r = await runCli(['verify', write('tampered-cli.json', copy), '--jwks', jwksFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL \/decision\/outcome: decision differs from the signed payload at \/outcome: signed "reject", found "release"/);
  });

  it('exits 2 with usage when no file is given', async () => {
    const r = await runCli(['verify']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^airlock verify: FILE is required\nRun 'airlock verify --help' for usage\./);
  });
});
