/**
 * `airlock verify FILE [--jwks FILE|URL] [--json]`: checks a saved decision response
 * (`{ decision, signature, audit }`, as `POST /v1/decisions` or `GET /v1/decisions/{id}`
 * returned it) offline: the signature must verify with a key of the JWKS and the `decision` must
 * be exactly what was signed. Prints `OK … kid …` and exits 0, or names the field at fault and
 * exits 1 (also when FILE or the JWKS cannot be read); 2 is a usage error. A release package
 * (`GET /v1/decisions/{id}/package`, a ZIP) is verified whole (`src/release/verify-package.ts`):
 * one `FAIL <file>: <reason>` line per file that differs from what was signed. `FILE` may be `-` for stdin. Without `--jwks` the local service's JWKS
 * (`http://localhost:8080/.well-known/jwks.json`) is fetched.
 *
 * @example npm run airlock -- verify decision.json --jwks https://airlock.example.org/.well-known/jwks.json
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { verifyPackage } from '../../release/verify-package.js';
import { verifyDecisionResponse } from '../../signing/verify-decision.js';
import { EXIT } from '../exit-codes.js';
import { optionsOf } from '../command-options.js';
import { parseArgs, positionals, UsageError } from '../parse-args.js';
import { readJwks } from '../read-jwks.js';

/**
 * The JWKS used when `--jwks` is not given: a service running locally with its defaults.
 *
 * @example airlock verify decision.json   # same as --jwks http://localhost:8080/.well-known/jwks.json
 */
export const DEFAULT_JWKS = 'http://localhost:8080/.well-known/jwks.json';

async function readInput(file: string): Promise<Buffer> {
  if (file !== '-') return readFile(resolve(file));
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A ZIP's local file header signature: the file is a release package, not a decision response. */
const isZip = (b: Buffer): boolean => b.length >= 4 && b.readUInt32LE(0) === 0x04034b50;

/** Verifies a release package; prints OK or one FAIL line per file at fault. */
async function verifyPackageFile(file: string, bytes: Buffer, jwks: Awaited<ReturnType<typeof readJwks>>, json: boolean): Promise<number> {
  const r = await verifyPackage(bytes, jwks);
  if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else if (r.ok) process.stdout.write(`OK: package ${file} of decision ${r.decision_id}: ${r.files} files match the manifest signed by kid ${r.kid}\n`);
  else for (const p of r.problems) process.stdout.write(`FAIL ${p.file}: ${p.reason}\n`);
  return r.ok ? 0 : 1;
}

export async function run(args: string[]): Promise<number> {
  const a = parseArgs(args, optionsOf('verify'));
  const [file] = positionals(a, ['FILE']) as [string];
  let bytes: Buffer;
  try {
    bytes = await readInput(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const jwks = await readJwks(typeof a.jwks === 'string' ? a.jwks : DEFAULT_JWKS);
  if (isZip(bytes)) return verifyPackageFile(file, bytes, jwks, a.json === true);
  const text = bytes.toString('utf8');
  let response: unknown;
  try {
    response = JSON.parse(text);
  } catch {
    response = undefined;
  }
  const result = response === undefined ? { ok: false, field: '', reason: `${file} is not JSON` } : await verifyDecisionResponse(response, jwks);
  if (a.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else if (result.ok) {
    const r = response as { decision: { id?: unknown; outcome?: unknown }; audit?: { seq?: unknown } };
    const seq = r.audit?.seq === undefined ? '' : `, audit seq ${String(r.audit.seq)}`;
    process.stdout.write(`OK: decision ${String(r.decision.id)} (${String(r.decision.outcome)}) is signed by kid ${result.kid}${seq}\n`);
  } else {
    process.stdout.write(`FAIL ${result.field || '/'}: ${result.reason}${result.kid ? ` (kid ${result.kid})` : ''}\n`);
  }
  return result.ok ? EXIT.OK : EXIT.REJECT;
}
