/**
 * The public JSON Web Key Set served at `/.well-known/jwks.json` and used by verifiers. It
 * lists every key still valid for verification — including rotated-out ones — so decisions
 * signed before a rotation keep verifying.
 *
 * @example
 * app.get('/.well-known/jwks.json', (_req, res) => res.json(publicJwks(ring.verification)));
 */
import type { PublicJwk, VerificationKey } from './signing-keys.js';

/** A JWKS as airlock publishes it. */
export interface Jwks {
  keys: PublicJwk[];
}

/**
 * The JWKS of the given verification keys, in order, without duplicates. Only public members
 * are copied, so a private key object can never leak into the response.
 *
 * @example publicJwks(ring.verification).keys[0].kid === ring.signing.kid // true
 */
export function publicJwks(keys: readonly Pick<VerificationKey, 'publicJwk'>[]): Jwks {
  const seen = new Set<string>();
  const out: PublicJwk[] = [];
  for (const { publicJwk: k } of keys) {
    if (seen.has(k.kid)) continue;
    seen.add(k.kid);
    out.push({ kty: k.kty, crv: k.crv, x: k.x, kid: k.kid, alg: k.alg, use: k.use });
  }
  return { keys: out };
}
