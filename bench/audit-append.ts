/**
 * The cost of making a decision durable: Ed25519 sign + durable append to the audit chain, per
 * decision, on SQLite (WAL, synchronous=FULL, under the OS temp dir) and PostgreSQL
 * (synchronous_commit on; a throwaway schema). Also times the released-table lookup once the
 * store holds many earlier releases, and a full verify.
 *
 *   npx tsx bench/audit-append.ts [appends=500] [lookupRecords=10000]
 *   AIRLOCK_BENCH_DATABASE_URL=postgres://… to point PostgreSQL elsewhere ('' to skip it)
 *   AIRLOCK_BENCH_NO_LOG=1 to append without the transparency log's signatures (entries and
 *   checkpoints unsigned), to see what signing costs
 *
 * @example npx tsx bench/audit-append.ts 500 10000
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { AppendInput, AuditStore } from '../src/audit/audit-store.js';
import { openPostgresStore } from '../src/audit/postgres-store.js';
import { openSqliteStore } from '../src/audit/sqlite-store.js';
import { verifyAudit } from '../src/audit/verify-chain.js';
import type { Decision } from '../src/domain.js';
import { canonicalJson } from '../src/lib/canonical-json.js';
import { publicJwks } from '../src/signing/jwks.js';
import { signDecision } from '../src/signing/sign-decision.js';
import { loadLogKey } from '../src/audit/log-key.js';
import { ensureDevSigningKey, type SigningKey } from '../src/signing/signing-keys.js';

const appends = Number(process.argv[2] ?? 500);
/** The rule set every bench decision names (stored with the first, as the service does). */
const RULESET = { default: { name: 'default', version: '1' } };
const RULESET_DIGEST = createHash('sha256').update(canonicalJson(RULESET)).digest('hex');
const lookupRecords = Number(process.argv[3] ?? 10_000);
const pgUrl = process.env.AIRLOCK_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function decision(i: number): Decision {
  return {
    id: `bench-${i}`,
    issued_at: new Date().toISOString(),
    outcome: 'release',
    project: `p${i % 20}`,
    requester: 'bench',
    dataset: `ds${i % 50}`,
    ruleset: { name: 'default', version: '1', digest: RULESET_DIGEST },
    outputs: [{ name: 'tab', kind: 'table', sha256: 'b'.repeat(64), outcome: 'release', findings: [] }],
  };
}

/** A released 3 × 4 table with margins (20 cells): a typical small frequency table. */
function released(i: number): AppendInput['released'] {
  const cells = [];
  for (const a of ['x', 'y', 'z', 'All']) for (const b of ['1', '2', '3', '4', 'All']) cells.push({ labels: { a, b }, count: 10 + ((i + a.length + b.length) % 7), value: 10 });
  return [{ output: 'tab', dataset: `ds${i % 50}`, dims: ['a', 'b'], statistic: 'frequency', cells, total: 200 + (i % 9) }];
}

const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

async function measure(label: string, store: AuditStore, key: SigningKey): Promise<void> {
  const total: number[] = [];
  const sign: number[] = [];
  for (let i = 0; i < appends; i++) {
    const d = decision(i);
    const t0 = performance.now();
    const signature = await signDecision(d, key);
    const t1 = performance.now();
    await store.append({ decision: d, signature, kid: key.kid, submittedBy: 'bench', released: released(i), ruleset: { digest: RULESET_DIGEST, content: RULESET } });
    const t2 = performance.now();
    sign.push(t1 - t0);
    total.push(t2 - t0);
  }
  console.log(
    `${label}: sign + durable append, ${appends} decisions: median ${fmt(q(total, 0.5))}, p95 ${fmt(q(total, 0.95))}` +
      ` (sign alone: median ${fmt(q(sign, 0.5))})`,
  );
}

async function fillAndLookup(label: string, store: AuditStore, key: SigningKey): Promise<void> {
  const t0 = performance.now();
  for (let i = appends; i < lookupRecords; i++) {
    const d = decision(i);
    await store.append({ decision: d, signature: await signDecision(d, key), kid: key.kid, submittedBy: 'bench', released: released(i), ruleset: { digest: RULESET_DIGEST, content: RULESET } });
  }
  const fill = performance.now() - t0;
  const times: number[] = [];
  let hits = 0;
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    // What the differencing history index reads on each request: entries recorded since a seq.
    hits = (await store.historyEntries({ afterSeq: lookupRecords - 1 - (i % 50), limit: 5000 })).length;
    times.push(performance.now() - t);
  }
  console.log(
    `${label}: ${lookupRecords} records (filled at ${fmt(fill / Math.max(1, lookupRecords - appends))}/append); ` +
      `historyEntries read of what is new (${hits} entries): median ${fmt(q(times, 0.5))}, p95 ${fmt(q(times, 0.95))}`,
  );
  const v0 = performance.now();
  const v = await verifyAudit(store, publicJwks([key]), logKey ? { verifier: logKey.verifier } : undefined);
  console.log(`${label}: verifyAudit of ${v.checked} records ok=${v.ok} in ${((performance.now() - v0) / 1000).toFixed(2)} s`);
}

const keyDir = mkdtempSync(join(tmpdir(), 'airlock-bench-key-'));
const key = (await ensureDevSigningKey(keyDir)).key;
const logKey = process.env.AIRLOCK_BENCH_NO_LOG ? null : await loadLogKey({ file: null, fallback: key, origin: 'bench.local/audit' });

const dataDir = mkdtempSync(join(tmpdir(), 'airlock-bench-'));
const sqlite = await openSqliteStore({ dataDir, log: logKey?.signer ?? null });
await measure('SQLite', sqlite, key);
await fillAndLookup('SQLite', sqlite, key);
await sqlite.close();
rmSync(dataDir, { recursive: true, force: true });

if (pgUrl) {
  const schema = `bench_${process.pid}`;
  const store = await openPostgresStore({ connectionString: pgUrl, schema, log: logKey?.signer ?? null });
  try {
    await measure('PostgreSQL', store, key);
    await fillAndLookup('PostgreSQL', store, key);
  } finally {
    await store.close();
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  }
}
rmSync(keyDir, { recursive: true, force: true });
