/**
 * The `failover` figure: the failover scenario of `test/server/failover.test.ts`, longer —
 * two `airlock serve` replicas on a PostgreSQL database of their own, under load from four
 * request loops each, through ten rounds of `pg_terminate_backend` on every backend and then
 * a 10 s outage in which the database refuses connections (see
 * `test/helpers/failover-scenario.ts`). Needs the test PostgreSQL (`AIRLOCK_TEST_DATABASE_URL`,
 * default postgres://postgres@127.0.0.1:5432/test, a role that may create databases).
 *
 * @example const f = await measureFailover({ quick: false, log: console.error });
 */
import { runFailover, type FailoverResult } from '../test/helpers/failover-scenario.js';

export interface Failover extends Omit<FailoverResult, 'lost'> {
  /** Acknowledged decisions not found in the store (count). */
  lost: number;
  terminations: number;
  /** Decisions acknowledged per second over the whole run, outage included. */
  ackPerS: number;
}

export async function measureFailover(opts: { quick: boolean; log: (line: string) => void }): Promise<Failover> {
  const terminations = opts.quick ? 3 : 10;
  const r = await runFailover({
    replicas: 2,
    workersPerReplica: 4,
    terminations,
    progress: opts.quick ? 10 : 25,
    outageMs: opts.quick ? 3000 : 10_000,
    after: opts.quick ? 10 : 50,
    log: (line) => opts.log(`failover: ${line}`),
  });
  return { ...r, lost: r.lost.length, terminations, ackPerS: r.acknowledged / r.seconds };
}
