/**
 * Verifies a decision's signature in the browser, without trusting the service: the compact
 * JWS is checked with WebCrypto Ed25519 against the key from `/.well-known/jwks.json` named by
 * its `kid`, then its payload is compared with the RFC 8785 canonical JSON of the decision shown
 * (the same canonicalisation the service signs with).
 *
 * Both forms are accepted: the full JWS (`GET /v1/decisions/{id}`) and the decision list's
 * detached one (RFC 7515 Appendix F, `header..signature`), whose payload is rebuilt here from the
 * canonical JSON of the decision shown — so a decision changed after signing fails the signature.
 *
 * @example
 * const jwks = await api('GET', '/.well-known/jwks.json');
 * await verifyInBrowser(rec.decision, rec.signature, jwks) // { ok: true, kid, reason: 'signature valid; …' }
 */
import { canonicalJson } from '../../src/lib/canonical-json';

export interface BrowserVerification {
  ok: boolean;
  kid: string | null;
  reason: string;
}

/** The public keys as `/.well-known/jwks.json` serves them. */
export interface BrowserJwks {
  keys: { kid: string; kty: string; crv: string; x: string }[];
}

const b64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0));

function toB64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function verifyInBrowser(decision: unknown, jws: string, jwks: BrowserJwks): Promise<BrowserVerification> {
  const parts = jws.split('.');
  if (parts.length !== 3) return { ok: false, kid: null, reason: 'the signature is not a compact JWS' };
  const [h, attached, sig] = parts as [string, string, string];
  let shown: string;
  try {
    shown = canonicalJson(decision);
  } catch {
    return { ok: false, kid: null, reason: 'the decision shown has no canonical JSON form (RFC 8785)' };
  }
  // Detached (header..signature): the payload is the canonical JSON of the decision shown.
  const detached = attached === '' && h !== '' && sig !== '';
  const p = detached ? toB64url(new TextEncoder().encode(shown)) : attached;
  let header: { alg?: string; kid?: string; typ?: string };
  try {
    header = JSON.parse(new TextDecoder().decode(b64url(h))) as typeof header;
  } catch {
    return { ok: false, kid: null, reason: 'the JWS header is not JSON' };
  }
  const kid = header.kid ?? null;
  if (header.alg !== 'EdDSA') return { ok: false, kid, reason: `unexpected algorithm ${header.alg}` };
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) return { ok: false, kid, reason: `no published key has kid ${kid}` };
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, { name: 'Ed25519' }, false, ['verify']);
  } catch (e) {
    return { ok: false, kid, reason: `this browser cannot import an Ed25519 key (${(e as Error).message})` };
  }
  let valid: boolean;
  try {
    valid = await crypto.subtle.verify({ name: 'Ed25519' }, key, b64url(sig), new TextEncoder().encode(`${h}.${p}`));
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, kid, reason: detached ? 'the signature does not verify for the decision shown: it differs from what was signed' : 'the signature does not verify with the published key' };
  let signed: string;
  try {
    signed = new TextDecoder('utf-8', { fatal: true }).decode(b64url(p));
  } catch {
    return { ok: false, kid, reason: 'the signed payload is not UTF-8' };
  }
  if (signed !== shown) return { ok: false, kid, reason: 'the signature is valid, but for a different document than the one shown' };
  return { ok: true, kid, reason: 'signature valid; the signed payload is exactly this decision' };
}
