/**
 * A lock shared by every airlock instance on one PostgreSQL database, per project and
 * dataset: held from the differencing lookup until the decision is recorded, so two replicas
 * cannot each release a table against a history that lacks the other's (the in-process
 * serialiser only covers one process). It is a session-level advisory lock on a connection of
 * its own small pool, so lock holders never take the connections appends need (no deadlock
 * however many datasets are busy at once).
 *
 * A session lock dies with its connection (failover, restart, `pg_terminate_backend`), and
 * then another replica can take it while this one still works under it. So:
 * - the connection's `error` is handled (an unhandled one would end the process) and marks
 *   the lock lost;
 * - with the dataset lock the session takes a random fence key, and every append made under
 *   the lock carries that fence (`lock-fence.ts`): the store writes it only if the fence key
 *   is still held, checked inside the append transaction under the chain lock — a lost lock
 *   fails the request closed (`STORE_UNAVAILABLE`), never a release decided against a
 *   history read under a lock that was lost;
 * - once it holds the dataset lock, a session waits for any append transaction in progress
 *   (a shared lock on the chain, released at once) before the history is read, so an append
 *   that passed its fence check just before the previous holder's session died is visible.
 *
 * @example
 * const lock = postgresDatasetLock({ connectionString, schema: 'airlock' });
 * await lock.exclusive(JSON.stringify(['p1', 'cohort']), () => differenceAndRecord());
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import { AirlockError } from '../errors.js';
import { runFenced } from './lock-fence.js';
import { resilientPool } from './pg-pool.js';
import { chainLockName } from './postgres-store.js';

export interface DatasetLock {
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatasetLockOptions {
  connectionString: string;
  schema: string;
  poolMax?: number;
  logger?: Logger;
  /** `application_name` of its connections (default `airlock-lock`). */
  applicationName?: string;
}

export function postgresDatasetLock(options: DatasetLockOptions): DatasetLock {
  /** What to do when a checked-out client's connection fails: mark its lock lost. */
  const onLost = new WeakMap<pg.PoolClient, () => void>();
  const pool = resilientPool(
    { connectionString: options.connectionString, max: options.poolMax ?? 8, connectionTimeoutMillis: 5000, application_name: options.applicationName ?? 'airlock-lock' },
    { name: 'dataset-lock', logger: options.logger, onClientError: (client) => onLost.get(client)?.() },
  );
  const chainLock = chainLockName(options.schema);
  return {
    async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      const lockKey = `airlock:dataset:${options.schema}:${key}`;
      try {
        client = await pool.connect();
      } catch {
        throw new AirlockError('STORE_UNAVAILABLE', 'the audit database cannot be reached to serialise differencing');
      }
      // A holder, not a `let`: the pool's error handler sets it while `fn` runs, where
      // narrowing cannot see.
      const session = { lost: false };
      onLost.set(client, () => {
        session.lost = true;
      });
      const token = randomBytes(8).readBigInt64BE().toString();
      try {
        await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0)), pg_advisory_lock($2::bigint)', [lockKey, token]);
        // The barrier: wait out an append transaction in progress (see the module comment).
        await client.query('SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))', [chainLock]);
      } catch {
        onLost.delete(client);
        // Closing the session releases whatever it took.
        client.release(true);
        throw new AirlockError('STORE_UNAVAILABLE', 'the differencing lock could not be taken');
      }
      try {
        return await runFenced({ token, lost: () => session.lost }, fn);
      } finally {
        onLost.delete(client);
        if (session.lost) client.release(true);
        else {
          // A connection whose unlock failed is destroyed: closing the session releases the locks.
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0)), pg_advisory_unlock($2::bigint)', [lockKey, token]).then(
            () => client.release(),
            () => client.release(true),
          );
        }
      }
    },
    close: () => pool.end().catch(() => undefined),
  };
}
