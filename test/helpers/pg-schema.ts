/**
 * The test PostgreSQL (127.0.0.1:5432, database `test`, trust auth) and throwaway schemas: each
 * test file makes its own uniquely named schemas and drops them when done.
 *
 * @example
 * const schema = uniqueSchema('audit');
 * const store = await openPostgresStore({ connectionString: PG_URL, schema });
 * await dropSchema(schema);
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env.AIRLOCK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name no other test uses. */
export function uniqueSchema(prefix: string): string {
  return `t_${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Drops a schema and everything in it (in the test database, or the one `url` names). */
export async function dropSchema(schema: string, url = PG_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
