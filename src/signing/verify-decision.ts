/**
 * Offline verification of a saved decision response `{ decision, signature, audit? }` against a
 * JWKS: the JWS must be an airlock decision signature by a published key, and the `decision`
 * object must be exactly what was signed. When it is not, the result names the first field that
 * differs (a JSON pointer into the response), so a tampered or mis-copied file is easy to spot.
 *
 * The chain position in `audit` can only be checked against the store (`verifyAudit`); here only
 * its shape is checked.
 *
 * @example
 * const r = await verifyDecisionResponse(JSON.parse(saved), jwks);
 * if (!r.ok) console.error(`${r.field}: ${r.reason}`);
 */
import { isObject } from '../lib/is-object.js';
import { compactVerify, decodeProtectedHeader, importJWK, type CryptoKey } from 'jose';
import { canonicalJson } from '../lib/canonical-json.js';
import { attachPayload, isDetached } from './detached-jws.js';
import type { Jwks } from './jwks.js';
import { DECISION_JWS_ALG, DECISION_JWS_TYP } from './sign-decision.js';

/** The outcome of verifying a decision response. */
export interface DecisionVerification {
  ok: boolean;
  /** The key that signed it (a string whenever the JWS header could be read). */
  kid?: string | undefined;
  /** Why verification failed. */
  reason?: string;
  /** JSON pointer into the response of the field at fault, e.g. `/decision/outputs/0/outcome`. */
  field?: string;
}

/** A JWKS-like object: anything with `keys` carrying `kid`s. */
export type JwksLike = Jwks | { keys: readonly Record<string, unknown>[] };

const importedKeys = new WeakMap<object, Map<string, Promise<CryptoKey | null>>>();

/** Imports (once per JWKS object) the key with this kid; null when absent or unusable. */
function keyFor(jwks: JwksLike, kid: string): Promise<CryptoKey | null> {
  let cache = importedKeys.get(jwks);
  if (!cache) {
    cache = new Map();
    importedKeys.set(jwks, cache);
  }
  let key = cache.get(kid);
  if (!key) {
    const jwk = (jwks.keys as readonly Record<string, unknown>[]).find((k) => k.kid === kid);
    key = jwk
      ? importJWK({ kty: jwk.kty as string, crv: jwk.crv as string, x: jwk.x as string }, DECISION_JWS_ALG).then(
          (k) => (k instanceof Uint8Array ? null : k),
          () => null,
        )
      : Promise.resolve(null);
    cache.set(kid, key);
  }
  return key;
}


function escapeToken(t: string): string {
  return t.replace(/~/g, '~0').replace(/\//g, '~1');
}

function show(v: unknown): string {
  if (v === undefined) return 'absent';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * The first place (JSON pointer, depth first, keys in canonical order) where two JSON values
 * differ, or null when they canonicalise identically.
 *
 * @example firstDifference({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] }) // { pointer: '/b/1', expected: 2, actual: 3 }
 */
export function firstDifference(
  expected: unknown,
  actual: unknown,
  pointer = '',
): { pointer: string; expected: unknown; actual: unknown } | null {
  if (expected === undefined && actual === undefined) return null;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      const d = firstDifference(expected[i], actual[i], `${pointer}/${i}`);
      if (d) return d;
    }
    return null;
  }
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const k of keys) {
      const d = firstDifference(expected[k], actual[k], `${pointer}/${escapeToken(k)}`);
      if (d) return d;
    }
    return null;
  }
  let same: boolean;
  try {
    same = canonicalJson(expected) === canonicalJson(actual);
  } catch {
    same = false;
  }
  return same ? null : { pointer, expected, actual };
}

const HEX64 = /^[0-9a-f]{64}$/;

function checkAudit(audit: unknown): DecisionVerification | null {
  if (audit === undefined) return null;
  if (!isObject(audit)) return { ok: false, field: '/audit', reason: 'audit is not an object' };
  if (!Number.isSafeInteger(audit.seq) || (audit.seq as number) < 1) {
    return { ok: false, field: '/audit/seq', reason: 'audit.seq is not a positive integer' };
  }
  for (const f of ['hash', 'prev'] as const) {
    if (typeof audit[f] !== 'string' || !HEX64.test(audit[f] as string)) {
      return { ok: false, field: `/audit/${f}`, reason: `audit.${f} is not 64 lower-case hex digits` };
    }
  }
  return null;
}

