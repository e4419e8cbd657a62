import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../../src/audit/sqlite-store.js';
import { run } from '../../src/cli/commands/audit.js';
import { canonicalJson } from '../../src/lib/canonical-json.js';
import { publicJwks } from '../../src/signing/jwks.js';
import { PG_URL, dropSchema, uniqueSchema } from '../helpers/pg-schema.js';
import { captureStdout } from '../helpers/capture-stdout.js';
import { runCli } from '../helpers/run-cli.js';
import { testSigningKey } from '../helpers/sample-decision.js';
import { csvOf, tableRequest, testServer, type TestServer } from '../helpers/test-server.js';
import { tempDir } from '../helpers/temp-dirs.js';

const safe = csvOf({ 'a|x': 12, 'a|y': 15, 'b|x': 11, 'b|y': 20 });
const unsafe = csvOf({ 'a|x': 3, 'a|y': 15, 'b|x': 11, 'b|y': 20 });

/** Posts `n` decisions (alternating release / reject, each with a dataset of its own so cells are kept). */
async function post(s: TestServer, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = tableRequest(i % 2 ? unsafe : safe, { index: 'r', columns: 'c' }, { dataset: `cohort-${i}` });
    ids.push((await request(s.url).post('/v1/decisions').set(s.auth()).send(body).expect(201)).body.decision.id as string);
  }
  return ids;
}

/** The command in this process (fast, for the many cases); exit code and stdout. */
async function runHere(args: string[]): Promise<{ code: number; stdout: string }> {
  const { result, stdout } = await captureStdout(() => run(args));
  return { code: result, stdout };
}

let s: TestServer;
let scratch: string;
beforeAll(async () => {
  s = await testServer();
  await post(s, 3);
  scratch = tempDir('airlock-audit-cli-');
});
afterAll(async () => {
  await s.close();
});

