/**
 * The keys of unit-mode differencing (sdc-rules.md "Privacy of the history"): unit values are
 * stored only as keyed hashes, and the unit sets only encrypted, with keys kept apart from the
 * signing key and outside the store. One secret (the unit key file, `AIRLOCK_UNIT_KEY_FILE`:
 * at least 32 random bytes, raw or as base64/hex text) is expanded with HKDF-SHA-256 into:
 * - `hmac`: HMAC-SHA-256 of `namespace \0 normalised value` → the unit's digest (16 bytes kept);
 * - `aead`: AES-256-GCM key sealing every stored unit form;
 * - `sample`: the key of the sample of units the prefilter compares (see `unit-form.ts`).
 * Without a key file outside production, a development key is generated into the data
 * directory (mode 0600) and said loudly; in production start-up refuses.
 *
 * The key cannot be rotated without re-keying the history: a unit hashed under a new key would
 * be a new unit to every earlier release. Keep it with the same care as the signing key.
 *
 * @example
 * const { keys, notice } = await loadUnitKeys({ keyFile: null, dataDir: './data', production: false });
 * unitDigest(keys, 'default', 'p-001').length // 16
 */
import { createCipheriv, createDecipheriv, createHmac, hash, hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AirlockError } from '../errors.js';

/** The derived keys. */
export interface UnitKeys {
  hmac: Buffer;
  aead: Buffer;
  sample: Buffer;
  /** Where the secret came from (a path), for the start-up log. */
  source: string;
  /** A generated development key. */
  dev: boolean;
}

/** The file name of the generated development unit key in the data directory. */
export const DEV_UNIT_KEY_FILE = 'dev-unit-key';

/** Bytes of a unit digest kept (128 bits: no collision among any number of units a TRE holds). */
export const UNIT_DIGEST_BYTES = 16;

/**
 * The derived keys of a secret.
 *
 * @example unitKeysOf(randomBytes(32), 'test').aead.length // 32
 */
export function unitKeysOf(secret: Buffer, source: string, dev = false): UnitKeys {
  if (secret.length < 32) throw new AirlockError('CONFIG_INVALID', `the unit key (${source}) must hold at least 32 bytes of secret`);
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'airlock-units', info, 32));
  return { hmac: derive('airlock unit hmac v1'), aead: derive('airlock history aead v1'), sample: derive('airlock unit sample v1'), source, dev };
}

/** The secret in a key file: base64 or hex text, or raw bytes. */
function secretOf(bytes: Buffer): Buffer {
  const text = bytes.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64,}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43,}={0,2}$/.test(text)) return Buffer.from(text, 'base64');
  return bytes;
}

/**
 * Loads the configured unit key, or (outside production) the development key in `dataDir`,
 * generating it on first start. Throws `CONFIG_INVALID` when the file cannot be read, is too
 * short, is the signing key file, or is missing in production.
 *
 * @example const { keys } = await loadUnitKeys({ keyFile: '/run/secrets/airlock-unit-key', dataDir, production: true });
 */
