/**
 * The manifest of a release package (`release-package.ts`), shared by the service that signs
 * it and the offline verifier (`verify-package.ts`): every file's path, SHA-256 and size, and
 * the released outputs whose bytes airlock does not hold.
 *
 * @example sha256Hex(new TextEncoder().encode('abc')) // 'ba7816bf…'
 */
import { createHash } from 'node:crypto';

/** The `format` of the manifest this code writes and reads. */
export const PACKAGE_FORMAT = 'airlock-release-package/1';

/** The JWS `typ` of a signed manifest (never accepted as a decision signature, nor the reverse). */
export const PACKAGE_MANIFEST_TYP = 'airlock-package-manifest+jws';

/** The manifest's own files: the only entries of a package not listed in it. */
export const MANIFEST_FILES = ['manifest.json', 'manifest.jws'] as const;

export interface PackageManifest {
  format: typeof PACKAGE_FORMAT;
  decision_id: string;
  files: { path: string; sha256: string; bytes: number }[];
  not_included: { output: string; kind: string; sha256: string; reason: string }[];
}

/** SHA-256 of bytes, lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
