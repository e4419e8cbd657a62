import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditStore, OutputEvidence } from '../../src/audit/audit-store.js';
import { evidenceDigest } from '../../src/audit/chain.js';
import { exportJsonl } from '../../src/audit/export-jsonl.js';
import { openPostgresStore } from '../../src/audit/postgres-store.js';
import { SQLITE_FILE, openSqliteStore } from '../../src/audit/sqlite-store.js';
import { verifyAudit } from '../../src/audit/verify-chain.js';
import { publicJwks, type Jwks } from '../../src/signing/jwks.js';
import type { SigningKey } from '../../src/signing/signing-keys.js';
import { signedAppend, testSigningKey } from '../helpers/sample-decision.js';
import { PG_URL, dropSchema, uniqueSchema } from '../helpers/pg-schema.js';
import { tempDir } from '../helpers/temp-dirs.js';

interface Backend {
  store: AuditStore;
  /** Runs SQL on the database directly; `{t}` is the table t. */
  sql(q: string): Promise<void>;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

const backends: [string, () => Promise<Backend>][] = [
  [
    'SQLite',
    async () => {
      const dir = tempDir('airlock-evidence-');
      const store = await openSqliteStore({ dataDir: dir });
      const raw = new Database(join(dir, SQLITE_FILE));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      return {
        store,
        sql: async (q) => void raw.exec(q.replace(/\{(\w+)\}/g, '$1')),
        close: async () => {
          raw.close();
          await store.close();
        },
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const schema = uniqueSchema('evidence');
      const store = await openPostgresStore({ connectionString: PG_URL, schema });
      const raw = new pg.Client({ connectionString: PG_URL });
      await raw.connect();
      cleanups.push(() => dropSchema(schema));
      return {
        store,
        sql: async (q) => void (await raw.query(q.replace(/\{(\w+)\}/g, `"${schema}".$1`))),
        close: async () => {
          await raw.end();
          await store.close();
        },
      };
    },
  ],
];

const evidence: OutputEvidence[] = [
  { output: 'by-sex', kind: 'table', evidence: { statistic: 'sum', cells: [{ labels: { sex: 'F' }, count: 12, value: 1200, sum_abs: 1200, top: [150, 140] }] } },
];

describe.each(backends)('%s store: replay evidence and review lookups', (name, open) => {
  let key: SigningKey;
  let jwks: Jwks;
  beforeAll(async () => {
    key = await testSigningKey();
    jwks = publicJwks([key]);
  });

  it('keeps evidence with its record, chains it by digest and exports only the digest', async () => {
    const b = await open();
    await b.store.append(await signedAppend(key, 1));
    await b.store.append(await signedAppend(key, 2, {}, { evidence }));
    const scanned = [];
    for await (const r of b.store.scan()) scanned.push(r);
    expect(scanned.map((r) => r.evidence)).toEqual([undefined, evidence]);
    expect(JSON.parse(scanned[1].canonical).evidence_sha256).toBe(evidenceDigest(evidence));
    expect(JSON.parse(scanned[0].canonical)).not.toHaveProperty('evidence_sha256');
    const lines = [];
    for await (const l of exportJsonl(b.store)) lines.push(l);
    expect(lines[1]).toContain(evidenceDigest(evidence));
    expect(lines[1]).not.toContain('"top"');
    expect(await verifyAudit(b.store, jwks)).toMatchObject({ ok: true, checked: 2 });
    await b.close();
  });

  it('refuses to change stored evidence, and verification catches a change made behind its back', async () => {
    const b = await open();
    await b.store.append(await signedAppend(key, 1, {}, { evidence }));
    await expect(b.sql(`UPDATE {evidence} SET content = '[]'`)).rejects.toThrow(/append-only/);
    await b.sql(`DROP TRIGGER ${name === 'SQLite' ? 'evidence_no_update' : 'evidence_append_only ON {evidence}'}`);
    await b.sql(`UPDATE {evidence} SET content = replace(content, '150', '15')`);
    expect(await verifyAudit(b.store, jwks)).toMatchObject({ ok: false, first_bad_seq: 1, reason: 'hash does not match the record content' });
    await b.close();
  });

  it('lists the records that reference a decision', async () => {
    const b = await open();
    await b.store.append(await signedAppend(key, 1));
    await b.store.append(await signedAppend(key, 2, {}, { kind: 'review', references: 'd-0001' }));
    await b.store.append(await signedAppend(key, 3, {}, { kind: 'review', references: 'd-0009' }));
    const page = await b.store.list({ references: 'd-0001' }, { limit: 10 });
    expect(page.items.map((r) => [r.seq, r.kind, r.references])).toEqual([[2, 'review', 'd-0001']]);
    await b.close();
  });
});
