/**
 * A lock shared by every airlock instance on one PostgreSQL database, per project and
 * dataset: held from the differencing lookup until the decision is recorded, so two replicas
 * cannot each release a table against a history that lacks the other's (the in-process
 * serialiser only covers one process). It is a session-level advisory lock on a connection of
 * its own small pool, so lock holders never take the connections appends need (no deadlock
 * however many datasets are busy at once).
 *
 * @example
 * const lock = postgresDatasetLock({ connectionString, schema: 'airlock' });
 * await lock.exclusive(JSON.stringify(['p1', 'cohort']), () => differenceAndRecord());
 */
import pg from 'pg';
import { AirlockError } from '../errors.js';

export interface DatasetLock {
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function postgresDatasetLock(options: { connectionString: string; schema: string; poolMax?: number }): DatasetLock {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolMax ?? 8, connectionTimeoutMillis: 5000, application_name: 'airlock-lock' });
  pool.on('error', () => undefined);
  return {
    async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      const lockKey = `airlock:dataset:${options.schema}:${key}`;
      try {
        client = await pool.connect();
      } catch {
        throw new AirlockError('STORE_UNAVAILABLE', 'the audit database cannot be reached to serialise differencing');
      }
      let locked = false;
      try {
        await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [lockKey]);
        locked = true;
      } catch {
        client.release(true);
        throw new AirlockError('STORE_UNAVAILABLE', 'the differencing lock could not be taken');
      }
      try {
        return await fn();
      } finally {
        if (locked) {
          // A connection whose unlock failed is destroyed: closing the session releases the lock.
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]).then(
            () => client.release(),
            () => client.release(true),
          );
        }
      }
    },
    close: () => pool.end().catch(() => undefined),
  };
}
