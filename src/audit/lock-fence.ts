/**
 * The fence between a dataset lock and the append it protects. Across replicas, differencing
 * is sound only if the history a decision was checked against is still the whole history
 * when the decision is recorded: the dataset lock (a PostgreSQL session lock) must still be
 * held at commit. A session lock is lost silently when its connection dies (failover,
 * `pg_terminate_backend`), and another replica may take it at once; so the store checks the
 * fence inside the append transaction, while it holds the chain lock, and a fenced record
 * whose lock is gone is not written (`STORE_UNAVAILABLE`, nothing half-written).
 *
 * The fence travels with the async context of the locked work (an `AsyncLocalStorage`), so
 * the pipeline in between need not know about it: whatever the work appends, the append
 * carries the fence.
 *
 * @example
 * await runFenced(fence, () => differenceAndRecord()); // store.append() inside sees `fence`
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** A held lock, as the store can check it in SQL. */
export interface LockFence {
  /**
   * A random 64-bit advisory-lock key (decimal) that only the lock's session holds, taken
   * together with the dataset lock: while a lock in `pg_locks` has this key, the session —
   * and so the dataset lock — is alive. Unlike a backend pid it is never reused.
   */
  readonly token: string;
  /** True once the lock's connection has reported an error or ended: fail without asking the database. */
  lost(): boolean;
}

const current = new AsyncLocalStorage<LockFence>();

/**
 * Runs `fn` with `fence` as the fence of every append it makes.
 *
 * @example await runFenced(fence, () => store.append(input));
 */
export function runFenced<T>(fence: LockFence, fn: () => Promise<T>): Promise<T> {
  return current.run(fence, fn);
}

/**
 * The fence of the work running now, if it runs under a dataset lock.
 *
 * @example const fence = currentFence(); if (fence?.lost()) throw …
 */
export function currentFence(): LockFence | undefined {
  return current.getStore();
}

/**
 * SQL (for the store's append transaction) that returns, for `$1` (a `text[]` of fence
 * tokens), the tokens whose advisory lock is held in this database: `SELECT token …`.
 *
 * A bigint advisory key k shows in `pg_locks` as classid = k >> 32, objid = k & 0xffffffff,
 * objsubid = 1.
 *
 * @example const { rows } = await client.query(HELD_FENCES_SQL, [['123', '-456']]);
 */
export const HELD_FENCES_SQL = `
  SELECT f.token FROM unnest($1::text[]) AS f(token)
  WHERE EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid = ((f.token::bigint >> 32) & 4294967295)::oid
      AND l.objid = (f.token::bigint & 4294967295)::oid
  )`;
