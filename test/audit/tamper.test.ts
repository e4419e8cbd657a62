/**
 * The tamperings of issue 13 (finding 4), done as an attacker with write access to the store
 * would: directly in the SQLite file or PostgreSQL schema, triggers dropped, and every chain
 * hash recomputed afterwards so the plain hash chain verifies again. Each is then reported by
 * name by `verifyAudit` with the log key — against a checkpoint held elsewhere where that is
 * the only evidence left (tail deletion, a truncated WAL). The chain-only verification is
 * asserted to pass first, so each attack is shown to be one the old chain missed.
 */
import { copyFileSync, existsSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditStore } from '../../src/audit/audit-store.js';
import { GENESIS_PREV, canonicalRecord, chainHash } from '../../src/audit/chain.js';
import { openPostgresStore } from '../../src/audit/postgres-store.js';
import { SQLITE_FILE, openSqliteStore } from '../../src/audit/sqlite-store.js';
import { verifyAudit } from '../../src/audit/verify-chain.js';
import { rulesetLoadRecorder } from '../../src/governance/record-ruleset-load.js';
import { loadRuleset } from '../../src/rules/load-ruleset.js';
import { publicJwks } from '../../src/signing/jwks.js';
import { loadLogKey, type LogKey } from '../../src/audit/log-key.js';
import type { SigningKey } from '../../src/signing/signing-keys.js';
import { PG_URL, dropSchema, uniqueSchema } from '../helpers/pg-schema.js';
import { signedAppend, testSigningKey } from '../helpers/sample-decision.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const tmp = tempDirs('airlock-tamper-');
let key: SigningKey;
let log: LogKey;
const jwks = () => publicJwks([key]);

beforeAll(async () => {
  key = await testSigningKey();
  log = await loadLogKey({ file: null, fallback: key, origin: 'airlock.test/audit' });
});

/** Appends decisions 1…n one at a time (a signed checkpoint per commit); returns the newest checkpoint. */
async function fill(store: AuditStore, from: number, to: number): Promise<string> {
  for (let i = from; i <= to; i++) await store.append(await signedAppend(key, i));
  return (await store.latestCheckpoint())!.note;
}

/** The attacker's last step: every hash and link recomputed from the records as they now are. */
async function recompute(store: AuditStore, write: (seq: number, prev: string, hash: string) => Promise<void>): Promise<void> {
  const records = [];
  for await (const r of store.scan(1)) records.push(r);
  let prev = GENESIS_PREV;
  for (const r of records) {
    const hash = chainHash(prev, canonicalRecord(r));
    await write(r.seq, prev, hash);
    prev = hash;
  }
}

const CHILD_TABLES = ['released_tables', 'evidence', 'history_entries', 'unit_dictionary'];

/** A SQLite store of 10 decisions, the checkpoint an auditor kept, and a raw connection with every trigger dropped. */
async function sqliteVictim(): Promise<{ dir: string; held: string; raw: Database.Database }> {
  const dir = tmp();
  const store = await openSqliteStore({ dataDir: dir, log: log.signer });
  const held = await fill(store, 1, 10);
  await store.close();
  const raw = new Database(join(dir, SQLITE_FILE));
  for (const { name } of raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]) raw.exec(`DROP TRIGGER ${name}`);
  return { dir, held, raw };
}

async function recomputeSqlite(dir: string, raw: Database.Database): Promise<void> {
  const store = await openSqliteStore({ dataDir: dir });
  const upd = raw.prepare('UPDATE records SET prev = ?, hash = ? WHERE seq = ?');
  await recompute(store, async (seq, prev, hash) => void upd.run(prev, hash, seq));
  await store.close();
}

async function verifySqlite(dir: string, held?: string) {
  const store = await openSqliteStore({ dataDir: dir });
  try {
    const chainOnly = await verifyAudit(store, jwks());
    const withLog = await verifyAudit(store, jwks(), { verifier: log.verifier, ...(held ? { checkpoint: held } : {}) });
    return { chainOnly, withLog };
  } finally {
    await store.close();
  }
}

