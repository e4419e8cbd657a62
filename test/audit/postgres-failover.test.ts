/**
 * Connections dying under the PostgreSQL store and the dataset lock (issue 13, finding 2):
 * each case kills a backend at one precise moment — found through `pg_locks`, never by
 * waiting a while — and checks that the process survives, the request fails closed with
 * `STORE_UNAVAILABLE` and nothing half-written, and the next request works on a fresh
 * connection. A lost dataset lock must never let a decision be recorded against the history
 * read under it.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditStore } from '../../src/audit/audit-store.js';
import { runFenced } from '../../src/audit/lock-fence.js';
import { postgresDatasetLock, type DatasetLock } from '../../src/audit/postgres-dataset-lock.js';
import { chainLockName, openPostgresStore } from '../../src/audit/postgres-store.js';
import { verifyAudit } from '../../src/audit/verify-chain.js';
import { publicJwks, type Jwks } from '../../src/signing/jwks.js';
import type { SigningKey } from '../../src/signing/signing-keys.js';
import { PG_URL, dropSchema, uniqueSchema } from '../helpers/pg-schema.js';
import { signedAppend, testSigningKey } from '../helpers/sample-decision.js';

let key: SigningKey;
let jwks: Jwks;
let admin: pg.Client;
let store: AuditStore;
let lock: DatasetLock;
const schema = uniqueSchema('failover');
/** This file's connections, told apart from every other test's in `pg_stat_activity`. */
const appName = `airlock-${schema}`;
let n = 0;
const next = () => signedAppend(key, ++n);

beforeAll(async () => {
  key = await testSigningKey();
  jwks = publicJwks([key]);
  admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  store = await openPostgresStore({ connectionString: PG_URL, schema, applicationName: appName });
  lock = postgresDatasetLock({ connectionString: PG_URL, schema, applicationName: `${appName}-lock` });
});

afterAll(async () => {
  await lock?.close();
  await store?.close();
  await admin?.end();
  await dropSchema(schema);
});

/** Pids of sessions holding (or, with `granted` false, waiting for) an advisory lock named `name`. */
async function advisoryHolders(name: string, granted = true): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    `SELECT l.pid FROM pg_locks l, (SELECT hashtextextended($1, 0) AS k) h
     WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted = $2
       AND l.classid = ((h.k >> 32) & 4294967295)::oid AND l.objid = (h.k & 4294967295)::oid`,
    [name, granted],
  );
  return rows.map((r) => r.pid);
}

/** Polls (each poll a query, no sleep) until `probe` returns a non-empty list. */
async function eventually<T>(probe: () => Promise<T[]>): Promise<T[]> {
  for (;;) {
    const found = await probe();
    if (found.length > 0) return found;
    await admin.query('SELECT pg_sleep(0.01)');
  }
}

const terminate = (pid: number) => admin.query('SELECT pg_terminate_backend($1)', [pid]);
const datasetLockName = (k: string) => `airlock:dataset:${schema}:${k}`;
const records = async () => (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".records`)).rows[0]!.n;

describe('the dataset lock losing its connection', () => {
  it('while the work runs: the process survives and the append under the lost lock is refused, nothing written', async () => {
    const before = await records();
    const outcome = lock.exclusive('["p1","cohort"]', async () => {
      const [pid] = await advisoryHolders(datasetLockName('["p1","cohort"]'));
      await terminate(pid!);
      // Wait until the server has really ended the session (its locks are gone).
      while ((await advisoryHolders(datasetLockName('["p1","cohort"]'))).length > 0) await admin.query('SELECT pg_sleep(0.01)');
      return store.append(await next());
    });
    await expect(outcome).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/differencing lock was lost/) });
    expect(await records()).toBe(before);
  });

  it('after it: the same key is taken again on a fresh connection and the append goes through', async () => {
    const ref = await lock.exclusive('["p1","cohort"]', async () => store.append(await next()));
    expect(ref.seq).toBe((await records()));
    expect(await verifyAudit(store, jwks)).toMatchObject({ ok: true });
  });

  it('an append whose fence is not held in the database is refused inside the transaction', async () => {
    const before = await records();
    // A fence token no session holds: what the store sees when the lock died after the local flag was read.
    await expect(runFenced({ token: '1234567890123', lost: () => false }, async () => store.append(await next()))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await records()).toBe(before);
  });

  it('an append batched with a refused one still commits, at the next seq', async () => {
    const before = await records();
    const [refused, kept] = await Promise.allSettled([
      runFenced({ token: '987654321', lost: () => false }, async () => store.append(await next())),
      store.append(await next()),
    ]);
    expect(refused.status).toBe('rejected');
    expect(kept).toMatchObject({ status: 'fulfilled', value: { seq: before + 1 } });
    expect(await verifyAudit(store, jwks)).toMatchObject({ ok: true, checked: before + 1 });
  });

  it('a new holder reads the history only after an append transaction in progress has ended (the barrier)', async () => {
    // Another instance's append transaction holds the chain lock.
    const appender = new pg.Client({ connectionString: PG_URL });
    await appender.connect();
    await appender.query('BEGIN');
    await appender.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [chainLockName(schema)]);
    let ran = false;
    const work = lock.exclusive('["p1","barrier"]', async () => {
      ran = true;
    });
    // The lock session is waiting on the chain lock, having taken the dataset lock.
    await eventually(() => advisoryHolders(chainLockName(schema), false));
    expect(await advisoryHolders(datasetLockName('["p1","barrier"]'))).toHaveLength(1);
    expect(ran).toBe(false);
    await appender.query('COMMIT');
    await work;
    expect(ran).toBe(true);
    await appender.end();
  });
});

describe('the append connection dying inside its transaction', () => {
  it('answers STORE_UNAVAILABLE, writes nothing, and the next append uses a new connection', async () => {
    const before = await records();
    const holder = new pg.Client({ connectionString: PG_URL });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [chainLockName(schema)]);
    const pending = store.append(await next());
    // The append transaction is open and waiting for the chain lock: kill its backend there.
    const [pid] = await eventually(() => advisoryHolders(chainLockName(schema), false));
    await terminate(pid!);
    await expect(pending).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await holder.query('ROLLBACK');
    await holder.end();
    expect(await records()).toBe(before);
    expect(await store.append(await next())).toMatchObject({ seq: before + 1 });
    expect(await verifyAudit(store, jwks)).toMatchObject({ ok: true, checked: before + 1 });
  });

  it('idle pooled connections terminated between requests are replaced transparently', async () => {
    const before = await records();
    const { rows } = await admin.query<{ n: number }>('SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name IN ($1, $2)', [appName, `${appName}-lock`]);
    expect(rows[0]!.n).toBeGreaterThan(0);
    // Each pooled client learns of its death when it is next used: that use fails, the pool discards it.
    for (let i = 0; i < 12; i++) await store.ping();
    expect(await store.ping()).toBe(true);
    expect(await lock.exclusive('["p1","again"]', async () => store.append(await next()))).toMatchObject({ seq: before + 1 });
  });
});
