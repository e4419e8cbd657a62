/**
 * `airlock audit verify|export`: the auditors' tools against the store itself, without a
 * running service.
 * - `verify [--data-dir DIR | --database-url URL] [--schema S] [--jwks FILE|URL] [--json]`:
 *   recomputes the whole chain and every signature (`verifyAudit`, as `GET /v1/audit/verify`);
 *   without `--jwks` the keys come from the service's own configuration (signing key file or the
 *   development key in the data directory, plus `AIRLOCK_VERIFICATION_KEYS`). Exit 0 when the
 *   chain verifies, 1 when it does not (the first bad seq and why are printed).
 * - `export [--data-dir DIR | --database-url URL] [--schema S] [--from-seq N]`: the chain as
 *   JSON Lines on stdout, in seq order (as `GET /v1/audit/export`).
 *
 * @example npm run airlock -- audit verify --data-dir ./data && npm run airlock -- audit export > audit.jsonl
 */
import { once } from 'node:events';
import { exportJsonl } from '../../audit/export-jsonl.js';
import { verifyAudit } from '../../audit/verify-chain.js';
import { localJwks, openCliStore } from '../open-cli-store.js';
import { EXIT, optionsOf, runSubcommand } from '../commands.js';
import { parseArgs, positionals, UsageError } from '../parse-args.js';
import { readJwks } from '../read-jwks.js';

/** `airlock audit verify`. */
export async function verify(args: string[]): Promise<number> {
  const a = parseArgs(args, optionsOf('audit verify'));
  positionals(a, []);
  const { store, config } = await openCliStore(a);
  try {
    const jwks = typeof a.jwks === 'string' ? await readJwks(a.jwks) : await localJwks(config);
    const r = await verifyAudit(store, jwks);
    if (a.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else if (r.ok) {
      const head = r.head ? `; head seq ${r.head.seq} hash ${r.head.hash}` : '';
      process.stdout.write(`OK: ${r.checked} records verified (${store.backend})${head}\n`);
    } else {
      process.stdout.write(`FAIL at seq ${r.first_bad_seq}: ${r.reason} (${r.checked} records verified before it)\n`);
    }
    return r.ok ? EXIT.OK : EXIT.REJECT;
  } finally {
    await store.close();
  }
}

/** `airlock audit export`. */
export async function exportLines(args: string[]): Promise<number> {
  const a = parseArgs(args, optionsOf('audit export'));
  positionals(a, []);
  const from = a['from-seq'] === undefined ? 1 : Number(a['from-seq']);
  if (!Number.isSafeInteger(from) || from < 1) throw new UsageError('--from-seq must be a positive integer');
  const { store } = await openCliStore(a);
  // A consumer that stops reading (`| head`) closes the pipe: stop quietly, as Unix tools do.
  let outputError: NodeJS.ErrnoException | null = null;
  const onError = (e: NodeJS.ErrnoException) => {
    outputError = e;
  };
  process.stdout.on('error', onError);
  try {
    for await (const line of exportJsonl(store, from)) {
      if (outputError) break;
      // Honour backpressure so a large chain piped into a slow consumer is not buffered whole.
      if (!process.stdout.write(line)) await once(process.stdout, 'drain').catch(() => undefined);
    }
  } finally {
    process.stdout.off('error', onError);
    await store.close();
  }
  const err = outputError as NodeJS.ErrnoException | null;
  if (err && err.code !== 'EPIPE') {
    process.stderr.write(`airlock audit export: cannot write: ${err.message}\n`);
    return EXIT.ENVIRONMENT;
  }
  return 0;
}

/** `airlock audit <subcommand> …` (the subcommands are in the command table). */
export function run(args: string[]): Promise<number> {
  return runSubcommand('audit', args);
}
