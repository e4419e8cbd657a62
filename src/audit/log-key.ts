/**
 * The key that signs the transparency log (each record's log entry and every checkpoint): a
 * dedicated Ed25519 key (`AIRLOCK_LOG_KEY_FILE`) or, by default, the decision signing key. Its
 * public half is published as a C2SP note verifier key (`<origin>+<hash>+<key>`) at
 * `GET /v1/audit/log-key`; when it is the decision key, the JWKS lists it too.
 *
 * @example
 * const log = await loadLogKey({ file: config.logKeyFile, fallback: ring.signing, origin: logOrigin(config) });
 * await openStore({ dataDir, log: log.signer });
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { ed25519NoteVerifier, verifierKeyString, type NoteVerifier } from '../lib/signed-note.js';
import type { LogSignerConfig } from './transparency-log.js';
import type { Config } from '../config.js';
import { loadSigningKey, type SigningKey } from '../signing/signing-keys.js';

/** The default origin without a public URL. */
export const DEFAULT_LOG_ORIGIN = 'airlock.local/audit';

/** The log key as the service uses it. */
export interface LogKey {
  origin: string;
  /** What the store signs with. */
  signer: LogSignerConfig;
  /** Verifies the log's entries and checkpoints. */
  verifier: NoteVerifier;
  /** The note verifier key string auditors and witnesses configure. */
  verifierKey: string;
  /** The RFC 7638 thumbprint of the key (its `kid` when it is the decision key). */
  kid: string;
  /** Where the key came from. */
  source: string;
}

/**
 * The configured origin, or one derived from the public URL's host.
 *
 * @example logOrigin({ logOrigin: null, publicUrl: 'https://airlock.tre.example' }) // 'airlock.tre.example/audit'
 */
export function logOrigin(config: Pick<Config, 'logOrigin' | 'publicUrl'>): string {
  if (config.logOrigin) return config.logOrigin;
  if (config.publicUrl) return `${new URL(config.publicUrl).host}/audit`;
  return DEFAULT_LOG_ORIGIN;
}

function keyOf(privateKey: KeyObject, origin: string, kid: string, source: string): LogKey {
  const verifier = ed25519NoteVerifier(origin, createPublicKey(privateKey));
  return {
    origin,
    signer: { origin, pkcs8: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })) },
    verifier,
    verifierKey: verifierKeyString(verifier),
    kid,
    source,
  };
}

/**
 * Loads the log key: `file` when given, otherwise the decision signing key. Throws
 * `CONFIG_INVALID` as `loadSigningKey` does.
 *
 * @example (await loadLogKey({ file: null, fallback: ring.signing, origin: 'airlock.local/audit' })).verifierKey
 */
export async function loadLogKey(opts: { file: string | null; fallback: Pick<SigningKey, 'privateKey' | 'kid' | 'source'>; origin: string }): Promise<LogKey> {
  if (opts.file) {
    const k = await loadSigningKey(opts.file);
    return keyOf(k.privateKey, opts.origin, k.kid, k.source);
  }
  return keyOf(opts.fallback.privateKey, opts.origin, opts.fallback.kid, opts.fallback.source);
}

/**
 * The verifier of a log from public material only: a note verifier key string, or a public
 * (or private) Ed25519 key object under the origin.
 *
 * @example logVerifierOf({ origin: 'airlock.local/audit', publicKey })
 */
export function logVerifierOf(k: { origin: string; publicKey: KeyObject }): NoteVerifier {
  return ed25519NoteVerifier(k.origin, k.publicKey);
}
