/**
 * What a decision's signature and the audit chain prove, checked end to end over HTTP:
 * - the signature of a POST response verifies with node:crypto and nothing else (the key from
 *   the published JWKS, the JWS split by hand), and changing any byte of the payload breaks it;
 * - a record altered in the SQLite database behind the service's back (an UPDATE with the
 *   append-only triggers dropped, or a byte edited in the file) is reported by
 *   `GET /v1/audit/verify` at exactly its seq.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../../src/audit/sqlite-store.js';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';

/** RFC 8785 for the plain JSON a decision is (strings, finite numbers, booleans, null), written here so the check does not lean on the code under test. */
function jcs(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(jcs).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${jcs(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const b64u = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** POSTs `n` small decisions (each its own dataset, so released cells are kept and no differencing applies); returns the response bodies. */
async function postMany(s: TestServer, n: number): Promise<{ decision: { id: string }; audit: { seq: number } }[]> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const csv = csvOf({ 'a|x': 12 + i, 'a|y': 15, 'b|x': 11, 'b|y': i % 2 ? 2 : 20 });
    const body = tableRequest(csv, { index: 'r', columns: 'c' }, { dataset: `cohort-${i + 1}`, requester: `rq-${i + 1}` });
    out.push((await request(s.url).post('/v1/decisions').set(s.auth()).send(body).expect(201)).body);
  }
  return out;
}

describe('a decision signature, checked with node:crypto and the published JWKS only', () => {
  let s: TestServer;
  let response: { decision: unknown; signature: string };
  let key: KeyObject;
  let jwk: Record<string, string>;

  beforeAll(async () => {
    s = await testServer();
    const csv = csvOf({ 'a|x': 3, 'a|y': 15, 'b|x': 11, 'b|y': 20 });
    response = (await request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(csv, { index: 'r', columns: 'c', margins: true })).expect(201)).body;
    const jwks = (await request(s.url).get('/.well-known/jwks.json').expect(200).expect('content-type', /json/)).body as { keys: Record<string, string>[] };
    const [h] = response.signature.split('.');
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')) as Record<string, string>;
    jwk = jwks.keys.find((k) => k.kid === header.kid)!;
    key = createPublicKey({ key: { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x! }, format: 'jwk' });
  });
  afterAll(async () => {
    await s.close();
  });

  const parts = () => response.signature.split('.') as [string, string, string];
  const verifies = (h: string, p: string, sig: string) => verify(null, Buffer.from(`${h}.${p}`, 'ascii'), key, Buffer.from(sig, 'base64url'));

  it('publishes an Ed25519 key whose kid is its RFC 7638 thumbprint, and a header naming it', () => {
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(jwk).not.toHaveProperty('d');
    expect(jwk.kid).toBe(b64u(createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`).digest()));
    expect(JSON.parse(Buffer.from(parts()[0], 'base64url').toString('utf8'))).toEqual({ alg: 'EdDSA', kid: jwk.kid, typ: 'airlock-decision+jws' });
  });

  it('verifies, and its payload is exactly the canonical JSON of the returned decision', () => {
    const [h, p, sig] = parts();
    expect(verifies(h, p, sig)).toBe(true);
    expect(Buffer.from(p, 'base64url').toString('utf8')).toBe(jcs(response.decision));
  });

  it('breaks when any single byte of the payload changes', () => {
    const [h, p, sig] = parts();
    const payload = Buffer.from(p, 'base64url');
    const survivors: number[] = [];
    for (let i = 0; i < payload.length; i++) {
      const changed = Buffer.from(payload);
      changed[i] = changed[i]! ^ 0x01;
      if (verifies(h, b64u(changed), sig)) survivors.push(i);
    }
    expect(payload.length).toBeGreaterThan(500);
    expect(survivors).toEqual([]);
  });

  it('breaks when the header or the signature changes', () => {
    const [h, p, sig] = parts();
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, string>;
    expect(verifies(b64u(JSON.stringify({ ...header, typ: 'JWT' })), p, sig)).toBe(false);
    const raw = Buffer.from(sig, 'base64url');
    raw[10] = raw[10]! ^ 0x80;
    expect(verifies(h, p, b64u(raw))).toBe(false);
  });
});

describe('GET /v1/audit/verify after a record is altered in the SQLite file', () => {
  let s: TestServer | null = null;
  afterEach(async () => {
    await s?.close();
    s = null;
  });

  const verifyNow = async (t: TestServer, auth = t.auth('auditor')) => (await request(t.url).get('/v1/audit/verify').set(auth).expect(200)).body;

  it.each<[string, number, string[], string]>([
    ['a submitter rewritten', 3, ['DROP TRIGGER records_no_update', "UPDATE records SET submitted_by = 'mallory' WHERE seq = 3"], 'hash does not match the record content'],
    [
      'an outcome rewritten in the decision and its lookup column',
      4,
      ['DROP TRIGGER records_no_update', `UPDATE records SET decision = replace(decision, '"outcome":"reject"', '"outcome":"release"'), outcome = 'release' WHERE seq = 4`],
      'hash does not match the record content',
    ],
    ['a released cell count changed', 3, ['DROP TRIGGER released_tables_no_update', "UPDATE released_tables SET cells = replace(cells, '\"count\":11', '\"count\":99') WHERE seq = 3"], 'hash does not match the record content'],
    ['only the lookup column changed', 5, ['DROP TRIGGER records_no_update', "UPDATE records SET project = 'elsewhere' WHERE seq = 5"], 'the store\'s project column ("elsewhere") disagrees with the recorded decision ("test-project")'],
    [
      'a record removed from the middle',
      3,
      ['PRAGMA foreign_keys = OFF', 'DROP TRIGGER records_no_delete', 'DROP TRIGGER released_tables_no_delete', 'DELETE FROM released_tables WHERE seq = 3', 'DELETE FROM records WHERE seq = 3'],
      'seq 3 is missing (the next record is seq 4)',
    ],
  ])('reports %s at exactly seq %i', async (_label, seq, statements, reason) => {
    s = await testServer();
    await postMany(s, 6);
    expect(await verifyNow(s)).toMatchObject({ ok: true, checked: 6 });
    const db = new Database(join(s.dataDir, SQLITE_FILE));
    for (const sql of statements) {
      const { changes } = db.prepare(sql).run();
      if (/^(UPDATE|DELETE)/.test(sql)) expect(changes).toBe(1);
    }
    db.close();
    expect(await verifyNow(s)).toEqual({
      ok: false,
      checked: seq - 1,
      first_bad_seq: seq,
      reason,
      tampering: reason.includes('missing') ? 'deleted' : 'edited',
      head: { seq: seq - 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      log: { size: seq - 1, checkpoint_size: expect.any(Number) },
    });
  });

  it('reports a byte edited in the database file itself at exactly its seq', async () => {
    const first = await testServer();
    s = first;
    await postMany(first, 5);
    const dataDir = first.dataDir;
    // The dev tokens are printed only when created: keep the auditor's for the second start.
    const auditor = first.auth('auditor');
    // Closing checkpoints the WAL into the main file, so the record's bytes are all in one place.
    await first.store.close();
    const path = join(dataDir, SQLITE_FILE);
    const bytes = readFileSync(path);
    const needle = Buffer.from('"requester":"rq-3"');
    const at = bytes.indexOf(needle);
    expect(at).toBeGreaterThan(0);
    expect(bytes.indexOf(needle, at + 1)).toBe(-1);
    bytes[at + needle.length - 2] = '7'.charCodeAt(0);
    writeFileSync(path, bytes);
    // A fresh service on the edited file.
    const second = await testServer({ AIRLOCK_DATA_DIR: dataDir });
    try {
      expect(await verifyNow(second, auditor)).toMatchObject({ ok: false, checked: 2, first_bad_seq: 3, reason: 'hash does not match the record content' });
    } finally {
      await second.close();
    }
  });
});
