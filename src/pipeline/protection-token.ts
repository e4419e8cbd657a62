/**
 * airlock's `protection` token on the resubmit form of a protected table (sdc-rules.md
 * "Suppressed cells"): a compact JWS, `typ: airlock-protection+jws`, signed with the decision
 * key (Ed25519, `kid` = the key's JWKS thumbprint), whose payload binds
 * - `digest`: SHA-256 (base64url) of the RFC 8785 canonical JSON of `{ salt, content }`, where
 *   `content` is every field of the form the checks read (`protectedContent`: kind, statistic,
 *   axes, measure, unit and every cell with its evidence) and `salt` the form's random
 *   `protection_salt`. The salt keeps the token from disclosing anything on its own: without
 *   it, the few possible counts of a suppressed cell could be tried against the digest until
 *   one matched. The token therefore never carries, or lets anyone recover, a suppressed cell's
 *   evidence;
 * - `project` and `dataset`: the evidence was computed for that request's population, and is
 *   trusted only in a request of the same project and dataset;
 * - `iat`, `exp` (`PROTECTION_TTL_SECONDS`), `iss: airlock`, `jti`.
 *
 * Verification (`verifyProtection`) trusts a token only when all of that holds, with a key of
 * the JWKS (rotated-out keys included); anything else — a forged, expired, re-targeted token,
 * or one cell or piece of evidence changed — gives `trusted: false` and a reason, never an
 * error: the table is then audited as if it carried no token, and never released on the
 * token's account.
 *
 * @example
 * const seal = protectionSeal(ring);
 * const { form } = await seal.seal((await resubmitForm(t, p, 'by_age'))!, { project: 'p1', dataset: 'cohort' });
 * (await seal.verify(form, { project: 'p1', dataset: 'cohort' })).trusted // true
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, errors as joseErrors } from 'jose';
import type { ProtectionVerdict } from '../outputs/table/cell-table.js';
import type { ProtectionScope, ProtectionSeal } from './seal-protected.js';
import type { ResubmitForm } from '../remedies/resubmit-form.js';
import { protectedContent } from '../remedies/resubmit-form.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { canonicalJsonSliced } from '../lib/canonical-json-sliced.js';
import { at } from '../lib/invariant.js';
import { compactJws, DECISION_JWS_ALG } from '../signing/sign-decision.js';
import type { SigningKey, VerificationKey } from '../signing/signing-keys.js';

/** The JWS `typ` of a protection token (explicit typing: it can never pass for a decision, nor a decision for it). */
export const PROTECTION_JWS_TYP = 'airlock-protection+jws';

/**
 * How long a token is honoured: 30 days. Long enough to revise and resubmit; short enough
 * that a form kept somewhere it should not be stops being trusted (it can still be submitted,
 * untrusted), and that tokens from keys rotated out long ago stop mattering.
 */
export const PROTECTION_TTL_SECONDS = 30 * 24 * 3600;

/** Clock skew allowed between replicas for `iat`. */
const SKEW_SECONDS = 60;

/** What the token's payload says. */
interface ProtectionClaims {
  iss: 'airlock';
  jti: string;
  iat: number;
  exp: number;
  project: string;
  dataset: string | null;
  digest: string;
}

/**
 * The salted digest of a form's protected content (base64url SHA-256 of its canonical JSON),
 * the JSON written in slices: a 40,000-cell form is megabytes of it (issue 13).
 */
async function contentDigest(salt: string, output: object): Promise<string> {
  return createHash('sha256').update(await canonicalJsonSliced({ salt, content: protectedContent(output) })).digest('base64url');
}

/**
 * Seals a resubmit form: a copy with a fresh `protection_salt` and the `protection` token over
 * it, for `scope`'s project and dataset.
 *
 * @example (await signProtection(form, { project: 'p1', dataset: null }, ring.signing)).protection.split('.').length // 3
 */
export async function signProtection(
  form: ResubmitForm,
  scope: ProtectionScope,
  key: Pick<SigningKey, 'kid' | 'privateKey'>,
  now: Date = new Date(),
): Promise<ResubmitForm & { protection: string; protection_salt: string }> {
  const { protection: _old, protection_salt: _oldSalt, ...bare } = form;
  const salt = randomBytes(32).toString('base64url');
  const iat = Math.floor(now.getTime() / 1000);
  const claims: ProtectionClaims = { iss: 'airlock', jti: randomUUID(), iat, exp: iat + PROTECTION_TTL_SECONDS, project: scope.project, dataset: scope.dataset, digest: await contentDigest(salt, bare) };
  const token = compactJws(PROTECTION_JWS_TYP, Buffer.from(canonicalJson(claims), 'utf8').toString('base64url'), key);
  return { ...bare, protection: token, protection_salt: salt };
}

