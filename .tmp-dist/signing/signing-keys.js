/**
 * Where airlock's Ed25519 keys come from. One private key signs new decisions; every public
 * key still listed for verification (the signing key's own, plus rotated-out ones) stays in the
 * JWKS so decisions signed years ago keep verifying. A key's `kid` is its RFC 7638 JWK
 * thumbprint, so the same key always has the same id wherever it is loaded.
 *
 * With no key configured, a development key is generated into the data directory (mode 0600)
 * and flagged `dev: true` so the caller can say so loudly; in production that is refused.
 *
 * @example
 * const ring = await loadKeyRing({ dataDir: './data', production: false });
 * if (ring.dev) log.warn(ring.notice);
 * const jws = await signDecision(decision, ring.signing);
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { calculateJwkThumbprint, importPKCS8 } from 'jose';
import { AirlockError } from '../errors.js';
/** File name of the generated development key inside the data directory. */
export const DEV_KEY_FILE = 'dev-signing-key.pem';
function configError(message) {
    return new AirlockError('CONFIG_INVALID', message);
}
async function readPem(path) {
    try {
        return await readFile(path, 'utf8');
    }
    catch (e) {
        throw configError(`cannot read key file ${path}: ${e.message}`);
    }
}
/**
 * The public JWK of an Ed25519 public key, with its RFC 7638 thumbprint as `kid`.
 *
 * @example (await publicJwkOf(createPublicKey(pem))).kid // 'n3X…' (43 base64url chars)
 */
export async function publicJwkOf(publicKey) {
    const jwk = publicKey.export({ format: 'jwk' });
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
        throw configError(`key is ${String(jwk.kty)}/${String(jwk.crv)}, airlock signs with Ed25519 only`);
    }
    const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }, 'sha256');
    return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid, alg: 'EdDSA', use: 'sig' };
}
async function signingKeyFromPem(pem, source) {
    let privateKey;
    try {
        privateKey = createPrivateKey(pem);
    }
    catch (e) {
        throw configError(`${source} is not a PEM private key: ${e.message}`);
    }
    if (privateKey.asymmetricKeyType !== 'ed25519') {
        throw configError(`${source} holds a ${String(privateKey.asymmetricKeyType)} key, airlock signs with Ed25519 only`);
    }
    const publicKey = createPublicKey(privateKey);
    const publicJwk = await publicJwkOf(publicKey);
    const pkcs8 = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const signer = await importPKCS8(pkcs8, 'EdDSA');
    return { kid: publicJwk.kid, privateKey, publicKey, publicJwk, signer, source };
}
/**
 * Loads the Ed25519 signing key from a PKCS#8 PEM file. Throws `CONFIG_INVALID` when the file is
 * missing, unreadable or not an Ed25519 private key.
 *
 * @example const key = await loadSigningKey('/etc/airlock/signing.pem'); key.kid
 */
export async function loadSigningKey(path) {
    return signingKeyFromPem(await readPem(path), path);
}
async function pemFilesOf(from) {
    if (typeof from !== 'string')
        return [...from];
    let isDir;
    try {
        isDir = (await stat(from)).isDirectory();
    }
    catch (e) {
        throw configError(`cannot read verification keys at ${from}: ${e.message}`);
    }
    if (!isDir)
        return [from];
    const names = (await readdir(from)).filter((n) => n.endsWith('.pem')).sort();
    return names.map((n) => join(from, n));
}
/**
 * Loads public verification keys from a directory of `*.pem` files or a list of files. A PEM
 * may hold a public (SPKI) or a private key; only the public half is kept. Duplicates (same
 * `kid`) are dropped.
 *
 * @example const old = await loadVerificationKeys('/etc/airlock/retired-keys');
 */
export async function loadVerificationKeys(from) {
    const keys = [];
    const seen = new Set();
    for (const path of await pemFilesOf(from)) {
        const pem = await readPem(path);
        let publicKey;
        try {
            // createPublicKey accepts a private PEM too and derives its public half.
            publicKey = createPublicKey(pem);
        }
        catch (e) {
            throw configError(`${path} is not a PEM key: ${e.message}`);
        }
        if (publicKey.asymmetricKeyType !== 'ed25519') {
            throw configError(`${path} holds a ${String(publicKey.asymmetricKeyType)} key, airlock verifies Ed25519 only`);
        }
        const publicJwk = await publicJwkOf(publicKey);
        if (seen.has(publicJwk.kid))
            continue;
        seen.add(publicJwk.kid);
        keys.push({ kid: publicJwk.kid, publicKey, publicJwk, source: path });
    }
    return keys;
}
/**
 * Returns the development key in `dataDir`, creating it (mode 0600, directory 0700) when absent.
 * Two processes starting at once both end up with the one key: creation is exclusive.
 *
 * @example const { key, generated } = await ensureDevSigningKey('./data');
 */
export async function ensureDevSigningKey(dataDir) {
    const path = resolve(dataDir, DEV_KEY_FILE);
    try {
        await mkdir(dataDir, { recursive: true, mode: 0o700 });
    }
    catch (e) {
        throw configError(`cannot create data directory ${dataDir}: ${e.message}`);
    }
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    let generated = true;
    try {
        await writeFile(path, pem, { mode: 0o600, flag: 'wx' });
    }
    catch (e) {
        if (e.code !== 'EEXIST') {
            throw configError(`cannot write development key ${path}: ${e.message}`);
        }
        generated = false;
    }
    return { key: await loadSigningKey(path), generated, path };
}
/**
 * Loads the signing key and every verification key from configuration. With no signing key
 * configured: in production throws `CONFIG_INVALID`; otherwise uses (and on first start
 * creates) a development key in `dataDir` and returns `dev: true` with a `notice` to log.
 *
 * @example
 * const ring = await loadKeyRing({ signingKeyFile: process.env.AIRLOCK_SIGNING_KEY_FILE, dataDir, production });
 */
export async function loadKeyRing(options) {
    let signing;
    let dev = false;
    let generated = false;
    let notice;
    if (options.signingKeyFile) {
        signing = await loadSigningKey(options.signingKeyFile);
    }
    else if (options.production) {
        throw configError('no signing key configured (AIRLOCK_SIGNING_KEY_FILE); a production service will not sign with a generated development key');
    }
    else {
        const devKey = await ensureDevSigningKey(options.dataDir);
        signing = devKey.key;
        dev = true;
        generated = devKey.generated;
        notice =
            `USING A DEVELOPMENT SIGNING KEY (${devKey.path}, kid ${signing.kid})` +
                `${generated ? ', generated now' : ''}. Decisions signed with it prove nothing outside this machine; ` +
                'configure AIRLOCK_SIGNING_KEY_FILE before real use.';
    }
    const verification = [
        { kid: signing.kid, publicKey: signing.publicKey, publicJwk: signing.publicJwk, source: signing.source },
    ];
    if (options.verificationKeys) {
        for (const k of await loadVerificationKeys(options.verificationKeys)) {
            if (!verification.some((v) => v.kid === k.kid))
                verification.push(k);
        }
    }
    return { signing, verification, dev, generated, ...(notice ? { notice } : {}) };
}
//# sourceMappingURL=signing-keys.js.map