describe('airlock audit verify (SQLite)', () => {
  it('exits 0 from the command line with the dev key of the data directory, naming the head', async () => {
    const r = await runCli(['audit', 'verify', '--data-dir', s.dataDir]);
    const head = (await s.store.list({}, { limit: 1 })).items[0]!;
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`OK: 3 records verified (sqlite); head seq 3 hash ${head.hash}; transparency log 3 entries, newest signed checkpoint 3\n`);
  });

  it('takes the data directory from AIRLOCK_DATA_DIR as the service does', async () => {
    const r = await runCli(['audit', 'verify', '--json'], { AIRLOCK_DATA_DIR: s.dataDir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, checked: 3, head: { seq: 3 } });
  });

  it('verifies against the service JWKS URL, and fails at seq 1 against keys that did not sign', async () => {
    expect(await runHere(['verify', '--data-dir', s.dataDir, '--jwks', `${s.url}/.well-known/jwks.json`])).toMatchObject({ code: 0 });
    const other = join(scratch, 'other-jwks.json');
    writeFileSync(other, JSON.stringify(publicJwks([await testSigningKey()])));
    const r = await runHere(['verify', '--data-dir', s.dataDir, '--jwks', other]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL at seq 1 \[edited\]: signature check failed \(\/signature\): no usable key with kid .* \(0 records verified before it\)\n$/);
  });

  it('answers like GET /v1/audit/verify', async () => {
    const http = (await request(s.url).get('/v1/audit/verify').set(s.auth('auditor')).expect(200)).body;
    const r = await runHere(['verify', '--data-dir', s.dataDir, '--json']);
    expect(JSON.parse(r.stdout)).toEqual(http);
  });

  it('refuses a directory without an audit store, and creates nothing there', async () => {
    const empty = tempDir('airlock-empty-');
    await expect(runHere(['verify', '--data-dir', empty])).rejects.toThrow(/no audit store in .*audit\.sqlite is missing/);
    expect(existsSync(join(empty, SQLITE_FILE))).toBe(false);
  });

  it('refuses to guess keys when the data directory has none and no --jwks is given', async () => {
    const keyless = tempDir('airlock-keyless-');
    const copy = new Database(join(s.dataDir, SQLITE_FILE), { readonly: true });
    await copy.backup(join(keyless, SQLITE_FILE));
    copy.close();
    const r = await runCli(['audit', 'verify', '--data-dir', keyless]);
    expect(r.code).toBe(4); // the environment: no key set to verify with
    expect(r.stderr).toMatch(/^airlock audit verify: CONFIG_INVALID: no keys to verify with: .*pass --jwks FILE\|URL/);
  });

  it.each([
    [['frobnicate'], /unknown subcommand "frobnicate" \(one of verify, checkpoint, migrate, export\)/],
    [['verify', 'extra'], /unexpected argument "extra"/],
    [['export', '--from-seq', '0'], /--from-seq must be a positive integer/],
  ])('is a usage error (exit 2 from the command line) for %j', async (args, message) => {
    await expect(runHere(args)).rejects.toMatchObject({ name: 'UsageError', message: expect.stringMatching(message) });
    const r = await runCli(['audit', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});

describe('airlock audit verify on a record altered in the SQLite file', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer();
    await post(t, 4);
    const db = new Database(join(t.dataDir, SQLITE_FILE));
    db.exec('DROP TRIGGER records_no_update');
    db.prepare("UPDATE records SET submitted_by = 'mallory' WHERE seq = 3").run();
    db.close();
  });
  afterAll(async () => {
    await t.close();
  });

  it('exits 1 from the command line naming exactly that seq', async () => {
    const r = await runCli(['audit', 'verify', '--data-dir', t.dataDir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('FAIL at seq 3 [edited]: hash does not match the record content (2 records verified before it)\n');
  });
});

describe('airlock audit export', () => {
  it('writes the chain as JSON Lines from the command line, byte for byte as GET /v1/audit/export', async () => {
    const r = await runCli(['audit', 'export', '--data-dir', s.dataDir]);
    const http = await request(s.url).get('/v1/audit/export').set(s.auth('auditor')).buffer(true).parse((res, cb) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => cb(null, text));
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(http.body);
    expect(r.stdout.split('\n')).toHaveLength(4);
  });

  it('carries enough in each line to re-check the chain with nothing but SHA-256', async () => {
    const { stdout } = await runHere(['export', '--data-dir', s.dataDir]);
    let prev = '0'.repeat(64);
    const lines = stdout.trimEnd().split('\n');
    lines.forEach((line, i) => {
      const { hash, prev: p, ...chained } = JSON.parse(line) as Record<string, unknown>;
      expect(chained.seq).toBe(i + 1);
      expect(p).toBe(prev);
      expect(createHash('sha256').update(`${prev}${canonicalJson(chained)}`, 'utf8').digest('hex')).toBe(hash);
      prev = hash as string;
    });
    expect(lines).toHaveLength(3);
  });

  it('starts at --from-seq', async () => {
    const { code, stdout } = await runHere(['export', '--data-dir', s.dataDir, '--from-seq', '2']);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([2, 3]);
  });
});

describe('airlock audit on PostgreSQL', () => {
  const schema = uniqueSchema('auditcli');
  let p: TestServer;
  beforeAll(async () => {
    p = await testServer({ DATABASE_URL: PG_URL, AIRLOCK_DATABASE_SCHEMA: schema });
    await post(p, 2);
  });
  afterAll(async () => {
    await p.close();
    await dropSchema(schema);
  });

  it('verifies the shared chain from the command line (keys from the data directory)', async () => {
    const r = await runCli(['audit', 'verify', '--database-url', PG_URL, '--schema', schema, '--data-dir', p.dataDir]);
    expect(r.stdout).toMatch(/^OK: 2 records verified \(postgres\); head seq 2 hash [0-9a-f]{64}; transparency log 2 entries, newest signed checkpoint 2\n$/);
    expect(r.code).toBe(0);
  });

  it('exports it, taking DATABASE_URL and AIRLOCK_DATABASE_SCHEMA from the environment', async () => {
    const r = await runCli(['audit', 'export', '--from-seq', '2'], { DATABASE_URL: PG_URL, AIRLOCK_DATABASE_SCHEMA: schema });
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([2]);
  });

  it('refuses a schema holding no audit store, and does not create it', async () => {
    const absent = uniqueSchema('absent');
    await expect(runHere(['verify', '--database-url', PG_URL, '--schema', absent, '--jwks', `${p.url}/.well-known/jwks.json`])).rejects.toThrow(
      `PostgreSQL schema "${absent}" holds no airlock audit store`,
    );
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    const { rowCount } = await c.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [absent]);
    await c.end();
    expect(rowCount).toBe(0);
  });
});
