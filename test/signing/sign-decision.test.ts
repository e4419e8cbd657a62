import { createPublicKey, verify } from 'node:crypto';
import { CompactSign, compactVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { publicJwks } from '../../src/signing/jwks.js';
import { canonicalJsonBytes } from '../../src/lib/canonical-json.js';
import { DECISION_JWS_ALG, DECISION_JWS_TYP, signDecision } from '../../src/signing/sign-decision.js';
import type { SigningKey } from '../../src/signing/signing-keys.js';
import { RULESET_DIGEST, sampleDecision, testSigningKey } from '../helpers/sample-decision.js';

/** A verifier that shares nothing with the signing path: node:crypto and the published JWK. */
function independentlyVerifies(jws: string, jwk: object): boolean {
  const [h, p, s] = jws.split('.');
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  return verify(null, Buffer.from(`${h}.${p}`, 'ascii'), key, Buffer.from(s!, 'base64url'));
}

/** Flips one bit of byte `i` of a base64url segment's decoded bytes. */
function flipByte(segment: string, i: number): string {
  const bytes = Buffer.from(segment, 'base64url');
  bytes[i] = bytes[i]! ^ 0x01;
  return bytes.toString('base64url');
}

describe('signDecision', () => {
  let key: SigningKey;
  let jws: string;
  const decision = sampleDecision(1);

  beforeAll(async () => {
    key = await testSigningKey();
    jws = await signDecision(decision, key);
  });

  it('verifies with node:crypto and the JWKS key', () => {
    const jwk = publicJwks([key]).keys.find((k) => k.kid === key.kid)!;
    expect(independentlyVerifies(jws, jwk)).toBe(true);
  });

  it('has header { alg: EdDSA, kid, typ } and the canonical decision as payload', () => {
    const [h, p] = jws.split('.');
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString('utf8'))).toEqual({ alg: 'EdDSA', kid: key.kid, typ: DECISION_JWS_TYP });
    // Spelled out by hand, keys in code-unit order, so the test does not trust the canonicaliser.
    expect(Buffer.from(p!, 'base64url').toString('utf8')).toBe(
      '{"dataset":"cohort","id":"d-0001","issued_at":"2024-05-01T10:00:01.000Z","outcome":"release",' +
        '"outputs":[{"findings":[],"kind":"table","name":"by-sex","outcome":"release","sha256":"' + 'b'.repeat(64) + '"}],' +
        '"project":"p1","requester":"alice","ruleset":{"digest":"' + RULESET_DIGEST + '","name":"default","version":"1"}}',
    );
  });

  it('does not verify once any single payload byte is changed', () => {
    const [h, p, s] = jws.split('.');
    const n = Buffer.from(p!, 'base64url').length;
    const jwk = publicJwks([key]).keys[0]!;
    for (let i = 0; i < n; i++) {
      expect(independentlyVerifies(`${h}.${flipByte(p!, i)}.${s}`, jwk)).toBe(false);
    }
  });

  it('does not verify with another key', async () => {
    const other = await testSigningKey();
    expect(independentlyVerifies(jws, other.publicJwk)).toBe(false);
  });

  it('signs the same decision the same way whatever its key order (Ed25519 is deterministic)', async () => {
    const reordered = Object.fromEntries(Object.entries(decision).reverse()) as typeof decision;
    expect(await signDecision(reordered, key)).toBe(jws);
  });

  it("is byte for byte jose's CompactSign of the same header and payload, and jose verifies it", async () => {
    for (const d of [decision, sampleDecision(2, { requester: 'zo\u00eb \u{1f600}', dataset: null })]) {
      const viaJose = await new CompactSign(canonicalJsonBytes(d)).setProtectedHeader({ alg: DECISION_JWS_ALG, kid: key.kid, typ: DECISION_JWS_TYP }).sign(key.signer);
      const ours = await signDecision(d, key);
      expect(ours).toBe(viaJose);
      const { payload, protectedHeader } = await compactVerify(ours, key.publicKey);
      expect(protectedHeader).toEqual({ alg: DECISION_JWS_ALG, kid: key.kid, typ: DECISION_JWS_TYP });
      expect(Buffer.from(payload).toString('utf8')).toBe(Buffer.from(canonicalJsonBytes(d)).toString('utf8'));
    }
  });

  it('refuses a decision that is not JSON (INTERNAL)', async () => {
    await expect(signDecision(sampleDecision(2, { outputs: [{ name: 'x', kind: 'table', sha256: '', outcome: 'release', findings: [], ratio: Number.NaN }] }), key)).rejects.toMatchObject({
      code: 'INTERNAL',
    });
  });

  it('refuses a decision larger than it signs and records (DECISION_TOO_LARGE), before base64 or a signature', async () => {
    const big = sampleDecision(3, { requester: 'é'.repeat(600) });
    const size = Buffer.byteLength(JSON.stringify(big));
    await expect(signDecision(big, key, { maxBytes: size - 1200 })).rejects.toMatchObject({ code: 'DECISION_TOO_LARGE', message: expect.stringMatching(/bytes/) });
    // Counted in UTF-8 bytes, not UTF-16 units: 600 × 'é' is 1,200 bytes.
    await expect(signDecision(big, key, { maxBytes: JSON.stringify(big).length + 100 })).rejects.toMatchObject({ code: 'DECISION_TOO_LARGE' });
    expect((await signDecision(big, key, { maxBytes: size + 100 })).split('.')).toHaveLength(3);
  });

  it('calls an infinite value computed from finite input VALUE_OVERFLOW, naming where it is', async () => {
    const d = sampleDecision(4, { outputs: [{ name: 'x', kind: 'table', sha256: '', outcome: 'release', findings: [], total: Number.POSITIVE_INFINITY }] });
    await expect(signDecision(d, key)).rejects.toMatchObject({ code: 'VALUE_OVERFLOW', details: [{ pointer: '/outputs/0/total' }] });
  });
});
