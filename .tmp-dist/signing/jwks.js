/**
 * The JWKS of the given verification keys, in order, without duplicates. Only public members
 * are copied, so a private key object can never leak into the response.
 *
 * @example publicJwks(ring.verification).keys[0].kid === ring.signing.kid // true
 */
export function publicJwks(keys) {
    const seen = new Set();
    const out = [];
    for (const { publicJwk: k } of keys) {
        if (seen.has(k.kid))
            continue;
        seen.add(k.kid);
        out.push({ kty: k.kty, crv: k.crv, x: k.x, kid: k.kid, alg: k.alg, use: k.use });
    }
    return { keys: out };
}
//# sourceMappingURL=jwks.js.map