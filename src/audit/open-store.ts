/**
 * Picks the audit store from configuration: PostgreSQL when a database URL is given (several
 * instances, one chain), otherwise the embedded SQLite file under the data directory.
 *
 * @example
 * const store = await openStore({ dataDir: config.dataDir, databaseUrl: process.env.DATABASE_URL });
 * log.info({ backend: store.backend }, 'audit store open');
 */
import type { Logger } from 'pino';
import type { AuditStore } from './audit-store.js';
import type { LogSignerConfig } from './transparency-log.js';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';

export interface OpenStoreOptions {
  /** `AIRLOCK_DATA_DIR`: where the SQLite file lives. */
  dataDir: string;
  /** `DATABASE_URL`: use PostgreSQL when set (non-empty). */
  databaseUrl?: string | null;
  /** PostgreSQL schema (default `airlock`). */
  schema?: string;
  /** Where lost database connections are reported (PostgreSQL). */
  logger?: Logger;
  /** The transparency log key (entries and checkpoints are signed with it). */
  log?: LogSignerConfig | null;
  /** Called with each signed checkpoint after its batch committed (witnesses). */
  onCheckpoint?: (note: string) => void;
}

/**
 * Opens and migrates the configured store; throws `STORE_UNAVAILABLE` when it cannot.
 *
 * @example const store = await openStore({ dataDir: './data' }); store.backend // 'sqlite'
 */
export async function openStore(options: OpenStoreOptions): Promise<AuditStore> {
  if (options.databaseUrl) {
    return openPostgresStore({
      connectionString: options.databaseUrl,
      ...(options.schema ? { schema: options.schema } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      log: options.log ?? null,
      ...(options.onCheckpoint ? { onCheckpoint: options.onCheckpoint } : {}),
    });
  }
  return openSqliteStore({ dataDir: options.dataDir, log: options.log ?? null, ...(options.onCheckpoint ? { onCheckpoint: options.onCheckpoint } : {}) });
}
