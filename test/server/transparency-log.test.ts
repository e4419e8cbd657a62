/**
 * The transparency log over HTTP: every decision's record is a leaf of the RFC 9162 tree whose
 * signed checkpoint an auditor fetches; the inclusion proof of each decision and the
 * consistency proof between two checkpoints verify against the checkpoints' roots with the
 * published log key alone; witnesses (a directory and a flaky HTTP endpoint) receive the
 * checkpoints without a decision ever waiting for them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/lib/checkpoint-note.js';
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/lib/merkle-tree.js';
import { parseVerifierKey } from '../../src/lib/signed-note.js';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';

const b64 = (s: string) => Buffer.from(s, 'base64');

async function decide(s: TestServer, i: number): Promise<{ decision: { id: string }; audit: { seq: number; hash: string } }> {
  const csv = csvOf({ 'a|x': 12 + i, 'a|y': 15, 'b|x': 11, 'b|y': 20 });
  return (await request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(csv, { index: 'r', columns: 'c' })).expect(201)).body;
}

describe('transparency log routes', () => {
  let s: TestServer;
  let witnessDir: string;
  let witness: Server;
  const received: string[] = [];
  let failuresLeft = 2;

  beforeAll(async () => {
    witnessDir = mkdtempSync(join(tmpdir(), 'airlock-witness-'));
    // A witness that is down for its first two deliveries.
    witness = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (failuresLeft-- > 0) {
          res.statusCode = 503;
          return res.end();
        }
        received.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => witness.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(witness.address() as AddressInfo).port}/add-checkpoint`;
    s = await testServer({ AIRLOCK_WITNESS_URLS: url, AIRLOCK_WITNESS_DIRS: witnessDir, AIRLOCK_LOG_ORIGIN: 'airlock.test/audit' });
  });
  afterAll(async () => {
    await s.close();
    witness.close();
    rmSync(witnessDir, { recursive: true, force: true });
  });

  it('publishes the log key, signs checkpoints with it, and proves every decision and every pair of checkpoints', async () => {
    const key = (await request(s.url).get('/v1/audit/log-key').expect(200)).body;
    expect(key).toMatchObject({ origin: 'airlock.test/audit', kid: s.keys.signing.kid, algorithm: 'Ed25519' });
    const verifier = parseVerifierKey(key.verifier_key);

    const first = await decide(s, 0);
    const c1 = (await request(s.url).get('/v1/audit/checkpoint').set(s.auth('auditor')).expect(200)).body;
    const cp1 = openCheckpoint(c1.checkpoint, verifier, 'airlock.test/audit');
    expect(cp1.size).toBe(1);
    expect(cp1.root.toString('base64')).toBe(c1.root_hash);

    const later = [];
    for (let i = 1; i <= 6; i++) later.push(await decide(s, i));
    const text = await request(s.url).get('/v1/audit/checkpoint').set({ ...s.auth('auditor'), accept: 'text/plain' }).expect(200);
    const cp7 = openCheckpoint(text.text, verifier);
    expect(cp7.size).toBe(7);

    for (const d of [first, ...later]) {
      const p = (await request(s.url).get(`/v1/decisions/${d.decision.id}/proof`).set(s.auth('auditor')).expect(200)).body;
      expect(p).toMatchObject({ seq: d.audit.seq, leaf_index: d.audit.seq - 1, tree_size: 7 });
      // The entry names the record's place and chain hash; the leaf is recomputed here, not taken from the answer.
      expect(JSON.parse(p.entry)).toEqual({ v: 1, seq: d.audit.seq, kind: 'decision', decision_id: d.decision.id, hash: d.audit.hash });
      const leaf = leafHash(Buffer.from(p.entry, 'utf8'));
      expect(verifyInclusion(p.leaf_index, cp7.size, leaf, p.inclusion_proof.map(b64), cp7.root)).toBe(true);
      expect(verifyInclusion(p.leaf_index, cp7.size, leafHash(Buffer.from(p.entry.replace('"decision"', '"review"'))), p.inclusion_proof.map(b64), cp7.root)).toBe(false);
    }
    // Against the first checkpoint too: the first decision was in it.
    const old = (await request(s.url).get(`/v1/decisions/${first.decision.id}/proof`).query({ size: 1 }).set(s.auth('auditor')).expect(200)).body;
    expect(verifyInclusion(0, 1, leafHash(Buffer.from(old.entry)), old.inclusion_proof.map(b64), cp1.root)).toBe(true);

    const cons = (await request(s.url).get('/v1/audit/consistency').query({ first: 1 }).set(s.auth('auditor')).expect(200)).body;
    expect(cons.second).toBe(7);
    expect(verifyConsistency(1, 7, cons.proof.map(b64), cp1.root, cp7.root)).toBe(true);
    expect(verifyConsistency(1, 7, cons.proof.map(b64), cp7.root, cp1.root)).toBe(false);
    for (let m = 1; m <= 7; m++) {
      const c = (await request(s.url).get('/v1/audit/consistency').query({ first: m, second: 7 }).set(s.auth('auditor')).expect(200)).body;
      const held = openCheckpoint((await request(s.url).get('/v1/audit/checkpoint').query({ size: m }).set(s.auth('auditor')).expect(200)).body.checkpoint, verifier);
      expect(verifyConsistency(m, 7, c.proof.map(b64), held.root, cp7.root), `${m} → 7`).toBe(true);
    }
  });

  it('refuses sizes the log does not have, without a 5xx', async () => {
    await request(s.url).get('/v1/audit/consistency').query({ first: 99 }).set(s.auth('auditor')).expect(400);
    await request(s.url).get('/v1/audit/consistency').set(s.auth('auditor')).expect(400);
    await request(s.url).get('/v1/audit/consistency').query({ first: '-1' }).set(s.auth('auditor')).expect(400);
    await request(s.url).get('/v1/audit/checkpoint').query({ size: 9999 }).set(s.auth('auditor')).expect(404);
    await request(s.url).get('/v1/decisions/no-such-id/proof').set(s.auth('auditor')).expect(404);
  });

  it('hands every checkpoint to the witnesses, retrying a failing one, and a decision never waits for them', async () => {
    const d = await decide(s, 99);
    await s.witnesses.settled();
    const latest = (await request(s.url).get('/v1/audit/checkpoint').set(s.auth('auditor')).expect(200)).body;
    expect(latest.size).toBe(d.audit.seq);
    expect(readFileSync(join(witnessDir, 'checkpoint'), 'utf8')).toBe(latest.checkpoint);
    expect(readFileSync(join(witnessDir, `checkpoint.${latest.size}`), 'utf8')).toBe(latest.checkpoint);
    // The HTTP witness refused twice, then got the newest checkpoint.
    expect(failuresLeft).toBeLessThan(0);
    expect(received[received.length - 1]).toBe(latest.checkpoint);
  });
});