export async function loadUnitKeys(options: { keyFile: string | null; dataDir: string; production: boolean; signingKeyFile?: string | null }): Promise<{ keys: UnitKeys; notice?: string }> {
  if (options.keyFile) {
    if (options.signingKeyFile && resolve(options.signingKeyFile) === resolve(options.keyFile)) {
      throw new AirlockError('CONFIG_INVALID', 'AIRLOCK_UNIT_KEY_FILE must not be the signing key: the unit key is kept apart from it');
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(options.keyFile);
    } catch (e) {
      throw new AirlockError('CONFIG_INVALID', `cannot read the unit key file ${options.keyFile}: ${(e as Error).message}`);
    }
    return { keys: unitKeysOf(secretOf(bytes), options.keyFile) };
  }
  if (options.production) {
    throw new AirlockError('CONFIG_INVALID', 'no unit key configured (AIRLOCK_UNIT_KEY_FILE); a production service will not keep unit sets under a development key');
  }
  const path = resolve(options.dataDir, DEV_UNIT_KEY_FILE);
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  try {
    await writeFile(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new AirlockError('CONFIG_INVALID', `cannot write the development unit key ${path}: ${(e as Error).message}`);
  }
  const keys = unitKeysOf(secretOf(await readFile(path)), path, true);
  return {
    keys,
    notice: `DEVELOPMENT UNIT KEY in ${path}: unit identifiers are hashed and unit sets encrypted with a key stored beside the audit store. Configure AIRLOCK_UNIT_KEY_FILE (kept apart from the signing key and the store) before real use.`,
  };
}

/**
 * The keyed digest of a normalised unit value in a namespace: the only form in which a unit
 * identifier is ever stored.
 *
 * @example unitDigest(keys, 'default', 'p-001').length // 16
 */
export function unitDigest(keys: UnitKeys, namespace: string, value: string): Buffer {
  const pads = padsOf(keys);
  // HMAC-SHA-256 (RFC 2104) from two one-shot hashes over reused buffers: a hundred thousand
  // units per request make the per-call objects of createHmac the cost (15–20 % here).
  const prefix = 64 + Buffer.byteLength(namespace, 'utf8') + 1;
  const need = prefix + Buffer.byteLength(value, 'utf8');
  if (pads.inner.length < need || pads.namespace !== namespace) {
    pads.inner = Buffer.alloc(Math.max(need, 256));
    pads.ipad.copy(pads.inner);
    pads.inner.write(namespace, 64, 'utf8');
    pads.inner[prefix - 1] = 0;
    pads.namespace = namespace;
  }
  const n = pads.inner.write(value, prefix, 'utf8');
  hash('sha256', pads.inner.subarray(0, prefix + n), 'buffer').copy(pads.outer, 64);
  return hash('sha256', pads.outer, 'buffer').subarray(0, UNIT_DIGEST_BYTES);
}

interface Pads {
  ipad: Buffer;
  /** `ipad ‖ namespace ‖ 0 ‖ value`, reused. */
  inner: Buffer;
  namespace: string | null;
  /** `opad ‖ inner digest`, reused. */
  outer: Buffer;
}

const padCache = new WeakMap<UnitKeys, Pads>();

function padsOf(keys: UnitKeys): Pads {
  let p = padCache.get(keys);
  if (!p) {
    // The HMAC key is 32 bytes: shorter than the block, used as is, zero-padded.
    const ipad = Buffer.alloc(64, 0x36);
    const opad = Buffer.alloc(96, 0);
    opad.fill(0x5c, 0, 64);
    for (let i = 0; i < keys.hmac.length; i++) {
      ipad[i]! ^= keys.hmac[i]!;
      opad[i]! ^= keys.hmac[i]!;
    }
    p = { ipad, inner: Buffer.alloc(0), namespace: null, outer: opad };
    padCache.set(keys, p);
  }
  return p;
}

/**
 * The same digest through `createHmac`, for tests to compare with.
 *
 * @example unitDigestReference(keys, 'default', 'p1').equals(unitDigest(keys, 'default', 'p1')) // true
 */
export function unitDigestReference(keys: UnitKeys, namespace: string, value: string): Buffer {
  return createHmac('sha256', keys.hmac).update(namespace, 'utf8').update('\u0000', 'utf8').update(value, 'utf8').digest().subarray(0, UNIT_DIGEST_BYTES);
}

/** The additional data sealed with a unit form: its format and namespace (a form cannot be moved to another namespace). */
function aad(namespace: string): Buffer {
  return Buffer.from(`airlock-units-v1\u0000${namespace}`, 'utf8');
}

/**
 * Seals bytes with AES-256-GCM: `nonce (12) || ciphertext || tag (16)`.
 *
 * @example open(keys, 'default', seal(keys, 'default', data)) // data
 */
export function seal(keys: UnitKeys, namespace: string, data: Uint8Array): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keys.aead, nonce);
  c.setAAD(aad(namespace));
  return Buffer.concat([nonce, c.update(data), c.final(), c.getAuthTag()]);
}

/**
 * Opens what `seal` sealed; throws `INTERNAL` when it was altered or sealed under another key.
 *
 * @example open(keys, 'default', sealed)
 */
export function open(keys: UnitKeys, namespace: string, sealed: Uint8Array): Buffer {
  const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (b.length < 28) throw new AirlockError('INTERNAL', 'a stored unit form is truncated');
  try {
    const d = createDecipheriv('aes-256-gcm', keys.aead, b.subarray(0, 12));
    d.setAAD(aad(namespace));
    d.setAuthTag(b.subarray(b.length - 16));
    return Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]);
  } catch {
    throw new AirlockError('INTERNAL', 'a stored unit form cannot be opened: altered, or sealed under another unit key');
  }
}
