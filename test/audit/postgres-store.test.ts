import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/audit/open-store.js';
import { openPostgresStore, postgresMigrations } from '../../src/audit/postgres-store.js';
import { verifyAudit } from '../../src/audit/verify-chain.js';
import { publicJwks, type Jwks } from '../../src/signing/jwks.js';
import type { SigningKey } from '../../src/signing/signing-keys.js';
import { signedAppend, testSigningKey } from '../helpers/sample-decision.js';
import { PG_URL, dropSchema, uniqueSchema } from '../helpers/pg-schema.js';
import { storeContract, type StoreFixture } from './store-contract.js';

const schemas: string[] = [];
function schemaForTest(): string {
  const s = uniqueSchema('audit');
  schemas.push(s);
  return s;
}

afterAll(async () => {
  for (const s of schemas) await dropSchema(s);
});

async function rawClient(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  return c;
}

async function pgFixture(): Promise<StoreFixture> {
  const schema = schemaForTest();
  const store = await openPostgresStore({ connectionString: PG_URL, schema });
  const raw = await rawClient();
  return {
    store,
    sql: async (q) => {
      await raw.query(q.replace(/\{(\w+)\}/g, `"${schema}".$1`));
    },
    disableGuards: async () => {
      for (const t of ['records', 'released_tables', 'rulesets']) await raw.query(`ALTER TABLE "${schema}".${t} DISABLE TRIGGER ALL`);
    },
    dispose: async () => {
      await raw.end();
    },
    failRecordInsert: async (decisionId) => {
      const s = `"${schema}"`;
      await raw.query(`CREATE FUNCTION ${s}.fail_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$;
        CREATE TRIGGER fail_insert BEFORE INSERT ON ${s}.records FOR EACH ROW WHEN (NEW.decision_id = '${decisionId}') EXECUTE FUNCTION ${s}.fail_insert();`);
      return async () => {
        await raw.query(`DROP TRIGGER fail_insert ON ${s}.records; DROP FUNCTION ${s}.fail_insert();`);
      };
    },
  };
}

storeContract('PostgreSQL', pgFixture);

interface WorkerResult {
  seqs?: number[];
  error?: string;
}

function startWorker(args: string[]): { child: ChildProcess; ready: Promise<void>; done: Promise<WorkerResult> } {
  const child = fork(fileURLToPath(new URL('./fixtures/pg-append-worker.ts', import.meta.url)), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const done = new Promise<WorkerResult>((resolve, reject) => {
    child.on('message', (m: WorkerResult & { ready?: boolean }) => (m.ready ? onReady() : resolve(m)));
    child.on('exit', (code) => reject(new Error(`worker exited with ${code} before reporting`)));
  });
  return { child, ready, done };
}

describe('PostgreSQL audit store specifics', () => {
  let key: SigningKey;
  let jwks: Jwks;
  beforeAll(async () => {
    key = await testSigningKey();
    jwks = publicJwks([key]);
  });

  it('two separate processes appending at once keep one gapless, verifying chain', async () => {
    const schema = schemaForTest();
    const perWorker = 100;
    const workers = ['alpha', 'beta'].map((w) => startWorker([PG_URL, schema, key.source, w, String(perWorker)]));
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.send('go');
    const results = await Promise.all(workers.map((w) => w.done));
    for (const r of results) expect(r.error).toBeUndefined();
    const all = results.flatMap((r) => r.seqs!).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 2 * perWorker }, (_, i) => i + 1));
    for (const r of results) expect(r.seqs).toEqual([...r.seqs!].sort((a, b) => a - b));
    const store = await openPostgresStore({ connectionString: PG_URL, schema });
    expect(await verifyAudit(store, jwks)).toMatchObject({ ok: true, checked: 2 * perWorker });
    expect((await store.list({ requester: 'beta' }, { limit: 1000 })).items).toHaveLength(perWorker);
    const raw = await rawClient();
    const { rows } = await raw.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
    await raw.end();
    expect(rows).toEqual(postgresMigrations(schema).map(({ version }) => ({ version })));
    await store.close();
  });

  it('several instances opening a fresh schema at once migrate it once', async () => {
    const schema = schemaForTest();
    const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore({ connectionString: PG_URL, schema, poolMax: 1 })));
    const refs = await Promise.all(stores.map(async (s, i) => s.append(await signedAppend(key, i + 1))));
    expect(refs.map((r) => r.seq).sort()).toEqual([1, 2, 3, 4]);
    expect((await verifyAudit(stores[0]!, jwks)).ok).toBe(true);
    for (const s of stores) await s.close();
  });

  it('openStore picks PostgreSQL for a database URL', async () => {
    const store = await openStore({ dataDir: '/nonexistent', databaseUrl: PG_URL, schema: schemaForTest() });
    expect(store.backend).toBe('postgres');
    expect(await store.ping()).toBe(true);
    await store.close();
  });

  it('a closed port: STORE_UNAVAILABLE at open', async () => {
    await expect(openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', schema: schemaForTest() })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringMatching(/ECONNREFUSED/),
    });
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(openPostgresStore({ connectionString: PG_URL, schema: 'a"; DROP TABLE x; --' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('a failure mid-append rolls back: STORE_UNAVAILABLE, no record, and the chain continues', async () => {
    const schema = schemaForTest();
    const store = await openPostgresStore({ connectionString: PG_URL, schema });
    await store.append(await signedAppend(key, 1));
    const raw = await rawClient();
    // The record row insert succeeds, the released-table insert then fails.
    await raw.query(`ALTER TABLE "${schema}".released_tables RENAME TO released_tables_away`);
    await expect(store.append(await signedAppend(key, 2))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/42P01/) });
    await raw.query(`ALTER TABLE "${schema}".released_tables_away RENAME TO released_tables`);
    const { rows } = await raw.query(`SELECT count(*)::int AS n FROM "${schema}".records`);
    expect(rows[0].n).toBe(1);
    await raw.end();
    expect(await store.append(await signedAppend(key, 3))).toMatchObject({ seq: 2 });
    expect(await verifyAudit(store, jwks)).toMatchObject({ ok: true, checked: 2 });
    await store.close();
  });

  it('an instance stuck holding the chain lock: STORE_UNAVAILABLE after the statement timeout, then the chain continues', async () => {
    const schema = schemaForTest();
    const store = await openPostgresStore({ connectionString: PG_URL, schema });
    const impatient = await openPostgresStore({ connectionString: PG_URL, schema, statementTimeoutMs: 100 });
    await store.append(await signedAppend(key, 1));
    const stuck = await rawClient();
    await stuck.query('BEGIN');
    await stuck.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`airlock:audit:append:${schema}`]);
    await expect(impatient.append(await signedAppend(key, 2))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/57014/) });
    await stuck.query('ROLLBACK');
    await stuck.end();
    await impatient.close();
    expect(await store.append(await signedAppend(key, 3))).toMatchObject({ seq: 2 });
    expect(await verifyAudit(store, jwks)).toMatchObject({ ok: true, checked: 2 });
    await store.close();
  });

  it('refuses TRUNCATE', async () => {
    const schema = schemaForTest();
    const store = await openPostgresStore({ connectionString: PG_URL, schema });
    await store.append(await signedAppend(key, 1));
    const raw = await rawClient();
    await expect(raw.query(`TRUNCATE "${schema}".released_tables, "${schema}".evidence, "${schema}".history_entries, "${schema}".unit_dictionary, "${schema}".records`)).rejects.toThrow(/append-only/);
    await raw.end();
    await store.close();
  });

});
