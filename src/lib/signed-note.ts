/**
 * C2SP signed notes (https://c2sp.org/signed-note), Ed25519 only, as Go's
 * `golang.org/x/mod/sumdb/note` writes them: a UTF-8 text ending in a newline, a blank line,
 * then one line per signature
 * ```
 * — <key name> <base64(key hash (4 bytes, big-endian) || Ed25519 signature over the text)>
 * ```
 * The key hash is the first 4 bytes of `SHA-256(name || "\n" || 0x01 || public key)`; a
 * verifier key is written `<name>+<key hash, 8 hex>+<base64(0x01 || public key)>`. Checkpoints
 * (`checkpoint-note.ts`) are signed notes; witnesses and Go/Tessera tooling read them as such.
 * No npm package implements the format, so it is written here against the reference example.
 *
 * @example
 * const signer = ed25519NoteSigner('airlock.example.org/log', privateKey);
 * const note = signNote('hello\n', [signer]);
 * openNote(note, [noteVerifierOf(signer)]).text // 'hello\n'
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { at } from './invariant.js';

/** The signature type byte of Ed25519 keys. */
const ALG_ED25519 = 0x01;
/** SPKI DER prefix of a raw 32-byte Ed25519 public key. */
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
/** PKCS#8 DER prefix of a raw 32-byte Ed25519 seed. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
/** At most this many signature lines are read (as the Go implementation). */
const MAX_SIGNATURES = 100;

/** A key that signs notes. */
export interface NoteSigner {
  name: string;
  /** The 32-bit key hash. */
  keyHash: number;
  publicKey: Buffer;
  sign(message: Buffer): Buffer;
}

/** A key that verifies note signatures. */
export interface NoteVerifier {
  name: string;
  keyHash: number;
  publicKey: Buffer;
  verify(message: Buffer, signature: Buffer): boolean;
}

/** One signature line of a note. */
export interface NoteSignature {
  name: string;
  keyHash: number;
  /** True when a given verifier (same name and key hash) accepted it. */
  verified: boolean;
}

/** Why a note was not accepted. */
export class NoteError extends Error {
  override name = 'NoteError';
}

/**
 * Whether a key name is acceptable: non-empty, no whitespace, no `+`.
 *
 * @example isKeyName('airlock.example.org/log') // true
 */
export function isKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

function keyHashOf(name: string, publicKey: Buffer): number {
  return createHash('sha256').update(name, 'utf8').update('\n').update(Buffer.of(ALG_ED25519)).update(publicKey).digest().readUInt32BE(0);
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new NoteError('only Ed25519 keys sign notes');
  return Buffer.from(jwk.x, 'base64url');
}

/**
 * A note signer for an Ed25519 private key under a key name (a log's origin, by convention).
 *
 * @example ed25519NoteSigner('example.org/log', createPrivateKey(pem)).keyHash
 */
export function ed25519NoteSigner(name: string, privateKey: KeyObject): NoteSigner {
  if (!isKeyName(name)) throw new NoteError(`"${name}" is not a valid key name`);
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  return { name, keyHash: keyHashOf(name, publicKey), publicKey, sign: (m) => sign(null, m, privateKey) };
}

/**
 * The Ed25519 private key of a raw 32-byte seed (as a Go `PRIVATE+KEY+…` string holds it).
 *
 * @example privateKeyOfSeed(Buffer.alloc(32, 1)).asymmetricKeyType // 'ed25519'
 */
export function privateKeyOfSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new NoteError('an Ed25519 seed is 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
}

/**
 * A verifier for an Ed25519 public key (raw 32 bytes or a KeyObject) under a key name.
 *
 * @example ed25519NoteVerifier('example.org/log', publicKey).keyHash
 */
export function ed25519NoteVerifier(name: string, publicKey: KeyObject | Uint8Array): NoteVerifier {
  if (!isKeyName(name)) throw new NoteError(`"${name}" is not a valid key name`);
  const raw = publicKey instanceof Uint8Array ? Buffer.from(publicKey) : rawPublicKey(publicKey);
  if (raw.length !== 32) throw new NoteError('an Ed25519 public key is 32 bytes');
  const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
  return { name, keyHash: keyHashOf(name, raw), publicKey: raw, verify: (m, s) => s.length === 64 && verify(null, m, key, s) };
}

