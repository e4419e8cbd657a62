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
import { localJwks, openCliStore, STORE_FLAGS } from '../open-cli-store.js';
import { parseArgs } from '../parse-args.js';
import { readJwks } from '../read-jwks.js';

const USAGE = `usage:
  airlock audit verify [--data-dir DIR | --database-url URL] [--schema S] [--jwks FILE|URL] [--json]
  airlock audit export [--data-dir DIR | --database-url URL] [--schema S] [--from-seq N]
`;

async function verify(args: string[]): Promise<number> {
  const a = parseArgs(args, { ...STORE_FLAGS, jwks: 'string', json: 'boolean' });
  if (a._.length) {
    process.stderr.write(USAGE);
    return 2;
  }
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
    return r.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

async function exportLines(args: string[]): Promise<number> {
  const a = parseArgs(args, { ...STORE_FLAGS, 'from-seq': 'string' });
  const from = a['from-seq'] === undefined ? 1 : Number(a['from-seq']);
  if (a._.length || !Number.isSafeInteger(from) || from < 1) {
    process.stderr.write(`${a._.length ? '' : 'airlock audit export: --from-seq must be a positive integer\n'}${USAGE}`);
    return 2;
  }
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
    return 1;
  }
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'verify') return verify(rest);
  if (sub === 'export') return exportLines(rest);
  process.stderr.write(USAGE);
  return 2;
}
