/**
 * `airlock audit migrate` on an existing chain (a store at schema version 3, from before the
 * transparency log): it verifies the chain, logs every record with the private log key (the
 * data directory's key here) and signs a checkpoint; afterwards `audit verify` checks the log
 * and `audit checkpoint` prints a checkpoint that a later `verify --checkpoint` holds the store
 * to. A chain that does not verify is refused and nothing is logged.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SQLITE_FILE, SQLITE_MIGRATIONS, openSqliteStore } from '../../src/audit/sqlite-store.js';
import { runSubcommand } from '../../src/cli/commands.js';
import { ensureDevSigningKey } from '../../src/signing/signing-keys.js';
import { captureStdout } from '../helpers/capture-stdout.js';
import { signedAppend } from '../helpers/sample-decision.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const tmp = tempDirs('airlock-migrate-');

async function runHere(args: string[]): Promise<{ code: number; stdout: string }> {
  const { result, stdout } = await captureStdout(() => runSubcommand('audit', args));
  return { code: result, stdout };
}

/** A data directory holding a pre-log (schema v3) chain of `n` records signed with its dev key. */
async function legacyStore(n: number): Promise<string> {
  const dir = tmp();
  const { key } = await ensureDevSigningKey(dir);
  const store = await openSqliteStore({ dataDir: dir });
  for (let i = 1; i <= n; i++) await store.append(await signedAppend(key, i));
  await store.close();
  // Back to schema version 3: every table a later migration created is dropped (with its
  // triggers and indexes), so `migrate` meets the store as an airlock before the log left it.
  const raw = new Database(join(dir, SQLITE_FILE));
  const later = SQLITE_MIGRATIONS.filter((m) => m.version > 3).flatMap((m) => [...m.sql.matchAll(/CREATE TABLE (\w+)/g)].map((x) => x[1] as string));
  for (const t of later) raw.exec(`DROP TABLE ${t}`);
  raw.exec('DELETE FROM schema_migrations WHERE version > 3');
  raw.close();
  return dir;
}

describe('airlock audit migrate', () => {
  it('logs an existing chain, after which verify checks the log and holds it to a saved checkpoint', async () => {
    const dir = await legacyStore(7);
    const m = await runHere(['migrate', '--data-dir', dir]);
    expect(m.code).toBe(0);
    expect(m.stdout).toMatch(/^OK: 7 records verified; 7 newly logged, log size 7 \(origin airlock\.local\/audit\)\nairlock\.local\/audit\n7\n/);

    const v = await runHere(['verify', '--data-dir', dir]);
    expect(v).toMatchObject({ code: 0 });
    expect(v.stdout).toMatch(/transparency log 7 entries, newest signed checkpoint 7\n$/);

    const c = await runHere(['checkpoint', '--data-dir', dir]);
    expect(c.code).toBe(0);
    const held = join(tmp(), 'held-checkpoint');
    writeFileSync(held, c.stdout);
    expect((await runHere(['verify', '--data-dir', dir, '--checkpoint', held])).stdout).toMatch(/extends the held checkpoint of size 7\n$/);

    // Migrating again logs nothing new.
    expect((await runHere(['migrate', '--data-dir', dir])).stdout).toMatch(/^OK: 7 records verified; 0 newly logged, log size 7/);

    // The held checkpoint now catches the newest record's deletion.
    const raw = new Database(join(dir, SQLITE_FILE));
    for (const { name } of raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]) raw.exec(`DROP TRIGGER ${name}`);
    raw.pragma('foreign_keys = OFF');
    for (const t of ['released_tables', 'evidence', 'records', 'log_entries']) raw.prepare(`DELETE FROM ${t} WHERE seq = 7`).run();
    raw.prepare('DELETE FROM checkpoints WHERE size = 7').run();
    raw.close();
    // Migration signed one checkpoint, of size 7: without it nothing covers records 1…6 any more.
    const inside = await runHere(['verify', '--data-dir', dir]);
    expect(inside.code).toBe(1);
    expect(inside.stdout).toMatch(/\[unlogged\]: records 1…6 are not covered by a checkpoint signed with the log key/);
    const against = await runHere(['verify', '--data-dir', dir, '--checkpoint', held]);
    expect(against.code).toBe(1);
    expect(against.stdout).toMatch(/^FAIL at seq 7 \[tail_missing\]: the held checkpoint covers 7 records but the log has 6/);
  });

  it('refuses a chain that does not verify, and logs nothing', async () => {
    const dir = await legacyStore(4);
    const raw = new Database(join(dir, SQLITE_FILE));
    raw.exec('DROP TRIGGER records_no_update');
    raw.prepare("UPDATE records SET submitted_by = 'mallory' WHERE seq = 2").run();
    raw.close();
    const m = await runHere(['migrate', '--data-dir', dir]);
    expect(m.code).toBe(1);
    expect(m.stdout).toMatch(/^REFUSED: the chain does not verify at seq 2: hash does not match/);
    const check = new Database(join(dir, SQLITE_FILE), { readonly: true });
    expect(check.prepare('SELECT count(*) FROM log_entries').pluck().get()).toBe(0);
    check.close();
  });
});
