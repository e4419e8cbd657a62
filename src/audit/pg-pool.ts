/**
 * A `pg.Pool` that survives its connections dying. node-postgres emits `error` on a client
 * whose connection ends (a failover or restart terminates every backend with 57P01, a network
 * partition drops the socket); the pool listens only while a client is idle and removes its
 * listener while the client is checked out, so an error on a checked-out client with no
 * listener of its own — the dataset-lock client held across a request, the append client
 * between two queries — is an uncaught exception that ends the process.
 *
 * Here every client gets a listener for its whole life, the moment the pool creates it
 * (`connect` fires once per physical connection), and the pool's own `error` (idle clients)
 * is handled too. A dead client is not reused: the query in flight rejects, its holder
 * releases it with `release(true)`, and the pool opens a fresh connection for the next
 * checkout, so service resumes as soon as the database accepts connections again.
 *
 * @example
 * const pool = resilientPool({ connectionString, max: 10 }, { logger, name: 'audit' });
 * const { rows } = await pool.query('SELECT 1');
 */
import pg from 'pg';
import type { Logger } from 'pino';

export interface PoolErrorOptions {
  /** Where lost connections are reported (code and message only; never a query or its values). */
  logger?: Pick<Logger, 'warn'> | undefined;
  /** Which pool, in the log line (`audit`, `dataset-lock`). */
  name: string;
  /** Called with each client's connection error, after it is logged (the dataset lock marks its lock lost). */
  onClientError?: ((client: pg.PoolClient, error: Error) => void) | undefined;
}

/**
 * What a connection error is called in logs and problem details: its SQLSTATE when the
 * server sent one (`57P01` administrator command, `57P03` cannot connect now, `3D000` …),
 * otherwise `connection_lost`.
 *
 * @example pgErrorCode({ code: '57P01' }) // '57P01'
 */
export function pgErrorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : 'connection_lost';
}

/**
 * A pool whose idle and checked-out clients all handle `error`.
 *
 * @example const pool = resilientPool({ connectionString: 'postgres://postgres@127.0.0.1/test' }, { name: 'audit' });
 */
export function resilientPool(config: pg.PoolConfig, opts: PoolErrorOptions): pg.Pool {
  const pool = new pg.Pool(config);
  const report = (e: Error) => opts.logger?.warn({ pool: opts.name, pg_code: pgErrorCode(e) }, 'PostgreSQL connection lost; the pool opens a new one on next use');
  // Idle clients: pg-pool removes them and re-emits here.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', (e: Error) => {
      report(e);
      opts.onClientError?.(client, e);
    });
  });
  return pool;
}
