/**
 * Issue 13 item 6: every rule-set load is an audit record naming who loaded it — at start-up
 * (this process: OS user, host, pid, the configured operator), on SIGHUP, and through
 * `POST /v1/rulesets/reload` and `airlock rules reload` (the admin who called), refused loads included — with the digest,
 * version, previous digest, floors and lint outcome; listed by `GET /v1/rulesets/loads`,
 * leaves of the transparency log, and checked by `GET /v1/audit/verify` and `airlock audit
 * verify`. On real SQLite and real PostgreSQL; on PostgreSQL, a load the store cannot record
 * does not go into force.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SQLITE_FILE } from '../../src/audit/sqlite-store.js';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, dropSchema, uniqueSchema } from '../helpers/pg-schema.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { testServer, type TestServer } from '../helpers/test-server.js';

const OPERATOR = 'governance@tre.example';
const FLOORS = 'owner: Data Governance Board\nparameters:\n  threshold: 10\n';
const STRICT = 'project: example-strict\nparameters:\n  threshold: 20\n';

interface LoadRecord {
  kind: string;
  submitted_by: string;
  audit: { seq: number };
  decision: {
    id: string;
    outcome: string;
    project: string;
    ruleset: { digest: string; version: string };
    ruleset_load: {
      trigger: string;
      by: Record<string, unknown>;
      previous: string | null;
      activated: boolean;
      floors: { status: string; problems: { message: string }[] };
      lint: { errors: number; warnings: number; problems: unknown[] };
      weakens: string[];
      error?: { code: string };
    };
  };
}

const backends = [
  { name: 'SQLite', env: (): Record<string, string> => ({}), schema: null as string | null },
  { name: 'PostgreSQL', env: (schema: string): Record<string, string> => ({ DATABASE_URL: PG_URL, AIRLOCK_DATABASE_SCHEMA: schema }), schema: 'pg' },
];

describe.each(backends)('rule-set loads on $name', (backend) => {
  let s: TestServer;
  let rulesDir: string;
  const schema = backend.schema ? uniqueSchema('loads') : null;

  beforeAll(async () => {
    rulesDir = tempDir('ruleset-loads-');
    cpSync('rules', rulesDir, { recursive: true });
    writeFileSync(join(rulesDir, 'floors.yaml'), FLOORS);
    // No file watching: each reload below is set off by exactly one trigger.
    s = await testServer({ AIRLOCK_RULES_DIR: rulesDir, AIRLOCK_RULES_WATCH: 'false', AIRLOCK_RULES_OPERATOR: OPERATOR, ...(schema ? backend.env(schema) : {}) }, { recordStartupLoad: true });
  });
  afterAll(async () => {
    await s?.close();
    if (schema) await dropSchema(schema);
  });

  const loads = async (): Promise<LoadRecord[]> => (await request(s.url).get('/v1/rulesets/loads').set(s.auth('auditor')).expect(200)).body.items;
  const active = async (): Promise<string> => (await request(s.url).get('/v1/rulesets/active').set(s.auth('admin')).expect(200)).body.digest;
  const strict = (threshold: number) => writeFileSync(join(rulesDir, 'projects', 'example-strict.yaml'), STRICT.replace('20', String(threshold)));

  it('records the start-up load as seq 1, naming this process and the operator', async () => {
    const [first, ...rest] = await loads();
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ kind: 'ruleset', submitted_by: OPERATOR, audit: { seq: 1 }, decision: { outcome: 'release', project: '', ruleset: { digest: await active() } } });
    expect(first!.decision.ruleset_load).toMatchObject({
      trigger: 'startup',
      by: { kind: 'process', name: OPERATOR, operator: OPERATOR, os_user: userInfo().username, host: hostname(), pid: process.pid },
      previous: null,
      activated: true,
      floors: { status: 'passed', problems: [] },
      weakens: [],
    });
    expect(first!.decision.ruleset_load.lint.errors).toBe(0);
  });

  it('records a SIGHUP reload with the previous digest and each weakening change', async () => {
    const before = await active();
    strict(12);
    const reloaded = s.rules.nextReload();
    process.kill(process.pid, 'SIGHUP');
    const e = await reloaded;
    expect(e).toMatchObject({ ok: true, changed: true, trigger: 'signal' });
    const [newest] = await loads();
    expect(newest!.decision.id).toBe(e.recorded);
    expect(newest!.decision.ruleset.digest).toBe(e.digest);
    expect(newest!.decision.ruleset_load).toMatchObject({ trigger: 'signal', by: { kind: 'process', operator: OPERATOR }, previous: before, activated: true });
    expect(newest!.decision.ruleset_load.weakens.join(' ')).toMatch(/example-strict.*threshold/);
  });

  it('refuses through the API a set below the floors, records the refusal naming the admin, and keeps the set in force', async () => {
    const before = await active();
    strict(5);
    const res = await request(s.url).post('/v1/rulesets/reload').set(s.auth('admin')).expect(422);
    expect(res.body.code).toBe('RULESET_INVALID');
    expect(res.body.detail ?? res.body.title).toBeTruthy();
    expect(await active()).toBe(before);
    const [newest] = await loads();
    expect(newest).toMatchObject({ submitted_by: 'dev-admin', decision: { outcome: 'reject', ruleset: { digest: before } } });
    expect(newest!.decision.ruleset_load).toMatchObject({ trigger: 'api', by: { kind: 'token', name: 'dev-admin' }, previous: before, activated: false, floors: { status: 'refused' }, error: { code: 'RULES_INVALID' } });
    expect(newest!.decision.ruleset_load.floors.problems.map((p) => p.message).join(' ')).toMatch(/threshold/);
    expect(newest!.decision.ruleset_load.lint.errors).toBeGreaterThan(0);
  });

  it('activates a valid set for the admin who asked, and records nothing when nothing changed', async () => {
    const before = await active();
    strict(20);
    const res = (await request(s.url).post('/v1/rulesets/reload').set(s.auth('admin')).expect(200)).body;
    expect(res).toMatchObject({ activated: true, previous: before, record: { kind: 'ruleset', submitted_by: 'dev-admin', decision: { ruleset: { digest: res.digest } } } });
    expect(await active()).toBe(res.digest);
    const again = (await request(s.url).post('/v1/rulesets/reload').set(s.auth('admin')).expect(200)).body;
    expect(again).toEqual({ activated: false, digest: res.digest, previous: res.digest, record: null });
    expect((await loads()).map((r) => [r.audit.seq, r.decision.ruleset_load.trigger])).toEqual([
      [4, 'api'],
      [3, 'api'],
      [2, 'signal'],
      [1, 'startup'],
    ]);
    await request(s.url).post('/v1/rulesets/reload').set(s.auth('auditor')).expect(403);
  });

  it('puts every load in the transparency log, checked by the service and by `airlock audit verify`', async () => {
    const records = await loads();
    expect((await request(s.url).get('/v1/audit/verify').set(s.auth('auditor')).expect(200)).body).toMatchObject({ ok: true, checked: 4, log: { size: 4 } });
    const proof = (await request(s.url).get(`/v1/decisions/${records[1]!.decision.id}/proof`).set(s.auth('auditor')).expect(200)).body;
    expect(proof).toMatchObject({ seq: 3 });
    // The data directory holds the dev keys the CLI verifies with, on either backend.
    const store = schema ? ['--database-url', PG_URL, '--schema', schema, '--data-dir', s.dataDir] : ['--data-dir', s.dataDir];
    const cli = await runCli(['audit', 'verify', ...store, '--json']);
    expect([cli.code, JSON.parse(cli.stdout)]).toMatchObject([0, { ok: true, checked: 4 }]);
  });

  it('keeps the old set in force when the store cannot record the load (503)', async () => {
    const before = await active();
    const refuse = await refuseRecords();
    try {
      strict(15);
      const res = await request(s.url).post('/v1/rulesets/reload').set(s.auth('admin')).expect(503);
      expect(res.body.code).toBe('STORE_UNAVAILABLE');
      expect(await active()).toBe(before);
    } finally {
      await refuse.lift();
    }
    // Recordable again: the same change now goes into force.
    const res = (await request(s.url).post('/v1/rulesets/reload').set(s.auth('admin')).expect(200)).body;
    expect(res).toMatchObject({ activated: true, previous: before });
  });

  it('`airlock rules reload` loads through the API, recorded under the admin token', async () => {
    strict(18);
    const admin = ['--url', s.url, '--token', s.devToken!('admin')!];
    const loaded = await runCli(['rules', 'reload', ...admin]);
    expect([loaded.code, loaded.stdout]).toEqual([0, expect.stringMatching(/in force .*recorded at seq \d+/)]);
    const [newest] = await loads();
    expect(newest).toMatchObject({ submitted_by: 'dev-admin', decision: { ruleset_load: { trigger: 'api', by: { kind: 'token', name: 'dev-admin' } } } });
    const unchanged = await runCli(['rules', 'reload', ...admin]);
    expect([unchanged.code, unchanged.stdout]).toEqual([0, expect.stringMatching(/unchanged; nothing recorded/)]);
    strict(4);
    const refused = await runCli(['rules', 'reload', ...admin]);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringMatching(/422 RULESET_INVALID/)]);
  });

  /** A trigger that makes the database refuse new records, and a way to lift it. */
  async function refuseRecords(): Promise<{ lift(): Promise<void> }> {
    if (!schema) {
      const db = new Database(join(s.dataDir, SQLITE_FILE));
      db.exec(`CREATE TRIGGER no_loads BEFORE INSERT ON records BEGIN SELECT RAISE(ABORT, 'test: records cannot be written'); END`);
      return {
        lift: async () => {
          db.exec('DROP TRIGGER no_loads');
          db.close();
        },
      };
    }
    const db = new pg.Client({ connectionString: PG_URL });
    await db.connect();
    await db.query(`CREATE FUNCTION "${schema}".no_loads() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test: records cannot be written'; END $$`);
    await db.query(`CREATE TRIGGER no_loads BEFORE INSERT ON "${schema}".records FOR EACH ROW EXECUTE FUNCTION "${schema}".no_loads()`);
    return {
      lift: async () => {
        await db.query(`DROP TRIGGER no_loads ON "${schema}".records`);
        await db.end();
      },
    };
  }
});
