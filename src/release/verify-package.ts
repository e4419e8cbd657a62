/**
 * Offline verification of a release package (`release-package.ts`) against a JWKS, as
 * `airlock verify package.zip --jwks …` runs it. Everything is checked and every problem is
 * named by the file it is in:
 *
 * - `manifest.jws` must be airlock's signature (`typ: airlock-package-manifest+jws`, a key of
 *   the JWKS) over exactly `manifest.json`;
 * - every file the signed manifest lists must be present with its SHA-256 and size; any other
 *   entry (besides the manifest's two files) is named as not covered by the signature;
 * - `decision.jws` must sign `decision.json`, the decision the manifest names;
 * - the decision must be released: outcome `release`, or a signed final record
 *   (`review/final.*`) of that decision whose review state is `released`.
 *
 * @example
 * const r = await verifyPackage(readFileSync('package.zip'), jwks);
 * if (!r.ok) for (const p of r.problems) console.error(`${p.file}: ${p.reason}`);
 */
import { unzipSync } from 'fflate';
import type { JwksLike } from '../signing/verify-decision.js';
import { verifyDecisionResponse, verifySignedJson } from '../signing/verify-decision.js';
import { MANIFEST_FILES, PACKAGE_FORMAT, PACKAGE_MANIFEST_TYP, sha256Hex, type PackageManifest } from './package-manifest.js';

export interface PackageProblem {
  /** The file at fault (a path inside the package), or `package` for the ZIP as a whole. */
  file: string;
  reason: string;
}

export interface PackageVerification {
  ok: boolean;
  decision_id?: string;
  /** The key that signed the manifest. */
  kid?: string;
  /** How many files the signed manifest covers. */
  files?: number;
  problems: PackageProblem[];
}

/** Largest total size unpacked, so a hostile archive cannot exhaust memory. */
const MAX_UNPACKED = 2 * 1024 ** 3;

const text = (b: Uint8Array | undefined): string | null => {
  if (!b) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return null;
  }
};

function isManifest(v: unknown): v is PackageManifest {
  if (typeof v !== 'object' || v === null) return false;
  // Every field as JSON may have it, until checked.
  const m = v as { format?: unknown; decision_id?: unknown; files?: unknown };
  return m.format === PACKAGE_FORMAT && typeof m.decision_id === 'string' && Array.isArray(m.files) &&
    m.files.every((f: { path?: unknown; sha256?: unknown; bytes?: unknown } | null | undefined) => typeof f?.path === 'string' && typeof f.sha256 === 'string' && Number.isSafeInteger(f.bytes));
}

/** Checks a signed decision file pair; returns the decision, or null with a problem recorded. */
async function signedDecision(files: Record<string, Uint8Array>, json: string, jws: string, jwks: JwksLike, problems: PackageProblem[]): Promise<Record<string, unknown> | null> {
  const body = text(files[json]);
  const signature = text(files[jws])?.trim();
  if (body === null || !signature) {
    problems.push({ file: body === null ? json : jws, reason: 'missing or not UTF-8' });
    return null;
  }
  let decision: unknown;
  try {
    decision = JSON.parse(body);
  } catch {
    problems.push({ file: json, reason: 'not JSON' });
    return null;
  }
  const v = await verifyDecisionResponse({ decision, signature }, jwks);
  if (!v.ok) {
    problems.push({ file: v.field?.startsWith('/signature') ? jws : json, reason: v.reason ?? 'does not verify' });
    return null;
  }
  return decision as Record<string, unknown>;
}

export async function verifyPackage(zip: Uint8Array, jwks: JwksLike): Promise<PackageVerification> {
  const problems: PackageProblem[] = [];
  let files: Record<string, Uint8Array>;
  try {
    let total = 0;
    files = unzipSync(zip, {
      filter: (f) => {
        total += f.originalSize;
        if (total > MAX_UNPACKED) throw new Error(`unpacks to more than ${MAX_UNPACKED} bytes`);
        return true;
      },
    });
  } catch (e) {
    return { ok: false, problems: [{ file: 'package', reason: `not a readable ZIP: ${(e as Error).message}` }] };
  }
  const [manifestFile, manifestSig] = MANIFEST_FILES;
  const jws = text(files[manifestSig])?.trim();
  if (!jws) return { ok: false, problems: [{ file: manifestSig, reason: 'missing: nothing in the package is covered by a signature' }] };
  const signed = await verifySignedJson(jws, jwks, PACKAGE_MANIFEST_TYP);
  if (!signed.ok) return { ok: false, ...(signed.kid ? { kid: signed.kid } : {}), problems: [{ file: manifestSig, reason: signed.reason }] };
  if (!isManifest(signed.signed)) return { ok: false, kid: signed.kid, problems: [{ file: manifestSig, reason: `the signed manifest is not a ${PACKAGE_FORMAT} manifest` }] };
  const manifest = signed.signed;
  // The signed manifest is the truth; a manifest.json that differs from it is itself tampered with.
  if (text(files[manifestFile]) !== signed.text) problems.push({ file: manifestFile, reason: 'differs from the manifest signed in manifest.jws' });
  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.path);
    const bytes = files[f.path];
    if (!bytes) problems.push({ file: f.path, reason: 'listed in the signed manifest but missing' });
    else if (bytes.length !== f.bytes || sha256Hex(bytes) !== f.sha256) problems.push({ file: f.path, reason: `content differs from the signed manifest (sha256 ${sha256Hex(bytes)}, signed ${f.sha256})` });
  }
  for (const path of Object.keys(files)) {
    if (path.endsWith('/') || listed.has(path) || (MANIFEST_FILES as readonly string[]).includes(path)) continue;
    problems.push({ file: path, reason: 'not listed in the signed manifest (added after signing)' });
  }
  const decision = await signedDecision(files, 'decision.json', 'decision.jws', jwks, problems);
  if (decision) {
    if (decision.id !== manifest.decision_id) problems.push({ file: 'decision.json', reason: `is decision ${String(decision.id)}, the manifest names ${manifest.decision_id}` });
    if (decision.outcome !== 'release') {
      const final = files['review/final.json'] ? await signedDecision(files, 'review/final.json', 'review/final.jws', jwks, problems) : null;
      const review = final?.review as { of?: unknown; state?: unknown } | undefined;
      if (!files['review/final.json']) problems.push({ file: 'decision.json', reason: `outcome is ${String(decision.outcome)} and no signed final review record releases it` });
      else if (final && (review?.of !== decision.id || review?.state !== 'released')) problems.push({ file: 'review/final.json', reason: `does not release decision ${String(decision.id)} (review of ${String(review?.of)}, state ${String(review?.state)})` });
    }
  }
  return { ok: problems.length === 0, decision_id: manifest.decision_id, kid: signed.kid, files: manifest.files.length, problems };
}