describe('tampering with a SQLite audit store, hashes recomputed', () => {
  it('an untouched store verifies, with and without the held checkpoint', async () => {
    const { dir, held, raw } = await sqliteVictim();
    raw.close();
    const { withLog } = await verifySqlite(dir, held);
    expect(withLog).toMatchObject({ ok: true, checked: 10, log: { size: 10, checkpoint_size: 10, extends: { size: 10 } } });
  });

  it.each([
    ['submitted_by', "UPDATE records SET submitted_by = 'mallory' WHERE seq = 4"],
    ['recorded_at', "UPDATE records SET recorded_at = '2020-01-01T00:00:00.000Z' WHERE seq = 4"],
    ['released cells', "UPDATE released_tables SET cells = replace(cells, '\"count\":', '\"count\":1') WHERE seq = 4"],
  ])('an edited %s is reported as edited at its seq', async (_field, sql) => {
    const { dir, raw } = await sqliteVictim();
    expect(raw.prepare('SELECT count(*) FROM released_tables WHERE seq = 4').pluck().get()).toBeGreaterThan(0);
    expect(raw.prepare(sql).run().changes).toBeGreaterThan(0);
    await recomputeSqlite(dir, raw);
    raw.close();
    const { chainOnly, withLog } = await verifySqlite(dir);
    expect(chainOnly.ok).toBe(true); // the attack the plain chain missed
    expect(withLog).toMatchObject({ ok: false, first_bad_seq: 4, tampering: 'edited', checked: 3 });
    expect(withLog.reason).toMatch(/seq 4 .* was changed after it was logged/);
  });

  it('who loaded a rule set, edited in its load record, is reported as edited at its seq', async () => {
    const dir = tmp();
    const store = await openSqliteStore({ dataDir: dir, log: log.signer });
    await fill(store, 1, 3);
    const loaded = await rulesetLoadRecorder({ store, key, rulesDir: 'rules', floorsFile: null, operator: 'governance@tre' })({ trigger: 'startup', next: loadRuleset('rules'), previous: null, weakens: [] });
    expect(loaded).toMatchObject({ seq: 4, kind: 'ruleset', submitted_by: 'governance@tre' });
    await fill(store, 5, 6);
    await store.close();
    const raw = new Database(join(dir, SQLITE_FILE));
    for (const { name } of raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]) raw.exec(`DROP TRIGGER ${name}`);
    expect(raw.prepare("UPDATE records SET submitted_by = 'someone-else' WHERE seq = 4").run().changes).toBe(1);
    await recomputeSqlite(dir, raw);
    raw.close();
    const { chainOnly, withLog } = await verifySqlite(dir);
    expect(chainOnly.ok).toBe(true);
    expect(withLog).toMatchObject({ ok: false, first_bad_seq: 4, tampering: 'edited' });
  });

  it('a middle record deleted and the rest renumbered is reported as renumbered', async () => {
    const { dir, raw } = await sqliteVictim();
    raw.pragma('foreign_keys = OFF');
    const del = (t: string) => raw.prepare(`DELETE FROM ${t} WHERE seq = 5`).run();
    for (const t of CHILD_TABLES) del(t);
    expect(del('records').changes).toBe(1);
    for (let seq = 6; seq <= 10; seq++) for (const t of [...CHILD_TABLES, 'records']) raw.prepare(`UPDATE ${t} SET seq = seq - 1 WHERE seq = ?`).run(seq);
    await recomputeSqlite(dir, raw);
    raw.close();
    const { chainOnly, withLog } = await verifySqlite(dir);
    expect(chainOnly).toMatchObject({ ok: true, checked: 9 });
    expect(withLog).toMatchObject({ ok: false, first_bad_seq: 5, tampering: 'renumbered' });
    expect(withLog.reason).toMatch(/logged as seq 6: 1 record\(s\) before it were deleted/);
  });

  it('the newest records deleted: caught by the log if its tables were left, otherwise only against a held checkpoint', async () => {
    const { dir, held, raw } = await sqliteVictim();
    for (const t of [...CHILD_TABLES, 'records']) raw.prepare(`DELETE FROM ${t} WHERE seq > 8`).run();
    const sloppy = await verifySqlite(dir);
    expect(sloppy.chainOnly).toMatchObject({ ok: true, checked: 8 });
    expect(sloppy.withLog).toMatchObject({ ok: false, first_bad_seq: 9, tampering: 'tail_missing' });
    // A thorough attacker removes the log's own evidence too: pure tail deletion, invisible from inside…
    raw.prepare('DELETE FROM log_entries WHERE seq > 8').run();
    raw.prepare('DELETE FROM checkpoints WHERE size > 8').run();
    raw.close();
    const thorough = await verifySqlite(dir);
    expect(thorough.withLog).toMatchObject({ ok: true, checked: 8 });
    // …but not against the checkpoint an auditor or witness kept.
    const against = await verifySqlite(dir, held);
    expect(against.withLog).toMatchObject({ ok: false, first_bad_seq: 9, tampering: 'tail_missing' });
    expect(against.withLog.reason).toMatch(/held checkpoint covers 10 records but the log has 8/);
  });

  it('DELETE FROM rulesets is reported as a deleted rule set', async () => {
    const { dir, raw } = await sqliteVictim();
    expect(raw.prepare('DELETE FROM rulesets').run().changes).toBeGreaterThan(0);
    raw.close();
    const { chainOnly, withLog } = await verifySqlite(dir);
    expect(chainOnly.ok).toBe(true);
    expect(withLog).toMatchObject({ ok: false, first_bad_seq: 1, tampering: 'ruleset_deleted' });
  });

  it('log entries re-signed with another key, or a forged checkpoint, are not accepted', async () => {
    const { dir, raw } = await sqliteVictim();
    raw.prepare("UPDATE checkpoints SET note = replace(note, char(10) || '10' || char(10), char(10) || '11' || char(10)) WHERE size = 10").run();
    raw.close();
    const { withLog } = await verifySqlite(dir);
    expect(withLog).toMatchObject({ ok: false, tampering: 'checkpoint_invalid' });
  });

  it('a WAL truncated after a crash loses acknowledged decisions: reported against the held checkpoint, and as a fork once new decisions follow', async () => {
    const dir = tmp();
    const store = await openSqliteStore({ dataDir: dir, log: log.signer });
    await fill(store, 1, 5);
    const raw = new Database(join(dir, SQLITE_FILE));
    expect(raw.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
    raw.close();
    await fill(store, 6, 8);
    const wal = join(dir, `${SQLITE_FILE}-wal`);
    const walAfter8 = statSync(wal).size;
    const held = await fill(store, 9, 10); // acknowledged: their appends resolved, and a witness got this checkpoint
    // The machine dies now; the disk keeps the database file and a WAL missing its last frames.
    const crashed = tmp();
    copyFileSync(join(dir, SQLITE_FILE), join(crashed, SQLITE_FILE));
    copyFileSync(wal, join(crashed, `${SQLITE_FILE}-wal`));
    truncateSync(join(crashed, `${SQLITE_FILE}-wal`), walAfter8);
    await store.close();
    expect(existsSync(join(crashed, `${SQLITE_FILE}-wal`))).toBe(true);

    const lost = await verifySqlite(crashed, held);
    expect(lost.chainOnly).toMatchObject({ ok: true, checked: 8 }); // invisible from inside
    expect(lost.withLog).toMatchObject({ ok: false, first_bad_seq: 9, tampering: 'tail_missing' });
    expect(lost.withLog.reason).toMatch(/acknowledged commits were lost/);

    // The service restarts on the damaged file and records two more decisions at seqs 9 and 10.
    const restarted = await openSqliteStore({ dataDir: crashed, log: log.signer });
    await fill(restarted, 11, 12);
    await restarted.close();
    const forked = await verifySqlite(crashed, held);
    expect(forked.withLog).toMatchObject({ ok: false, tampering: 'forked' });
    expect(forked.withLog.reason).toMatch(/does not extend the held checkpoint of size 10/);
  });
});

