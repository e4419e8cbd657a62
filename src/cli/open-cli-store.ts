/**
 * The audit store (and the keys to verify it with) for CLI commands that read an existing
 * audit trail: `--data-dir DIR` / `--database-url URL` / `--schema S` override the same
 * environment the service reads (`AIRLOCK_DATA_DIR`, `DATABASE_URL`, `AIRLOCK_DATABASE_SCHEMA`).
 * Unlike the service, nothing is created: a data directory without an audit database, or a
 * PostgreSQL schema without airlock's tables, is an error rather than a new, empty, trivially
 * "valid" chain; and no development key is generated.
 *
 * @example
 * const { store, config } = await openCliStore({ 'data-dir': './data' });
 * try { … } finally { await store.close(); }
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { AuditStore } from '../audit/audit-store.js';
import { openStore } from '../audit/open-store.js';
import { SQLITE_FILE } from '../audit/sqlite-store.js';
import { loadConfig, type Config } from '../config.js';
import { AirlockError } from '../errors.js';
import { publicJwks, type Jwks } from '../signing/jwks.js';
import { DEV_KEY_FILE, loadSigningKey, loadVerificationKeys } from '../signing/signing-keys.js';
import type { LogSignerConfig } from '../audit/transparency-log.js';
import { ed25519NoteVerifier, parseVerifierKey, type NoteVerifier } from '../lib/signed-note.js';
import { loadLogKey, logOrigin, type LogKey } from '../audit/log-key.js';

/**
 * `parseArgs` output; the store-selecting options read are `data-dir`, `database-url` and `schema`.
 *
 * @example const args: StoreArgs = parseArgs(argv, { ...STORE_FLAGS });
 */
export type StoreArgs = Readonly<Record<string, unknown>>;

/**
 * `parseArgs` flag kinds of the store-selecting options.
 *
 * @example parseArgs(['--data-dir', './data'], { ...STORE_FLAGS, json: 'boolean' })
 */
export const STORE_FLAGS = { 'data-dir': 'string', 'database-url': 'string', schema: 'string' } as const;

/**
 * The configuration the service would have in this environment, with the command's options
 * applied. Throws `CONFIG_INVALID` as the service would.
 *
 * @example cliConfig({ 'data-dir': '/srv/airlock' }).dataDir // '/srv/airlock'
 */
export function cliConfig(args: StoreArgs, env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const over: Record<string, string> = {};
  const dataDir = str(args['data-dir']);
  const databaseUrl = str(args['database-url']);
  const schema = str(args.schema);
  if (dataDir !== undefined) over.AIRLOCK_DATA_DIR = dataDir;
  if (databaseUrl !== undefined) over.DATABASE_URL = databaseUrl;
  // --data-dir alone means "the SQLite store in that directory", even with DATABASE_URL set.
  else if (dataDir !== undefined) over.DATABASE_URL = '';
  if (schema !== undefined) over.AIRLOCK_DATABASE_SCHEMA = schema;
  return loadConfig({ ...env, ...over });
}

async function assertPostgresSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  // A connection dropped between queries is reported by the next query; the event must not end the process.
  client.on('error', () => undefined);
  let exists: boolean;
  try {
    await client.connect();
    const { rows } = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`"${schema}".records`]);
    exists = rows[0]?.t !== null && rows[0]?.t !== undefined;
  } catch (e) {
    const err = new AirlockError('STORE_UNAVAILABLE', `cannot reach PostgreSQL: ${(e as Error).message}`);
    err.cause = e;
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
  if (!exists) throw new AirlockError('CONFIG_INVALID', `PostgreSQL schema "${schema}" holds no airlock audit store`);
}

/**
 * Opens the existing audit store the options (or environment) name. Throws `CONFIG_INVALID`
 * when there is none there, `STORE_UNAVAILABLE` when it cannot be reached.
 *
 * @example const { store } = await openCliStore({ 'database-url': 'postgres://postgres@127.0.0.1/test', schema: 'airlock' });
 */
