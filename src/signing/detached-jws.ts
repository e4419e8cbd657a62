/**
 * Decision signatures with a detached payload (RFC 7515 Appendix F). A decision's JWS payload
 * is the canonical JSON of the decision itself, so a list that shows each decision beside its
 * signature need not repeat it base64url-encoded: `header..signature` is enough, and whoever
 * verifies puts the canonical JSON of the decision shown back between the dots.
 *
 * @example
 * detachedJws('eyJh.eyJk.c2ln') // 'eyJh..c2ln'
 * attachPayload('eyJh..c2ln', decision) // 'eyJh.<base64url(canonicalJson(decision))>.c2ln'
 */
import { canonicalJson } from '../lib/canonical-json.js';

/** The compact JWS without its payload. */
export function detachedJws(jws: string): string {
  const parts = jws.split('.');
  return parts.length === 3 ? `${parts[0]}..${parts[2]}` : jws;
}

/** True for `header..signature`. */
export function isDetached(jws: string): boolean {
  const parts = jws.split('.');
  return parts.length === 3 && parts[1] === '' && parts[0] !== '' && parts[2] !== '';
}

/** The compact JWS with the canonical JSON of `decision` as its payload (throws if it cannot be canonicalised). */
export function attachPayload(jws: string, decision: unknown): string {
  const [header, , signature] = jws.split('.');
  return `${header}.${Buffer.from(canonicalJson(decision), 'utf8').toString('base64url')}.${signature}`;
}
