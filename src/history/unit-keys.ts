/**
 * The keys of unit-mode differencing (sdc-rules.md "Privacy of the history"): unit values are
 * stored only as keyed hashes, and the unit sets only encrypted, with keys kept apart from the
 * signing key and outside the store. One secret (the unit key file, `AIRLOCK_UNIT_KEY_FILE`:
 * at least 32 random bytes, raw or as base64/hex text) is expanded with HKDF-SHA-256 into:
 * - `blake3`: keyed BLAKE3 of `namespace \0 normalised value` → the unit's digest (16 bytes
 *   kept), in namespaces created since keying version 2 (see `UnitKeying`);
 * - `hmac`: HMAC-SHA-256 of the same → the digest in namespaces created before (version 1);
 * - `marker`: the keyed BLAKE3 key of a namespace's keying marker (`keyingMarker`);
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
import type { IHasher } from 'hash-wasm';
import { createBLAKE3 } from 'hash-wasm';
import { AirlockError } from '../errors.js';
import { at, outOfRange } from '../lib/invariant.js';

/** The derived keys. */
export interface UnitKeys {
  hmac: Buffer;
  blake3: Buffer;
  marker: Buffer;
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
  return {
    hmac: derive('airlock unit hmac v1'),
    blake3: derive('airlock unit blake3 v2'),
    marker: derive('airlock unit keying marker v2'),
    aead: derive('airlock history aead v1'),
    sample: derive('airlock unit sample v1'),
    source,
    dev,
  };
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
      throw new AirlockError('CONFIG_INVALID', `cannot read the unit key file ${options.keyFile}: ${(e as Error).message}`, [], { cause: e });
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
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new AirlockError('CONFIG_INVALID', `cannot write the development unit key ${path}: ${(e as Error).message}`, [], { cause: e });
  }
  const keys = unitKeysOf(secretOf(await readFile(path)), path, true);
  return {
    keys,
    notice: `DEVELOPMENT UNIT KEY in ${path}: unit identifiers are hashed and unit sets encrypted with a key stored beside the audit store. Configure AIRLOCK_UNIT_KEY_FILE (kept apart from the signing key and the store) before real use.`,
  };
}

/**
 * The version-1 keyed digest (HMAC-SHA-256) of a normalised unit value in a namespace: the
 * only form in which a unit identifier is stored in a version-1 namespace (`UnitKeying`).
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
      const k = keys.hmac[i] ?? outOfRange();
      ipad[i] = (ipad[i] ?? outOfRange()) ^ k;
      opad[i] = (opad[i] ?? outOfRange()) ^ k;
    }
    p = { ipad, inner: Buffer.alloc(0), namespace: null, outer: opad };
    padCache.set(keys, p);
  }
  return p;
}

/**
 * How a namespace's unit digests are keyed. The mapping of a unit to its digest must never
 * change within a namespace (a unit keyed anew would be a new unit to every earlier release),
 * so a namespace keeps the version it was created with:
 * - 1: HMAC-SHA-256 (`unitDigest`), namespaces whose dictionary began before version 2;
 * - 2: keyed BLAKE3 (hash-wasm, WebAssembly), about five times faster on 100,000 short
 *   identifiers here; a namespace is version 2 when its dictionary holds the keying marker
 *   (`keyingMarker`, stored as id 0, which no unit has), and a new (empty) namespace starts so.
 * Digests cannot be converted (they are one-way), hence both are kept.
 */
export type UnitKeying = 1 | 2;

/** The keying of a namespace created now. */
export const CURRENT_KEYING: UnitKeying = 2;

/** The dictionary id under which a version-2 namespace records its keying marker (units are numbered from 1). */
export const MARKER_ID = 0;

const hashers = new WeakMap<UnitKeys, Promise<{ units: IHasher; marker: IHasher }>>();

function hashersOf(keys: UnitKeys): Promise<{ units: IHasher; marker: IHasher }> {
  let h = hashers.get(keys);
  if (!h) {
    h = Promise.all([createBLAKE3(UNIT_DIGEST_BYTES * 8, keys.blake3), createBLAKE3(UNIT_DIGEST_BYTES * 8, keys.marker)]).then(([units, marker]) => ({ units, marker }));
    hashers.set(keys, h);
  }
  return h;
}