export async function openCliStore(args: StoreArgs, env: NodeJS.ProcessEnv = process.env, opts: { log?: LogSignerConfig } = {}): Promise<{ store: AuditStore; config: Readonly<Config> }> {
  const config = cliConfig(args, env);
  if (config.databaseUrl) {
    await assertPostgresSchema(config.databaseUrl, config.databaseSchema);
  } else if (!existsSync(join(config.dataDir, SQLITE_FILE))) {
    throw new AirlockError('CONFIG_INVALID', `no audit store in ${config.dataDir} (${SQLITE_FILE} is missing); pass --data-dir or --database-url`);
  }
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, schema: config.databaseSchema, ...(opts.log ? { log: opts.log } : {}) });
  return { store, config };
}

/**
 * The JWKS the service in this configuration publishes, built from its key files without
 * generating anything: `AIRLOCK_SIGNING_KEY_FILE` (or the development key in the data
 * directory) plus `AIRLOCK_VERIFICATION_KEYS`. Throws `CONFIG_INVALID` when no key is found.
 *
 * @example const jwks = await localJwks(cliConfig({ 'data-dir': './data' }));
 */
export async function localJwks(config: Readonly<Pick<Config, 'signingKeyFile' | 'verificationKeys' | 'dataDir'>>): Promise<Jwks> {
  const files: string[] = [];
  if (config.signingKeyFile) files.push(config.signingKeyFile);
  else if (existsSync(resolve(config.dataDir, DEV_KEY_FILE))) files.push(resolve(config.dataDir, DEV_KEY_FILE));
  const keys = files.length ? await loadVerificationKeys(files) : [];
  if (config.verificationKeys) {
    // The same spelling the service accepts: a directory, one file, or a comma-separated list.
    const from = config.verificationKeys.includes(',') ? config.verificationKeys.split(',').map((k) => k.trim()) : config.verificationKeys;
    keys.push(...(await loadVerificationKeys(from)));
  }
  if (keys.length === 0) {
    throw new AirlockError(
      'CONFIG_INVALID',
      `no keys to verify with: no AIRLOCK_SIGNING_KEY_FILE, no ${DEV_KEY_FILE} in ${config.dataDir}, no AIRLOCK_VERIFICATION_KEYS; pass --jwks FILE|URL`,
    );
  }
  return publicJwks(keys);
}

/** The PEM file of the log key in this configuration: AIRLOCK_LOG_KEY_FILE, else the decision key (configured or the dev key), else null. */
function logKeyFileOf(config: Readonly<Pick<Config, 'logKeyFile' | 'signingKeyFile' | 'dataDir'>>): string | null {
  if (config.logKeyFile) return config.logKeyFile;
  if (config.signingKeyFile) return config.signingKeyFile;
  const dev = resolve(config.dataDir, DEV_KEY_FILE);
  return existsSync(dev) ? dev : null;
}

/**
 * The transparency log's verifier: from `--log-key` (a C2SP note verifier key, as
 * `GET /v1/audit/log-key` publishes it) or from the service's own key files; null when there is
 * neither. Never generates a key.
 *
 * @example const v = await localLogVerifier(config, args['log-key']);
 */
export async function localLogVerifier(config: Readonly<Config>, vkey?: unknown): Promise<NoteVerifier | null> {
  if (typeof vkey === 'string') {
    try {
      return parseVerifierKey(vkey);
    } catch (e) {
      throw new AirlockError('CONFIG_INVALID', `--log-key: ${(e as Error).message}`);
    }
  }
  const file = logKeyFileOf(config);
  if (!file) return null;
  const [key] = await loadVerificationKeys([file]);
  return key ? ed25519NoteVerifier(logOrigin(config), key.publicKey) : null;
}

/**
 * The private log key (to sign what `airlock audit migrate` logs). Throws `CONFIG_INVALID` when
 * the configuration has none.
 *
 * @example const key = await localLogKey(config);
 */
export async function localLogKey(config: Readonly<Config>): Promise<LogKey> {
  const file = logKeyFileOf(config);
  if (!file) throw new AirlockError('CONFIG_INVALID', 'no log key: set AIRLOCK_LOG_KEY_FILE or AIRLOCK_SIGNING_KEY_FILE (the private key; the log is signed with it)');
  const key = await loadSigningKey(file);
  return loadLogKey({ file: null, fallback: key, origin: logOrigin(config) });
}
