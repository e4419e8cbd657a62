import { beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../src/domain.js';
import { publicJwks, type Jwks } from '../../src/signing/jwks.js';
import { signDecision } from '../../src/signing/sign-decision.js';
import type { SigningKey } from '../../src/signing/signing-keys.js';
import { firstDifference, verifyDecisionResponse } from '../../src/signing/verify-decision.js';
import { sampleDecision, testSigningKey } from '../helpers/sample-decision.js';

const audit = { seq: 3, hash: 'c'.repeat(64), prev: 'd'.repeat(64) };

describe('verifyDecisionResponse', () => {
  let key: SigningKey;
  let old: SigningKey;
  let jwks: Jwks;
  let decision: Decision;
  let signature: string;

  beforeAll(async () => {
    key = await testSigningKey();
    old = await testSigningKey();
    jwks = publicJwks([key, old]);
    decision = sampleDecision(7);
    signature = await signDecision(decision, key);
  });

  it('accepts an untouched response, reporting the kid', async () => {
    expect(await verifyDecisionResponse({ decision, signature, audit }, jwks)).toEqual({ ok: true, kid: key.kid });
  });

  it('accepts a decision signed with a rotated-out key still in the JWKS', async () => {
    const sig = await signDecision(decision, old);
    expect(await verifyDecisionResponse({ decision, signature: sig }, jwks)).toEqual({ ok: true, kid: old.kid });
  });

  it('accepts the decision after a JSON round trip with keys reordered', async () => {
    const copy = JSON.parse(JSON.stringify({ signature, decision: Object.fromEntries(Object.entries(decision).reverse()) }));
    expect((await verifyDecisionResponse(copy, jwks)).ok).toBe(true);
  });

  it.each<[string, (d: Decision) => unknown, string]>([
    ['outcome', (d) => ({ ...d, outcome: 'reject' }), '/decision/outcome'],
    ['a nested output outcome', (d) => ({ ...d, outputs: [{ ...d.outputs[0]!, outcome: 'reject' }] }), '/decision/outputs/0/outcome'],
    ['an added member', (d) => ({ ...d, note: 'x' }), '/decision/note'],
    ['a removed member', ({ dataset: _, ...d }) => d, '/decision/dataset'],
    ['an extra finding', (d) => ({ ...d, outputs: [{ ...d.outputs[0]!, findings: [{ check: 'min_count' }] }] }), '/decision/outputs/0/findings/0'],
    ['the ruleset digest', (d) => ({ ...d, ruleset: { ...d.ruleset, digest: 'f'.repeat(64) } }), '/decision/ruleset/digest'],
  ])('names the changed field: %s', async (_, change, field) => {
    const r = await verifyDecisionResponse({ decision: change(decision), signature }, jwks);
    expect(r).toMatchObject({ ok: false, kid: key.kid, field });
    expect(r.reason).toMatch(/differs from the signed payload/);
  });

  const part = (jws: string, i: number, f: (s: string) => string) => jws.split('.').map((p, j) => (j === i ? f(p) : p)).join('.');
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

  it.each<[string, () => unknown, string, RegExp]>([
    ['not an object', () => 'x', '', /not a JSON object/],
    ['no decision', () => ({ signature }), '/decision', /missing/],
    ['no signature', () => ({ decision }), '/signature', /missing/],
    ['a flipped signature byte', () => ({ decision, signature: part(signature, 2, (s) => `${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`) }), '/signature', /does not verify/],
    ['a payload swapped for another decision', () => ({ decision, signature: part(signature, 1, () => b64(sampleDecision(8))) }), '/signature', /does not verify/],
    ['an unknown kid', () => ({ decision, signature: part(signature, 0, () => b64({ alg: 'EdDSA', kid: 'nope', typ: 'airlock-decision+jws' })) }), '/signature', /no usable key with kid nope/],
    ['alg none', () => ({ decision, signature: part(signature, 0, () => b64({ alg: 'none', kid: 'k', typ: 'airlock-decision+jws' })) }), '/signature', /alg/],
    ['a foreign typ', () => ({ decision, signature: part(signature, 0, () => b64({ alg: 'EdDSA', kid: 'k', typ: 'JWT' })) }), '/signature', /typ/],
    ['a bad audit seq', () => ({ decision, signature, audit: { ...audit, seq: 0 } }), '/audit/seq', /positive integer/],
    ['a bad audit hash', () => ({ decision, signature, audit: { ...audit, hash: 'XYZ' } }), '/audit/hash', /hex/],
  ])('fails on %s', async (_, response, field, reason) => {
    const r = await verifyDecisionResponse(response(), jwks);
    expect(r.ok).toBe(false);
    expect(r.field).toBe(field);
    expect(r.reason).toMatch(reason);
  });

  it('fails against a JWKS without the signing key', async () => {
    expect(await verifyDecisionResponse({ decision, signature }, publicJwks([old]))).toMatchObject({ ok: false, field: '/signature' });
  });
});

describe('firstDifference', () => {
  it.each<[unknown, unknown, string | null]>([
    [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, null],
    [{ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] }, '/b/1'],
    [{ a: [1] }, { a: [1, 2] }, '/a/1'],
    [{ 'x/y': 1 }, { 'x/y': 2 }, '/x~1y'],
    [1, '1', ''],
    [{ a: { b: null } }, { a: {} }, '/a/b'],
  ])('%j vs %j → %s', (a, b, pointer) => {
    expect(firstDifference(a, b)?.pointer ?? null).toBe(pointer);
  });
});
