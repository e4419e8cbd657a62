import { closeSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/audit/open-store.js';
import { SQLITE_FILE, openSqliteStore, SQLITE_MIGRATIONS } from '../../src/audit/sqlite-store.js';
import { verifyAudit } from '../../src/audit/verify-chain.js';
import { publicJwks, type Jwks } from '../../src/signing/jwks.js';
import type { SigningKey } from '../../src/signing/signing-keys.js';
import { signedAppend, testSigningKey } from '../helpers/sample-decision.js';
import { storeContract, type StoreFixture } from './store-contract.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const tmp = tempDirs('airlock-sqlite-');
const TRIGGERS = ['records', 'released_tables', 'rulesets'].flatMap((t) => [`${t}_no_update`, `${t}_no_delete`]);

async function sqliteFixture(dataDir = tmp()): Promise<StoreFixture> {
  const store = await openSqliteStore({ dataDir });
  const raw = new Database(join(dataDir, SQLITE_FILE));
  return {
    store,
    sql: async (q) => {
      raw.exec(q.replace(/\{(\w+)\}/g, '$1'));
    },
    disableGuards: async () => {
      for (const t of TRIGGERS) raw.exec(`DROP TRIGGER ${t}`);
    },
    dispose: async () => {
      raw.close();
    },
    failRecordInsert: async (decisionId) => {
      raw.exec(`CREATE TRIGGER fail_insert BEFORE INSERT ON records WHEN NEW.decision_id = '${decisionId}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
      return async () => {
        raw.exec('DROP TRIGGER fail_insert');
      };
    },
  };
}

storeContract('SQLite', () => sqliteFixture());

describe('SQLite audit store specifics', () => {
  let key: SigningKey;
  let jwks: Jwks;
  beforeAll(async () => {
    key = await testSigningKey();
    jwks = publicJwks([key]);
  });

  it('uses WAL, applies each migration once, and reopens to continue the chain', async () => {
    const dataDir = tmp();
    const a = await openSqliteStore({ dataDir });
    const first = await a.append(await signedAppend(key, 1));
    await a.close();
    const b = await openSqliteStore({ dataDir });
    expect(await b.append(await signedAppend(key, 2))).toMatchObject({ seq: 2, prev: first.hash });
    await b.close();
    const raw = new Database(join(dataDir, SQLITE_FILE), { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    // Every migration applied once, in order (reopening applied none twice).
    expect(raw.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual(SQLITE_MIGRATIONS.map(({ version, name }) => ({ version, name })));
    raw.close();
  });

  it('openStore picks SQLite without a database URL', async () => {
    const store = await openStore({ dataDir: tmp(), databaseUrl: null });
    expect(store.backend).toBe('sqlite');
    await store.close();
  });

  it('refuses a database whose schema is newer than this code', async () => {
    const dataDir = tmp();
    await (await openSqliteStore({ dataDir })).close();
    const raw = new Database(join(dataDir, SQLITE_FILE));
    raw.prepare("INSERT INTO schema_migrations VALUES (99, 'future', 'x')").run();
    raw.close();
    await expect(openSqliteStore({ dataDir })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/version 99/) });
  });

  it('cannot open under a path that is a file: STORE_UNAVAILABLE', async () => {
    const file = join(tmp(), 'not-a-dir');
    writeFileSync(file, 'x');
    await expect(openSqliteStore({ dataDir: join(file, 'data') })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('a write lock held by another process: STORE_UNAVAILABLE, nothing half-written, and the chain continues after', async () => {
    const dataDir = tmp();
    const store = await openSqliteStore({ dataDir, busyTimeoutMs: 20 });
    await store.append(await signedAppend(key, 1));
    const other = new Database(join(dataDir, SQLITE_FILE));
    other.exec('BEGIN IMMEDIATE');
    await expect(store.append(await signedAppend(key, 2))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/SQLITE_BUSY/) });
    other.exec('ROLLBACK');
    other.close();
    expect(await store.get('d-0002')).toBeNull();
    expect(await store.append(await signedAppend(key, 3))).toMatchObject({ seq: 2 });
    expect(await verifyAudit(store, jwks)).toMatchObject({ ok: true, checked: 2 });
    await store.close();
  });

  it('two stores on one file in one process, appending at once, keep one gapless chain', async () => {
    const dataDir = tmp();
    const [a, b] = [await openSqliteStore({ dataDir }), await openSqliteStore({ dataDir })];
    const inputs = await Promise.all(Array.from({ length: 40 }, (_, i) => signedAppend(key, i + 1)));
    const refs = await Promise.all(inputs.map((input, i) => (i % 2 === 0 ? a : b).append(input)));
    expect(refs.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await verifyAudit(b, jwks)).toMatchObject({ ok: true, checked: 40 });
    await a.close();
    await b.close();
  });

  it('a byte edited in the database file is reported at its seq', async () => {
    const dataDir = tmp();
    const store = await openSqliteStore({ dataDir });
    for (let i = 1; i <= 5; i++) await store.append(await signedAppend(key, i, { requester: `requester-${i}` }));
    await store.close(); // checkpoints the WAL into the main file
    const path = join(dataDir, SQLITE_FILE);
    // The requester inside record 4's decision JSON (the lookup column holds the bare name).
    const needle = Buffer.from('"requester":"requester-4"');
    const at = readFileSync(path).indexOf(needle);
    expect(at).toBeGreaterThan(0);
    const fd = openSync(path, 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, at + needle.length - 2);
    writeSync(fd, Buffer.from([byte[0]! ^ 0x01]), 0, 1, at + needle.length - 2); // 'requester-4' → 'requestes-4'
    closeSync(fd);
    const reopened = await openSqliteStore({ dataDir });
    const r = await verifyAudit(reopened, jwks);
    expect(r).toMatchObject({ ok: false, first_bad_seq: 4, checked: 3 });
    await reopened.close();
  });

});
