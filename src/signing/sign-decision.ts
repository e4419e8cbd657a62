/**
 * Signs a decision: a compact JWS (RFC 7515) whose payload is the RFC 8785 canonical JSON of the
 * `decision` object, signed with Ed25519 (`alg: EdDSA`). Anyone holding the JWKS can check it
 * without airlock: verify the JWS, then compare its payload with the canonical JSON of the
 * decision they were given.
 *
 * The JWS is assembled here and signed with node:crypto's one-shot Ed25519 `sign`, on the
 * calling thread: every decision is signed, and WebCrypto's asynchronous job (through jose) cost
 * about twice as much CPU plus a thread-pool round trip. A large decision (MBs) is the exception:
 * its canonical text is written in slices and its signature made on the thread pool, so the
 * event loop is never held for long (issue 13). Ed25519 is deterministic, so the text is
 * byte for byte what jose's `CompactSign` gives for the same header and payload (a test holds
 * the two together); jose still verifies.
 *
 * @example
 * const signature = await signDecision(decision, ring.signing);
 * res.json({ decision, signature, audit });
 */
import { sign } from 'node:crypto';
import type { Decision } from '../domain.js';
import { constants } from 'node:buffer';
import { AirlockError } from '../errors.js';
import { MAX_DECISION_BYTES } from '../limits.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { canonicalJsonSliced } from '../lib/canonical-json-sliced.js';
import type { SigningKey } from './signing-keys.js';

/** The JWS `typ` of a signed airlock decision (RFC 7515 §4.1.9, explicit typing per RFC 8725). */
export const DECISION_JWS_TYP = 'airlock-decision+jws';

/** The JWS algorithm airlock signs with. */
export const DECISION_JWS_ALG = 'EdDSA';

function tooLarge(bytes: number | null, max: number): AirlockError {
  return new AirlockError(
    'DECISION_TOO_LARGE',
    `the decision${bytes === null ? '' : ` (${bytes} bytes)`} is larger than the ${max} bytes airlock signs and records; send fewer or smaller outputs per request`,
  );
}

/**
 * Why a decision could not be canonicalised: too large (the text would pass V8's longest
 * string, `DECISION_TOO_LARGE`), a number that overflowed to ±Infinity in arithmetic on the
 * submitted values (every submitted number is finite, so that is `VALUE_OVERFLOW`), or a
 * server bug (NaN, a lone surrogate: `INTERNAL`, its message kept for the log only).
 */
function canonicalisationError(e: unknown, max: number): AirlockError {
  if (e instanceof RangeError && /string length/i.test(e.message)) return tooLarge(null, max);
  if (e instanceof AirlockError && /cannot canonicalise -?Infinity/.test(e.message)) {
    return new AirlockError('VALUE_OVERFLOW', 'a value computed from the submitted numbers overflows to infinity; scale the measure down', e.details);
  }
  const err = new AirlockError('INTERNAL', `decision cannot be signed: ${(e as Error).message}`);
  err.cause = e;
  return err;
}

/**
 * The compact JWS of a decision: `header.payload.signature`, header
 * `{ alg: 'EdDSA', kid, typ: 'airlock-decision+jws' }` (serialised in that order). Throws
 * `DECISION_TOO_LARGE` above `MAX_DECISION_BYTES`, `VALUE_OVERFLOW` for an infinite value; any
 * other decision that cannot be canonicalised (NaN, a lone surrogate) is a server bug,
 * `INTERNAL`.
 *
 * @example const jws = await signDecision(decision, key); jws.split('.').length // 3
 */
export async function signDecision(decision: Decision, key: Pick<SigningKey, 'kid' | 'privateKey'>, opts: { maxBytes?: number } = {}): Promise<string> {
  return signCanonicalDecision(await canonicalDecision(decision, opts), key, opts);
}

/**
 * The decision's RFC 8785 canonical JSON as UTF-8 — what `signDecision` signs — written in
 * slices (a decision can be 14 MB of text, which must not hold the event loop in one piece),
 * with `signDecision`'s refusals. For a caller that keeps the bytes (the recorder hands them to
 * the audit store, which would otherwise serialise the decision again).
 *
 * @example const bytes = await canonicalDecision(decision); await signCanonicalDecision(bytes, key)
 */
