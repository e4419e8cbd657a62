/**
 * `airlock audit verify|export`: the auditors' tools against the store itself, without a
 * running service.
 * - `verify [--data-dir DIR | --database-url URL] [--schema S] [--jwks FILE|URL] [--json]`:
 *   recomputes the whole chain and every signature (`verifyAudit`, as `GET /v1/audit/verify`);
 *   without `--jwks` the keys come from the service's own configuration (signing key file or the
 *   development key in the data directory, plus `AIRLOCK_VERIFICATION_KEYS`). Exit 0 when the
 *   chain verifies, 1 when it does not (the first bad seq and why are printed).
 *   With the log key (the service's own key files, or `--log-key VKEY` as
 *   `GET /v1/audit/log-key` publishes it) it also checks the transparency log: every record's
 *   signed entry, every stored signed checkpoint against the records, and, with
 *   `--checkpoint FILE` (a checkpoint kept elsewhere), that the log still extends it. A failure
 *   names the tampering (`edited`, `renumbered`, `tail_missing`, `forked`, `ruleset_deleted`, …).
 * - `export [--data-dir DIR | --database-url URL] [--schema S] [--from-seq N]`: the chain as
 *   JSON Lines on stdout, in seq order (as `GET /v1/audit/export`).
 * - `checkpoint [store options]`: the newest signed checkpoint on stdout (keep it elsewhere).
 * - `migrate [store options]`: brings an existing chain into the transparency log: verifies
 *   the chain and every signature first (refuses a chain that does not verify), then logs
 *   every record with the private log key and signs a checkpoint.
 *
 * @example npm run airlock -- audit verify --data-dir ./data && npm run airlock -- audit export > audit.jsonl
 */
import { once } from 'node:events';
import { exportJsonl } from '../../audit/export-jsonl.js';
import { verifyAudit } from '../../audit/verify-chain.js';
import { readFile } from 'node:fs/promises';
import { AirlockError } from '../../errors.js';
import { cliConfig, localJwks, localLogKey, localLogVerifier, openCliStore } from '../open-cli-store.js';
import { EXIT } from '../exit-codes.js';
import { optionsOf } from '../command-options.js';
import { parseArgs, positionals, UsageError } from '../parse-args.js';
import { readJwks } from '../read-jwks.js';

/** `airlock audit verify`. */
export async function verify(args: string[]): Promise<number> {
  const a = parseArgs(args, optionsOf('audit verify'));
  positionals(a, []);
  let held: string | undefined;
  if (typeof a.checkpoint === 'string') {
    try {
      held = await readFile(a.checkpoint, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read --checkpoint ${a.checkpoint}: ${(e as Error).message}`);
    }
  }
  const { store, config } = await openCliStore(a);
  try {
    const jwks = typeof a.jwks === 'string' ? await readJwks(a.jwks) : await localJwks(config);
    const verifier = await localLogVerifier(config, a['log-key']);
    if (!verifier && held) throw new AirlockError('CONFIG_INVALID', 'checking a held checkpoint needs the log key: pass --log-key (GET /v1/audit/log-key) or configure the key files');
    if (!verifier) process.stderr.write('airlock audit verify: no log key found, the transparency log is not checked (pass --log-key)\n');
    const r = await verifyAudit(store, jwks, verifier ? { verifier, ...(held ? { checkpoint: held } : {}) } : undefined);
    if (a.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else if (r.ok) {
      const head = r.head ? `; head seq ${r.head.seq} hash ${r.head.hash}` : '';
      const log = r.log ? `; transparency log ${r.log.size} entries, newest signed checkpoint ${r.log.checkpoint_size ?? 'none'}${r.log.extends ? `; extends the held checkpoint of size ${r.log.extends.size}` : ''}` : '';
      process.stdout.write(`OK: ${r.checked} records verified (${store.backend})${head}${log}\n`);
    } else {
      process.stdout.write(`FAIL at seq ${r.first_bad_seq}${r.tampering ? ` [${r.tampering}]` : ''}: ${r.reason} (${r.checked} records verified before it)\n`);
    }
    return r.ok ? EXIT.OK : EXIT.REJECT;
  } finally {
    await store.close();
  }
}

/** `airlock audit checkpoint`: the newest signed checkpoint on stdout. */
export async function checkpoint(args: string[]): Promise<number> {
  const a = parseArgs(args, optionsOf('audit checkpoint'));
  positionals(a, []);
  const { store } = await openCliStore(a);
  try {
    const c = await store.latestCheckpoint();
    if (!c) {
      process.stderr.write('airlock audit checkpoint: the log has no signed checkpoint yet (run airlock audit migrate, or record a decision)\n');
      return EXIT.REJECT;
    }
    process.stdout.write(c.note);
    return EXIT.OK;
  } finally {
    await store.close();
  }
}

/** `airlock audit migrate`: brings an existing chain into the transparency log. */
export async function migrate(args: string[]): Promise<number> {
  const a = parseArgs(args, optionsOf('audit migrate'));
  positionals(a, []);
  const config = cliConfig(a);
  const key = await localLogKey(config);
  const { store } = await openCliStore(a, process.env, { log: key.signer });
  try {
    // Logging signs what is there: only a chain that verifies is vouched for.
    const jwks = typeof a.jwks === 'string' ? await readJwks(a.jwks) : await localJwks(config);
    const chain = await verifyAudit(store, jwks);
    if (!chain.ok) {
      process.stdout.write(`REFUSED: the chain does not verify at seq ${chain.first_bad_seq}: ${chain.reason}; nothing was logged\n`);
      return EXIT.REJECT;
    }
    const before = await store.logSize();
    let state = await store.catchUpLog();
    while (state.unlogged > 0) state = await store.catchUpLog();
    const c = await store.latestCheckpoint();
    process.stdout.write(`OK: ${chain.checked} records verified; ${state.size - before} newly logged, log size ${state.size} (origin ${key.origin})\n`);
    if (c) process.stdout.write(c.note);
    return EXIT.OK;
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
  // A holder, not a `let`: the listener sets it between awaits, where narrowing cannot see.
  const output: { error: NodeJS.ErrnoException | null } = { error: null };
  const onError = (e: NodeJS.ErrnoException) => {
    output.error = e;
  };
  process.stdout.on('error', onError);
  try {
    for await (const line of exportJsonl(store, from)) {
      if (output.error) break;
      // Honour backpressure so a large chain piped into a slow consumer is not buffered whole.
      if (!process.stdout.write(line)) await once(process.stdout, 'drain').catch(() => undefined);
    }
  } finally {
    process.stdout.off('error', onError);
    await store.close();
  }
  const err = output.error;
  if (err && err.code !== 'EPIPE') {
    process.stderr.write(`airlock audit export: cannot write: ${err.message}\n`);
    return EXIT.ENVIRONMENT;
  }
  return 0;
}
