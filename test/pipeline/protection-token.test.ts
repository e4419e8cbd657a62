/**
 * The protection token: written as the adversary first — every way to make airlock trust
 * evidence it did not seal (forged, re-signed, re-targeted, expired, one number changed,
 * a decision signature passed off as a token, the salt dropped) must give `trusted: false`.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/lib/canonical-json.js';
import { PROTECTION_JWS_TYP, PROTECTION_TTL_SECONDS, signProtection, verifyProtection } from '../../src/pipeline/protection-token.js';
import { compactJws, signDecision } from '../../src/signing/sign-decision.js';
import type { SigningKey } from '../../src/signing/signing-keys.js';
import { protectTable } from '../../src/remedies/protect-table.js';
import { resubmitForm, type ResubmitForm } from '../../src/remedies/resubmit-form.js';
import { sampleDecision, testSigningKey } from '../helpers/sample-decision.js';
import { cellByLabels, repeat, tinyTable } from '../helpers/tiny-table.js';
import { generateKeyPairSync } from 'node:crypto';
import { importPKCS8 } from 'jose';
import { publicJwkOf } from '../../src/signing/signing-keys.js';

const scope = { project: 'p1', dataset: 'cohort' };

/** A 3x3 frequency table with one small cell (north/young = 3), protected by suppression. */
async function protectedForm(): Promise<ResubmitForm> {
  const rows = [
    ...repeat(3, { r: 'north', c: 'young' }),
    ...repeat(20, { r: 'north', c: 'old' }),
    ...repeat(25, { r: 'north', c: 'mid' }),
    ...repeat(30, { r: 'south', c: 'young' }),
    ...repeat(40, { r: 'south', c: 'old' }),
    ...repeat(45, { r: 'south', c: 'mid' }),
    ...repeat(50, { r: 'east', c: 'young' }),
    ...repeat(60, { r: 'east', c: 'old' }),
    ...repeat(65, { r: 'east', c: 'mid' }),
  ];
  const t = tinyTable(rows, { index: 'r', columns: 'c', margins: true });
  const p = protectTable(t, new Set([cellByLabels(t, 'north|young')]));
  const form = await resubmitForm(t, p, 'by_age');
  if (!form) throw new Error('no form');
  return form;
}

async function otherKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicJwk = await publicJwkOf(publicKey);
  const signer = await importPKCS8(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'EdDSA');
  return { kid: publicJwk.kid, privateKey, publicKey, publicJwk, signer, source: 'test' };
}

/** Re-encodes a token's payload (and re-signs with `key`, if given; else keeps the old signature). */
function withPayload(token: string, edit: (claims: Record<string, unknown>) => void, key?: SigningKey): string {
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as Record<string, unknown>;
  edit(claims);
  const payload = Buffer.from(canonicalJson(claims), 'utf8').toString('base64url');
  return key ? compactJws(PROTECTION_JWS_TYP, payload, key) : `${h}.${payload}.${s}`;
}