/**
 * The verifier of a signer's public half.
 *
 * @example noteVerifierOf(signer).keyHash === signer.keyHash // true
 */
export function noteVerifierOf(signer: Pick<NoteSigner, 'name' | 'publicKey'>): NoteVerifier {
  return ed25519NoteVerifier(signer.name, signer.publicKey);
}

/**
 * The verifier key string `<name>+<hash hex>+<base64(0x01 || key)>` (what a witness or an
 * auditor configures).
 *
 * @example verifierKeyString(v) // 'PeterNeumann+c74f20a3+ARpc2QcU…'
 */
export function verifierKeyString(v: Pick<NoteVerifier, 'name' | 'keyHash' | 'publicKey'>): string {
  return `${v.name}+${v.keyHash.toString(16).padStart(8, '0')}+${Buffer.concat([Buffer.of(ALG_ED25519), v.publicKey]).toString('base64')}`;
}

/**
 * Parses a verifier key string; throws `NoteError` when it is malformed, not Ed25519, or its
 * key hash does not match.
 *
 * @example parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW').name // 'PeterNeumann'
 */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(vkey.trim());
  if (!m) throw new NoteError('malformed verifier key');
  const key = Buffer.from(at(m, 3), 'base64');
  if (key.toString('base64') !== m[3] || key.length !== 33 || key[0] !== ALG_ED25519) throw new NoteError('the verifier key is not an Ed25519 key');
  const v = ed25519NoteVerifier(at(m, 1), key.subarray(1));
  if (v.keyHash !== Number.parseInt(at(m, 2), 16)) throw new NoteError('the verifier key hash does not match its key');
  return v;
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('note text must end in a newline');
  // Lone surrogates would not survive UTF-8; control characters other than newline are refused.
  if (/[\u0000-\u0009\u000b-\u001f\u007f\uD800-\uDFFF]/u.test(text)) throw new NoteError('note text must be UTF-8 without control characters');
}

/**
 * Signs a note text (ending in a newline) with each signer.
 *
 * @example signNote('origin\n1\nroot=\n', [signer]).split('\n\n')[1].startsWith('— ') // true
 */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkText(text);
  const message = Buffer.from(text, 'utf8');
  const lines = signers.map((s) => {
    const sig = Buffer.alloc(4);
    sig.writeUInt32BE(s.keyHash >>> 0);
    return `— ${s.name} ${Buffer.concat([sig, s.sign(message)]).toString('base64')}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/**
 * Splits a note and checks its signatures against the verifiers: returns the text and every
 * signature line (with `verified`). Throws `NoteError` when the note is malformed, when a
 * signature of a known key (name and key hash) does not verify, or when no known key signed it.
 *
 * @example openNote(note, [verifier]).text
 */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): { text: string; signatures: NoteSignature[] } {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('malformed note: no signature block');
  const text = note.slice(0, split + 1);
  checkText(text);
  const message = Buffer.from(text, 'utf8');
  const sigLines = note.slice(split + 2, -1).split('\n');
  if (sigLines.length > MAX_SIGNATURES) throw new NoteError('too many signatures');
  const signatures: NoteSignature[] = [];
  for (const line of sigLines) {
    const m = /^— (\S+) ([A-Za-z0-9+/]+=*)$/u.exec(line);
    if (!m) throw new NoteError('malformed signature line');
    const raw = Buffer.from(at(m, 2), 'base64');
    if (raw.length < 5) throw new NoteError('malformed signature');
    const keyHash = raw.readUInt32BE(0);
    const v = verifiers.find((x) => x.name === m[1] && x.keyHash === keyHash);
    if (v && !v.verify(message, raw.subarray(4))) throw new NoteError(`the signature of ${m[1]} does not verify`);
    signatures.push({ name: at(m, 1), keyHash, verified: Boolean(v) });
  }
  if (!signatures.some((s) => s.verified)) throw new NoteError('the note is not signed by a known key');
  return { text, signatures };
}
