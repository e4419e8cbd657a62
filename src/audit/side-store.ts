/**
 * Side tables: working state that lives beside the audit chain in the same database but is not
 * part of it — console sessions, sign-in attempts, outputs kept for checkers to preview. Unlike
 * the chain they are updated and deleted, so they never share its tables or its append-only
 * triggers. With PostgreSQL they are tables in the audit schema (every replica sees every
 * session: no in-process state); with SQLite, a second file beside the audit file
 * (`console.sqlite`), since one instance owns the data directory.
 *
 * SQL is written once with PostgreSQL's `$n` placeholders; for SQLite they are rewritten to
 * positional `?`. Table names are written `{name}` and qualified with the schema.
 *
 * @example
 * const db = await openSideStore({ dataDir, databaseUrl: null, schema: 'airlock', tables: ['CREATE TABLE IF NOT EXISTS {kv} (k TEXT PRIMARY KEY, v TEXT)'] });
 * await db.run('INSERT INTO {kv} (k, v) VALUES ($1, $2)', ['a', 'b']);
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { storeError } from './record-rows.js';

export interface SideStore {
  readonly backend: 'sqlite' | 'postgres';
  /** Runs a statement; resolves with the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs a query; resolves with its rows. */
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface SideStoreOptions {
  dataDir: string;
  databaseUrl?: string | null;
  schema?: string;
  /** `CREATE TABLE IF NOT EXISTS {name} …` / `CREATE INDEX IF NOT EXISTS …` statements, run at open. */
  tables: readonly string[];
  /** SQLite file name in `dataDir`. */
  fileName?: string;
}

/** The SQLite file side tables live in. */
export const SIDE_SQLITE_FILE = 'console.sqlite';

function qualify(sql: string, schema: string | null): string {
  return sql.replace(/\{([a-z_]+)\}/g, (_m, name: string) => (schema ? `"${schema}".${name}` : name));
}

/** `$1 … $n` → `?` with the parameters reordered to match (a `$n` may repeat). */
export function positional(sql: string, params: readonly unknown[]): { sql: string; params: unknown[] } {
  const out: unknown[] = [];
  const text = sql.replace(/\$(\d+)/g, (_m, n: string) => {
    out.push(params[Number(n) - 1]);
    return '?';
  });
  return { sql: text, params: out };
}

/**
 * Opens the side tables in the audit store's database (creating them when missing). Throws
 * `STORE_UNAVAILABLE` when the database cannot be reached.
 *
 * @example const db = await openSideStore({ dataDir: './data', tables });
 */
export async function openSideStore(options: SideStoreOptions): Promise<SideStore> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.schema ?? 'airlock', options.tables);
  const path = join(options.dataDir, options.fileName ?? SIDE_SQLITE_FILE);
  let db: Database.Database;
  try {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    db = new Database(path);
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    for (const t of options.tables) db.exec(qualify(t, null));
  } catch (e) {
    throw storeError(e, `open ${path}`);
  }
  const cache = new Map<string, Database.Statement>();
  const stmt = (sql: string): Database.Statement => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  return {
    backend: 'sqlite',
    async run(sql, params = []) {
      const p = positional(qualify(sql, null), params);
      try {
        return stmt(p.sql).run(...p.params).changes;
      } catch (e) {
        throw storeError(e, 'write console state');
      }
    },
    async all<T>(sql: string, params: readonly unknown[] = []) {
      const p = positional(qualify(sql, null), params);
      try {
        return stmt(p.sql).all(...p.params) as T[];
      } catch (e) {
        throw storeError(e, 'read console state');
      }
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

async function openPostgres(connectionString: string, schema: string, tables: readonly string[]): Promise<SideStore> {
  const pool = new pg.Pool({ connectionString, max: 4, connectionTimeoutMillis: 5000, statement_timeout: 30_000, application_name: 'airlock-console' });
  // A pooled connection that dies while idle must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const client = await pool.connect().catch((e: unknown) => {
    throw storeError(e, 'open the console tables');
  });
  client.on('error', () => undefined);
  try {
    await client.query('BEGIN');
    // Replicas starting together create the tables once.
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`airlock:console:migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    for (const t of tables) await client.query(qualify(t, schema));
    await client.query('COMMIT');
    client.release();
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(true);
    await pool.end().catch(() => undefined);
    throw storeError(e, 'create the console tables');
  }
  return {
    backend: 'postgres',
    async run(sql, params = []) {
      try {
        return (await pool.query(qualify(sql, schema), [...params])).rowCount ?? 0;
      } catch (e) {
        throw storeError(e, 'write console state');
      }
    },
    async all<T>(sql: string, params: readonly unknown[] = []) {
      try {
        return (await pool.query(qualify(sql, schema), [...params])).rows as T[];
      } catch (e) {
        throw storeError(e, 'read console state');
      }
    },
    async close() {
      await pool.end().catch(() => undefined);
    },
  };
}
