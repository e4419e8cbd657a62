/**
 * Signs a decision: a compact JWS (RFC 7515) whose payload is the RFC 8785 canonical JSON of the
 * `decision` object, signed with Ed25519 (`alg: EdDSA`). Anyone holding the JWKS can check it
 * without airlock: verify the JWS, then compare its payload with the canonical JSON of the
 * decision they were given.
 *
 * @example
 * const signature = await signDecision(decision, ring.signing);
 * res.json({ decision, signature, audit });
 */
import { CompactSign } from 'jose';
import { AirlockError } from '../errors.js';
import { canonicalJsonBytes } from './canonical-json.js';
/** The JWS `typ` of a signed airlock decision (RFC 7515 §4.1.9, explicit typing per RFC 8725). */
export const DECISION_JWS_TYP = 'airlock-decision+jws';
/** The JWS algorithm airlock signs with. */
export const DECISION_JWS_ALG = 'EdDSA';
/**
 * The compact JWS of a decision: `header.payload.signature`, header
 * `{ alg: 'EdDSA', kid, typ: 'airlock-decision+jws' }`. A decision that cannot be canonicalised
 * (NaN, a lone surrogate) is a server bug and throws `INTERNAL`.
 *
 * @example const jws = await signDecision(decision, key); jws.split('.').length // 3
 */
export async function signDecision(decision, key) {
    let payload;
    try {
        payload = canonicalJsonBytes(decision);
    }
    catch (e) {
        throw new AirlockError('INTERNAL', `decision cannot be signed: ${e.message}`);
    }
    return new CompactSign(payload)
        .setProtectedHeader({ alg: DECISION_JWS_ALG, kid: key.kid, typ: DECISION_JWS_TYP })
        .sign(key.signer);
}
//# sourceMappingURL=sign-decision.js.map