const untrusted = (reason: string, kid?: string): ProtectionVerdict => ({ trusted: false, reason, ...(kid ? { kid } : {}) });

/**
 * Whether `output` carries a token airlock made for exactly its content, in this project and
 * dataset, signed by one of `keys` and unexpired. Never throws for a bad token: the verdict
 * says why it is not trusted.
 *
 * @example (await verifyProtection(form, ring.verification, { project: 'p1', dataset: null })).reason
 */
export async function verifyProtection(
  output: object,
  keys: readonly Pick<VerificationKey, 'kid' | 'publicKey'>[],
  scope: ProtectionScope,
  now: Date = new Date(),
): Promise<ProtectionVerdict> {
  const { protection: token, protection_salt: salt } = output as { protection?: unknown; protection_salt?: unknown };
  if (typeof token !== 'string') return untrusted('no protection token');
  if (typeof salt !== 'string' || salt.length === 0) return untrusted('the protection token came without its protection_salt');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return untrusted('the protection token is not a compact JWS');
  }
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  if (header.typ !== PROTECTION_JWS_TYP) return untrusted(`the token is not an airlock protection token (typ ${JSON.stringify(header.typ ?? null)})`, kid);
  if (header.alg !== DECISION_JWS_ALG) return untrusted(`the token is signed with ${JSON.stringify(header.alg ?? null)}, not ${DECISION_JWS_ALG}`, kid);
  const key = keys.find((k) => k.kid === kid);
  if (!key) return untrusted('the token was not signed by a key of this airlock\'s JWKS', kid);
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, key.publicKey, { algorithms: [DECISION_JWS_ALG] }));
  } catch (e) {
    if (e instanceof joseErrors.JOSEError) return untrusted('the token\'s signature does not verify', kid);
    throw e;
  }
  let claims: Partial<ProtectionClaims>;
  try {
    claims = JSON.parse(Buffer.from(payload).toString('utf8')) as Partial<ProtectionClaims>;
  } catch {
    return untrusted('the token\'s payload is not JSON', kid);
  }
  const t = Math.floor(now.getTime() / 1000);
  if (claims.iss !== 'airlock' || typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || typeof claims.digest !== 'string') {
    return untrusted('the token\'s payload is not a protection claim', kid);
  }
  if (claims.exp <= t) return untrusted(`the token expired at ${new Date(claims.exp * 1000).toISOString()}`, kid);
  if (claims.iat > t + SKEW_SECONDS) return untrusted('the token was issued in the future', kid);
  if (claims.project !== scope.project || (claims.dataset ?? null) !== scope.dataset) {
    return untrusted(`the token was issued for project ${JSON.stringify(claims.project)} and dataset ${JSON.stringify(claims.dataset ?? null)}, not this request's`, kid);
  }
  if (claims.digest !== (await contentDigest(salt, output))) return untrusted('the token does not cover these cells and their evidence (changed since airlock offered them)', kid);
  return { trusted: true, reason: `airlock's protection token (key ${kid}, issued ${new Date(claims.iat * 1000).toISOString()}) covers exactly these cells and their evidence`, ...(kid ? { kid } : {}) };
}

/**
 * The protection seal a running service hands the pipeline: signs with the key ring's signing
 * key, verifies with every key its JWKS publishes.
 *
 * @example createApp({ …, protection: protectionSeal(ring) })
 */
export function protectionSeal(ring: { signing: Pick<SigningKey, 'kid' | 'privateKey'>; verification: readonly Pick<VerificationKey, 'kid' | 'publicKey'>[] }): ProtectionSeal {
  return {
    seal: async (form, scope) => {
      const sealed = await signProtection(form, scope, ring.signing);
      const claims = JSON.parse(Buffer.from(at(sealed.protection.split('.'), 1), 'base64url').toString('utf8')) as ProtectionClaims;
      return { form: sealed, issued: { kid: ring.signing.kid, jti: claims.jti, expires_at: new Date(claims.exp * 1000).toISOString() } };
    },
    verify: (output, scope) => verifyProtection(output, ring.verification, scope),
  };
}
