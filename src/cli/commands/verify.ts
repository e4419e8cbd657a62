/**
 * `airlock verify FILE [--jwks FILE|URL] [--json]`: checks a saved decision response
 * (`{ decision, signature, audit }`, as `POST /v1/decisions` or `GET /v1/decisions/{id}`
 * returned it) offline: the signature must verify with a key of the JWKS and the `decision` must
 * be exactly what was signed. Prints `OK … kid …` and exits 0, or names the field at fault and
 * exits 1 (also when FILE or the JWKS cannot be read); 2 is a usage error. `FILE` may be `-` for stdin. Without `--jwks` the local service's JWKS
 * (`http://localhost:8080/.well-known/jwks.json`) is fetched.
 *
 * @example npm run airlock -- verify decision.json --jwks https://airlock.example.org/.well-known/jwks.json
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { verifyDecisionResponse } from '../../signing/verify-decision.js';
import { EXIT, optionsOf } from '../commands.js';
import { parseArgs, positionals, UsageError } from '../parse-args.js';
import { readJwks } from '../read-jwks.js';

/**
 * The JWKS used when `--jwks` is not given: a service running locally with its defaults.
 *
 * @example airlock verify decision.json   # same as --jwks http://localhost:8080/.well-known/jwks.json
 */
export const DEFAULT_JWKS = 'http://localhost:8080/.well-known/jwks.json';

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFile(resolve(file), 'utf8');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function run(args: string[]): Promise<number> {
  const a = parseArgs(args, optionsOf('verify'));
  const [file] = positionals(a, ['FILE']) as [string];
  let text: string;
  try {
    text = await readInput(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const jwks = await readJwks(typeof a.jwks === 'string' ? a.jwks : DEFAULT_JWKS);
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