describe('verifying a log that grows meanwhile', () => {
  it('never reports appends made during the verification as a cut-short or unlogged tail', async () => {
    const dir = tmp();
    const store = await openSqliteStore({ dataDir: dir, log: log.signer });
    await fill(store, 1, 3);
    // Each verification starts while two appends are in flight (started, not awaited), so every
    // run overlaps writes and the log has grown by the next one — whatever the machine's load
    // (a free-running writer could leave all eight runs before its first commit).
    const results = [];
    for (let k = 0, i = 4; k < 8; k++) {
      const pending = [store.append(await signedAppend(key, i++)), store.append(await signedAppend(key, i++))];
      results.push(await verifyAudit(store, jwks(), { verifier: log.verifier }));
      await Promise.all(pending);
    }
    expect(results.map((r) => r.ok)).toEqual(results.map(() => true));
    expect(results[results.length - 1]!.checked).toBeGreaterThan(results[0]!.checked);
    expect(await verifyAudit(store, jwks(), { verifier: log.verifier })).toMatchObject({ ok: true, log: { checkpoint_size: (await store.logSize()) } });
    await store.close();
  });
});

describe('tampering with a PostgreSQL audit store, hashes recomputed', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s);
  });

  async function pgVictim(): Promise<{ schema: string; held: string; raw: pg.Client }> {
    const schema = uniqueSchema('tamper');
    schemas.push(schema);
    const store = await openPostgresStore({ connectionString: PG_URL, schema, log: log.signer });
    const held = await fill(store, 1, 6);
    await store.close();
    const raw = new pg.Client({ connectionString: PG_URL });
    await raw.connect();
    // Triggers off for this session, as a superuser attacker would.
    await raw.query("SET session_replication_role = 'replica'");
    return { schema, held, raw };
  }

  async function verifyPg(schema: string, raw: pg.Client, held?: string, recomputeFirst = false) {
    const store = await openPostgresStore({ connectionString: PG_URL, schema });
    try {
      if (recomputeFirst) await recompute(store, async (seq, prev, hash) => void (await raw.query(`UPDATE "${schema}".records SET prev = $1, hash = $2 WHERE seq = $3`, [prev, hash, seq])));
      return {
        chainOnly: await verifyAudit(store, jwks()),
        withLog: await verifyAudit(store, jwks(), { verifier: log.verifier, ...(held ? { checkpoint: held } : {}) }),
      };
    } finally {
      await store.close();
    }
  }

  it('an edited submitter is reported as edited at its seq', async () => {
    const { schema, raw } = await pgVictim();
    try {
      expect((await raw.query(`UPDATE "${schema}".records SET submitted_by = 'mallory' WHERE seq = 3`)).rowCount).toBe(1);
      const { chainOnly, withLog } = await verifyPg(schema, raw, undefined, true);
      expect(chainOnly.ok).toBe(true);
      expect(withLog).toMatchObject({ ok: false, first_bad_seq: 3, tampering: 'edited' });
    } finally {
      await raw.end();
    }
  });

  it('the newest records and the log tail deleted are reported against the held checkpoint', async () => {
    const { schema, held, raw } = await pgVictim();
    try {
      for (const t of [...CHILD_TABLES, 'records', 'log_entries']) await raw.query(`DELETE FROM "${schema}".${t} WHERE seq > 4`);
      await raw.query(`DELETE FROM "${schema}".checkpoints WHERE size > 4`);
      const inside = await verifyPg(schema, raw);
      expect(inside.withLog).toMatchObject({ ok: true, checked: 4 });
      const { withLog } = await verifyPg(schema, raw, held);
      expect(withLog).toMatchObject({ ok: false, first_bad_seq: 5, tampering: 'tail_missing' });
    } finally {
      await raw.end();
    }
  });
});