export async function canonicalDecision(decision: Decision, opts: { maxBytes?: number } = {}): Promise<Buffer> {
  const max = opts.maxBytes ?? MAX_DECISION_BYTES;
  try {
    return await canonicalJsonSliced(decision);
  } catch (e) {
    throw canonicalisationError(e, max);
  }
}

/**
 * `signDecision` of a decision whose canonical bytes are already made (`canonicalDecision`).
 *
 * @example await signCanonicalDecision(await canonicalDecision(decision), key) === await signDecision(decision, key) // true
 */
export async function signCanonicalDecision(bytes: Uint8Array, key: Pick<SigningKey, 'kid' | 'privateKey'>, opts: { maxBytes?: number } = {}): Promise<string> {
  const max = opts.maxBytes ?? MAX_DECISION_BYTES;
  if (bytes.length > max || Math.ceil((bytes.length * 4) / 3) > constants.MAX_STRING_LENGTH) throw tooLarge(bytes.length, max);
  const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
  // A small decision is signed at once (a thread-pool round trip would cost more than it saves).
  return payload.length < OFF_THREAD_PAYLOAD ? compactJws(DECISION_JWS_TYP, payload, key) : compactJwsOffThread(DECISION_JWS_TYP, payload, key);
}

/** Base64url characters of payload from which the signature is made on the thread pool (about 1 MB of decision). */
const OFF_THREAD_PAYLOAD = 1_400_000;

/** The JWS header of `typ`, base64url-encoded, and the signing input over `payloadB64url`. */
function signingInput(typ: string, payloadB64url: string, key: Pick<SigningKey, 'kid'>): string {
  const header = Buffer.from(JSON.stringify({ alg: DECISION_JWS_ALG, kid: key.kid, typ }), 'utf8').toString('base64url');
  return `${header}.${payloadB64url}`;
}

/**
 * `compactJws` with the Ed25519 signature made on libuv's thread pool (node:crypto's `sign`
 * with a callback): Ed25519 hashes its whole input twice, tens of milliseconds for a 14 MB
 * decision, which the event loop must not spend in one piece. The same bytes as `compactJws`.
 */
async function compactJwsOffThread(typ: string, payloadB64url: string, key: Pick<SigningKey, 'kid' | 'privateKey'>): Promise<string> {
  const input = signingInput(typ, payloadB64url, key);
  const signature = await new Promise<Buffer>((resolve, reject) => {
    sign(null, Buffer.from(input, 'ascii'), key.privateKey, (e, s) => (e ? reject(e) : resolve(s)));
  });
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * A compact JWS of an already base64url-encoded payload, header `{ alg: 'EdDSA', kid, typ }`
 * (serialised in that order), signed on the calling thread (see above). Decisions and
 * protection tokens (`pipeline/protection-token.ts`) are both made here, each with its own `typ`, so
 * one can never pass for the other.
 *
 * @example compactJws('airlock-protection+jws', Buffer.from('{}').toString('base64url'), key).split('.').length // 3
 */
export function compactJws(typ: string, payloadB64url: string, key: Pick<SigningKey, 'kid' | 'privateKey'>): string {
  const input = signingInput(typ, payloadB64url, key);
  return `${input}.${sign(null, Buffer.from(input, 'ascii'), key.privateKey).toString('base64url')}`;
}

/**
 * The compact JWS of any other JSON document airlock signs (a release package's manifest, a
 * webhook delivery): payload its RFC 8785 canonical JSON, `typ` saying what it is, so one kind
 * of signed document can never be passed off as another (RFC 8725 §3.11).
 *
 * @example signJson({ files: [] }, key, 'airlock-package-manifest+jws').split('.').length // 3
 */
export function signJson(value: unknown, key: Pick<SigningKey, 'kid' | 'privateKey'>, typ: string): string {
  return compactJws(typ, Buffer.from(canonicalJson(value), 'utf8').toString('base64url'), key);
}