/** A compact JWS checked against a JWKS: its canonical JSON payload, or why it does not verify. */
export type SignedJson = { ok: true; kid: string; signed: unknown; text: string } | { ok: false; kid?: string; reason: string };

/**
 * Verifies a compact JWS airlock signed (`signDecision`, `signJson`): header `alg` EdDSA and
 * the expected `typ`, a `kid` published in the JWKS, a valid signature, and a payload that is
 * UTF-8 canonical JSON (RFC 8785). Never throws for bad input.
 *
 * @example await verifySignedJson(jws, jwks, 'airlock-package-manifest+jws') // { ok: true, kid, signed, text }
 */
export async function verifySignedJson(jws: string, jwks: JwksLike, typ: string): Promise<SignedJson> {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jws) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'the JWS header cannot be decoded' };
  }
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const fail = (reason: string): SignedJson => ({ ok: false, ...(kid ? { kid } : {}), reason });
  if (header.alg !== DECISION_JWS_ALG) return fail(`JWS alg is ${show(header.alg)}, expected "${DECISION_JWS_ALG}"`);
  if (header.typ !== typ) return fail(`JWS typ is ${show(header.typ)}, expected "${typ}"`);
  if (!kid) return fail('JWS header has no kid');
  const key = await keyFor(jwks, kid);
  if (!key) return fail(`no usable key with kid ${kid} in the JWKS`);
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws, key, { algorithms: [DECISION_JWS_ALG] }));
  } catch {
    return fail(`the signature does not verify with key ${kid}`);
  }
  let text: string;
  let signed: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
    signed = JSON.parse(text);
  } catch {
    return fail('the signed payload is not UTF-8 JSON');
  }
  let canonical: boolean;
  try {
    canonical = canonicalJson(signed) === text;
  } catch {
    canonical = false;
  }
  if (!canonical) return fail('the signed payload is not canonical JSON (RFC 8785)');
  return { ok: true, kid, signed, text };
}

/**
 * Verifies a decision response against a JWKS. Never throws for bad input: every failure is
 * an `{ ok: false, reason, field }` result.
 *
 * @example
 * await verifyDecisionResponse({ decision, signature }, jwks) // { ok: true, kid: '…' }
 * await verifyDecisionResponse({ decision: { ...decision, outcome: 'release' }, signature }, jwks)
 * // { ok: false, kid: '…', field: '/decision/outcome', reason: 'decision differs from the signed payload at /outcome: signed "reject", found "release"' }
 */
export async function verifyDecisionResponse(response: unknown, jwks: JwksLike): Promise<DecisionVerification> {
  if (!isObject(response)) return { ok: false, field: '', reason: 'the response is not a JSON object' };
  const { decision } = response;
  let { signature } = response;
  if (!isObject(decision)) return { ok: false, field: '/decision', reason: 'decision is missing or not an object' };
  // A detached JWS (the decision list's form): its payload is the canonical JSON of the decision beside it.
  if (typeof signature === 'string' && isDetached(signature)) {
    try {
      signature = attachPayload(signature, decision);
    } catch {
      return { ok: false, field: '/decision', reason: 'the decision cannot be canonicalised (RFC 8785)' };
    }
  }
  if (typeof signature !== 'string' || signature.split('.').length !== 3) {
    return { ok: false, field: '/signature', reason: 'signature is missing or not a compact JWS' };
  }
  const v = await verifySignedJson(signature, jwks, DECISION_JWS_TYP);
  const kid = v.kid;
  const fail = (field: string, reason: string): DecisionVerification => ({ ok: false, ...(kid ? { kid } : {}), field, reason });
  if (!v.ok) return fail('/signature', v.reason);
  const { signed, text: signedText } = v;
  let same: boolean;
  try {
    same = canonicalJson(decision) === signedText;
  } catch {
    same = false;
  }
  const diff = same ? null : firstDifference(signed, decision);
  if (diff) {
    return fail(
      `/decision${diff.pointer}`,
      `decision differs from the signed payload at ${diff.pointer || '/'}: signed ${show(diff.expected)}, found ${show(diff.actual)}`,
    );
  }
  const auditProblem = checkAudit(response.audit);
  if (auditProblem) return { ...auditProblem, kid };
  return { ok: true, kid };
}