/**
 * The marker a version-2 namespace's dictionary holds (as id `MARKER_ID`): a keyed digest of
 * the namespace name under a key of its own, so it equals no unit's digest.
 *
 * @example (await keyingMarker(keys, 'default')).length // 16
 */
export async function keyingMarker(keys: UnitKeys, namespace: string): Promise<Buffer> {
  const { marker } = await hashersOf(keys);
  return Buffer.from(marker.init().update(Buffer.from(namespace, 'utf8')).digest('binary'));
}

/**
 * The digests of many normalised unit values of a namespace under its keying, in one buffer:
 * value `i`'s digest is bytes `16i … 16i + 16`. Every hash call is synchronous, so the shared
 * hasher is never interleaved between requests.
 *
 * @example const all = await unitDigests(keys, 'default', ['p1', 'p2'], 2); all.length // 32
 */
export async function unitDigests(keys: UnitKeys, namespace: string, values: readonly string[], keying: UnitKeying): Promise<Buffer> {
  const out = Buffer.allocUnsafe(values.length * UNIT_DIGEST_BYTES);
  if (keying === 1) {
    values.forEach((v, i) => unitDigest(keys, namespace, v).copy(out, i * UNIT_DIGEST_BYTES));
    return out;
  }
  const { units } = await hashersOf(keys);
  // `namespace \0 value` written into one reused buffer: one WebAssembly update per unit, no string encoding inside the hasher.
  const prefix = Buffer.byteLength(namespace, 'utf8') + 1;
  let buf = Buffer.alloc(prefix + 256);
  buf.write(namespace, 0, 'utf8');
  buf[prefix - 1] = 0;
  for (let i = 0; i < values.length; i++) {
    const v = at(values, i);
    if (buf.length < prefix + v.length * 3) {
      const bigger = Buffer.alloc(prefix + v.length * 3);
      buf.copy(bigger, 0, 0, prefix);
      buf = bigger;
    }
    const n = buf.write(v, prefix, 'utf8');
    out.set(units.init().update(buf.subarray(0, prefix + n)).digest('binary'), i * UNIT_DIGEST_BYTES);
  }
  return out;
}

/**
 * The same digest through `createHmac`, for tests to compare with.
 *
 * @example unitDigestReference(keys, 'default', 'p1').equals(unitDigest(keys, 'default', 'p1')) // true
 */
export function unitDigestReference(keys: UnitKeys, namespace: string, value: string): Buffer {
  return createHmac('sha256', keys.hmac).update(namespace, 'utf8').update('\u0000', 'utf8').update(value, 'utf8').digest().subarray(0, UNIT_DIGEST_BYTES);
}

/**
 * The additional data sealed with a unit form: its format and namespace (a form cannot be
 * moved to another namespace), and for other sealed data its `context` (what it is, and of what).
 */
function aad(namespace: string, context?: string): Buffer {
  return Buffer.from(`airlock-units-v1\u0000${namespace}${context === undefined ? '' : `\u0000${context}`}`, 'utf8');
}

/**
 * Seals bytes with AES-256-GCM: `nonce (12) || ciphertext || tag (16)`.
 *
 * @example open(keys, 'default', seal(keys, 'default', data)) // data
 */
export function seal(keys: UnitKeys, namespace: string, data: Uint8Array, context?: string): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keys.aead, nonce);
  c.setAAD(aad(namespace, context));
  return Buffer.concat([nonce, c.update(data), c.final(), c.getAuthTag()]);
}

/**
 * Opens what `seal` sealed; throws `INTERNAL` when it was altered or sealed under another key.
 *
 * @example open(keys, 'default', sealed)
 */
export function open(keys: UnitKeys, namespace: string, sealed: Uint8Array, context?: string): Buffer {
  const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (b.length < 28) throw new AirlockError('INTERNAL', 'a stored unit form is truncated');
  try {
    const d = createDecipheriv('aes-256-gcm', keys.aead, b.subarray(0, 12));
    d.setAAD(aad(namespace, context));
    d.setAuthTag(b.subarray(b.length - 16));
    return Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]);
  } catch {
    throw new AirlockError('INTERNAL', 'a stored unit form cannot be opened: altered, or sealed under another unit key');
  }
}
