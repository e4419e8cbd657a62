import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicJwks } from '../../src/signing/jwks.js';
import { DEV_KEY_FILE, ensureDevSigningKey, loadKeyRing, loadSigningKey, loadVerificationKeys } from '../../src/signing/signing-keys.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const tmp = tempDirs('airlock-keys-');

// RFC 8037 Appendix A.1/A.3: the Ed25519 example key and its RFC 7638 thumbprint.
const RFC8037_JWK = { kty: 'OKP', crv: 'Ed25519', d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
const RFC8037_THUMBPRINT = 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k';

function writePem(dir: string, name: string, pem: string): string {
  const p = join(dir, name);
  writeFileSync(p, pem);
  return p;
}

function newPrivatePem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

describe('loadSigningKey', () => {
  it('uses the RFC 7638 thumbprint as kid (RFC 8037 example key)', async () => {
    const pem = createPrivateKey({ key: RFC8037_JWK, format: 'jwk' }).export({ format: 'pem', type: 'pkcs8' }).toString();
    const key = await loadSigningKey(writePem(tmp(), 'k.pem', pem));
    expect(key.kid).toBe(RFC8037_THUMBPRINT);
    expect(key.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: RFC8037_JWK.x, kid: RFC8037_THUMBPRINT, alg: 'EdDSA', use: 'sig' });
  });

  it.each<[string, () => string]>([
    ['a missing file', () => join(tmp(), 'absent.pem')],
    ['a non-PEM file', () => writePem(tmp(), 'x.pem', 'hello')],
    ['an RSA key', () => writePem(tmp(), 'rsa.pem', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())],
    ['a public key', () => writePem(tmp(), 'pub.pem', generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString())],
  ])('refuses %s with CONFIG_INVALID', async (_, path) => {
    await expect(loadSigningKey(path())).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('loadVerificationKeys', () => {
  it('reads every *.pem of a directory, public or private, without duplicates', async () => {
    const dir = tmp();
    const priv = newPrivatePem();
    const publicHalfOfA = createPublicKey(priv).export({ format: 'pem', type: 'spki' }).toString();
    writePem(dir, 'a.pem', priv);
    writePem(dir, 'b.pem', generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString());
    writePem(dir, 'c.pem', publicHalfOfA);
    writePem(dir, 'notes.txt', 'ignored');
    const keys = await loadVerificationKeys(dir);
    expect(keys).toHaveLength(2);
    expect(keys.map((k) => k.source)).toEqual([join(dir, 'a.pem'), join(dir, 'b.pem')]);
  });

  it('reads a list of files', async () => {
    const dir = tmp();
    const keys = await loadVerificationKeys([writePem(dir, '1.pem', newPrivatePem()), writePem(dir, '2.pem', newPrivatePem())]);
    expect(keys).toHaveLength(2);
  });
});

describe('loadKeyRing', () => {
  it('generates a dev key (mode 0600) on first start, reuses it after, and says it is a dev key', async () => {
    const dataDir = join(tmp(), 'data');
    const first = await loadKeyRing({ dataDir, production: false });
    expect(first).toMatchObject({ dev: true, generated: true });
    expect(first.notice).toMatch(/DEVELOPMENT SIGNING KEY/);
    expect(statSync(join(dataDir, DEV_KEY_FILE)).mode & 0o777).toBe(0o600);
    const second = await loadKeyRing({ dataDir, production: false });
    expect(second).toMatchObject({ dev: true, generated: false });
    expect(second.signing.kid).toBe(first.signing.kid);
  });

  it('two concurrent first starts end up with one key', async () => {
    const dataDir = tmp();
    const [a, b] = await Promise.all([ensureDevSigningKey(dataDir), ensureDevSigningKey(dataDir)]);
    expect(a.key.kid).toBe(b.key.kid);
    expect([a.generated, b.generated].filter(Boolean)).toHaveLength(1);
  });

  it('refuses to start in production without a configured key', async () => {
    await expect(loadKeyRing({ dataDir: tmp(), production: true })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('uses the configured key in production and keeps rotated-out keys in the JWKS', async () => {
    const dir = tmp();
    const current = writePem(dir, 'current.pem', newPrivatePem());
    const retiredDir = join(dir, 'retired');
    mkdirSync(retiredDir);
    writePem(retiredDir, 'old.pem', newPrivatePem());
    writePem(retiredDir, 'same-as-current.pem', readFileSync(current, 'utf8'));
    const ring = await loadKeyRing({ signingKeyFile: current, verificationKeys: retiredDir, dataDir: dir, production: true });
    expect(ring.dev).toBe(false);
    expect(ring.notice).toBeUndefined();
    const jwks = publicJwks(ring.verification);
    expect(jwks.keys).toHaveLength(2);
    expect(jwks.keys[0]!.kid).toBe(ring.signing.kid);
    for (const k of jwks.keys) expect(Object.keys(k).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
  });
});
