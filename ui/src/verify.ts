/**
 * Verifies a decision's signature in the browser, without trusting the service: the compact
 * JWS is checked with WebCrypto Ed25519 against the key from `/.well-known/jwks.json` named by
 * its `kid`, then its payload is compared with the RFC 8785 canonical JSON of the decision shown
 * (the same canonicalisation the service signs with).
 */
import { canonicalJson } from '../../src/lib/canonical-json';

export interface BrowserVerification {
  ok: boolean;
  kid: string | null;
  reason: string;
}

const b64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0));

export async function verifyInBrowser(decision: unknown, jws: string, jwks: { keys: { kid: string; kty: string; crv: string; x: string }[] }): Promise<BrowserVerification> {
  const parts = jws.split('.');
  if (parts.length !== 3) return { ok: false, kid: null, reason: 'the signature is not a compact JWS' };
  const [h, p, sig] = parts as [string, string, string];
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
  const valid = await crypto.subtle.verify({ name: 'Ed25519' }, key, b64url(sig), new TextEncoder().encode(`${h}.${p}`));
  if (!valid) return { ok: false, kid, reason: 'the signature does not verify with the published key' };
  const signed = new TextDecoder().decode(b64url(p));
  if (signed !== canonicalJson(decision)) return { ok: false, kid, reason: 'the signature is valid, but for a different document than the one shown' };
  return { ok: true, kid, reason: 'signature valid; the signed payload is exactly this decision' };
}