describe('protection token', () => {
  let key: SigningKey;
  let form: Awaited<ReturnType<typeof signProtection>>;
  const keys = () => [key];

  beforeAll(async () => {
    key = await testSigningKey();
    form = await signProtection(await protectedForm(), scope, key);
  });

  it('is a compact JWS typed airlock-protection+jws whose payload discloses no evidence', () => {
    const [h, p] = form.protection.split('.');
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString('utf8'))).toEqual({ alg: 'EdDSA', kid: key.kid, typ: PROTECTION_JWS_TYP });
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(claims).sort()).toEqual(['dataset', 'digest', 'exp', 'iat', 'iss', 'jti', 'project']);
    expect(claims.exp as number - (claims.iat as number)).toBe(PROTECTION_TTL_SECONDS);
    // The adversary's move: try every count of the suppressed cell against the digest. Without
    // the salt (which travels only with the evidence) no candidate matches, the true one included.
    const { protection: _t, protection_salt: _s, name: _n, ...content } = form;
    const hidden = content.cells.findIndex((c) => c.suppressed && c.labels.r === 'north' && c.labels.c === 'young');
    const matches = [];
    for (let count = 0; count < 100; count++) {
      const cells = content.cells.map((c, i) => (i === hidden ? { ...c, count } : c));
      const unsalted = createHash('sha256').update(canonicalJson({ content: { ...content, cells } }), 'utf8').digest('base64url');
      if (unsalted === claims.digest) matches.push(count);
    }
    expect(matches).toEqual([]);
  });

  it('is trusted for exactly the form airlock sealed, in its project and dataset', async () => {
    const v = await verifyProtection(form, keys(), scope);
    expect(v).toMatchObject({ trusted: true, kid: key.kid });
    expect(v.reason).toMatch(/covers exactly these cells and their evidence/);
    // The name is not covered: a renamed output is the same table.
    expect((await verifyProtection({ ...form, name: 'renamed' }, keys(), scope)).trusted).toBe(true);
    // Each fresh seal has its own salt.
    expect((await signProtection(await protectedForm(), scope, key)).protection_salt).not.toBe(form.protection_salt);
  });

  it('is not trusted when one piece of evidence or one released value changes', async () => {
    const i = form.cells.findIndex((c) => c.suppressed);
    const lowered = { ...form, cells: form.cells.map((c, j) => (j === i ? { ...c, count: (c.count ?? 0) + 10 } : c)) };
    expect(await verifyProtection(lowered, keys(), scope)).toMatchObject({ trusted: false, reason: expect.stringMatching(/does not cover these cells/) });
    const released = form.cells.findIndex((c) => !c.suppressed);
    const unsuppressed = { ...form, cells: form.cells.map((c, j) => (j === i ? { ...c, suppressed: false, value: c.count } : c)) };
    expect((await verifyProtection(unsuppressed, keys(), scope)).trusted).toBe(false);
    const relabelled = { ...form, cells: form.cells.map((c, j) => (j === released ? { ...c, labels: { ...c.labels, r: 'North' } } : c)) };
    expect((await verifyProtection(relabelled, keys(), scope)).trusted).toBe(false);
    expect((await verifyProtection({ ...form, statistic: 'count' }, keys(), scope)).trusted).toBe(false);
    expect((await verifyProtection({ ...form, cells: form.cells.slice(1) }, keys(), scope)).trusted).toBe(false);
  });

  it('is not trusted in another project or dataset, without its salt, or after it expires', async () => {
    expect((await verifyProtection(form, keys(), { ...scope, project: 'p2' })).reason).toMatch(/issued for project "p1"/);
    expect((await verifyProtection(form, keys(), { ...scope, dataset: null })).trusted).toBe(false);
    const { protection_salt: _s, ...unsalted } = form;
    expect((await verifyProtection(unsalted, keys(), scope)).reason).toMatch(/without its protection_salt/);
    expect((await verifyProtection({ ...form, protection_salt: 'x' }, keys(), scope)).trusted).toBe(false);
    const later = new Date(Date.now() + (PROTECTION_TTL_SECONDS + 5) * 1000);
    expect((await verifyProtection(form, keys(), scope, later)).reason).toMatch(/expired/);
    const early = await signProtection(await protectedForm(), scope, key, new Date(Date.now() + 3600_000));
    expect((await verifyProtection(early, keys(), scope)).reason).toMatch(/future/);
  });

  it('is not trusted when forged: edited claims, another key, another typ, a decision signature', async () => {
    // Claims edited (dataset re-targeted) but the old signature kept.
    const retargeted = withPayload(form.protection, (c) => (c.dataset = 'other'));
    expect((await verifyProtection({ ...form, protection: retargeted }, keys(), { ...scope, dataset: 'other' })).reason).toMatch(/signature does not verify/);
    // A key that is not in the JWKS, even with a kid that is.
    const mallory = await otherKey();
    const forged = await signProtection(form, scope, mallory);
    expect((await verifyProtection(forged, keys(), scope)).reason).toMatch(/not signed by a key of this airlock's JWKS/);
    const [, p, s] = forged.protection.split('.');
    const stolenKid = `${Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: key.kid, typ: PROTECTION_JWS_TYP })).toString('base64url')}.${p}.${s}`;
    expect((await verifyProtection({ ...forged, protection: stolenKid }, keys(), scope)).reason).toMatch(/signature does not verify/);
    // A key rotated out but still in the JWKS keeps verifying.
    expect((await verifyProtection(forged, [key, mallory], scope)).trusted).toBe(true);
    // An airlock decision signature is not a protection token.
    const decisionJws = await signDecision(sampleDecision(1), key);
    expect((await verifyProtection({ ...form, protection: decisionJws }, keys(), scope)).reason).toMatch(/not an airlock protection token/);
    // alg none, and garbage.
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: key.kid, typ: PROTECTION_JWS_TYP })).toString('base64url')}.${form.protection.split('.')[1]}.`;
    expect((await verifyProtection({ ...form, protection: none }, keys(), scope)).trusted).toBe(false);
    expect((await verifyProtection({ ...form, protection: 'a.b.c' }, keys(), scope)).reason).toMatch(/not a compact JWS/);
    // Re-signed by airlock's key with a payload that is not a protection claim.
    const notClaims = withPayload(form.protection, (c) => delete c.digest, key);
    expect((await verifyProtection({ ...form, protection: notClaims }, keys(), scope)).reason).toMatch(/not a protection claim/);
  });
});

describe('resubmitForm', () => {
  it('carries every cell: released ones with value and count, suppressed ones with evidence and no value', async () => {
    const form = await protectedForm();
    expect(form).toMatchObject({ name: 'by_age', kind: 'table', statistic: 'frequency', index: ['r'], columns: ['c'] });
    expect(form.cells).toHaveLength(16);
    const small = form.cells.find((c) => c.labels.r === 'north' && c.labels.c === 'young')!;
    expect(small).toEqual({ labels: { r: 'north', c: 'young' }, count: 3, suppressed: true });
    const suppressed = form.cells.filter((c) => c.suppressed);
    expect(suppressed.length).toBeGreaterThanOrEqual(4);
    for (const c of suppressed) expect(c).not.toHaveProperty('value');
    for (const c of form.cells.filter((x) => !x.suppressed)) expect(c.value).toBe(c.count);
  });

  it('is refused for a table whose suppressed evidence was a claim (no laundering through a new token)', async () => {
    const t = tinyTable([...repeat(12, { r: 'a', c: 'x' }), ...repeat(15, { r: 'a', c: 'y' }), ...repeat(3, { r: 'b', c: 'x' }), ...repeat(30, { r: 'b', c: 'y' })], { index: 'r', columns: 'c' });
    t.suppressed[0] = 1; // as if submitted suppressed with a claimed count
    t.evidenceTrusted = false;
    expect(await resubmitForm(t, protectTable(t, new Set([2])), 't')).toBeNull();
    t.evidenceTrusted = true;
    expect(await resubmitForm(t, protectTable(t, new Set([2])), 't')).not.toBeNull();
  });
});
