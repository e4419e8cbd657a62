/**
 * The shared audit store: PostgreSQL, for several airlock instances writing one chain.
 *
 * Appends take a transaction-level advisory lock (`pg_advisory_xact_lock`, keyed by schema)
 * before reading the chain head, so concurrent instances append one after another and seqs
 * stay gapless; `synchronous_commit` is forced on for the transaction, so a resolved `append`
 * is durable whatever the server default.
 *
 * Group commit: an instance runs one append transaction at a time. Every append waiting when it
 * has taken the chain lock (those made while the previous one committed, or while this one
 * waited for the lock) is written in that ONE transaction, each record with its own seq and
 * hash in call order; all resolve once it has committed, or all reject with STORE_UNAVAILABLE
 * and nothing of them remains. A duplicate (decision id, kind) is skipped by
 * `ON CONFLICT DO NOTHING` and only its own append rejects with CONFLICT.
 *
 * Triggers refuse UPDATE, DELETE and TRUNCATE on every audit table. Migrations are versioned
 * and run at open under another advisory lock, so two instances starting at once on an empty
 * database migrate it exactly once.
 *
 * @example
 * const store = await openPostgresStore({ connectionString: process.env.DATABASE_URL!, schema: 'airlock' });
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import { AirlockError } from '../errors.js';
import { canonicalJson } from '../lib/canonical-json.js';
import type { AppendInput, AuditRef, AuditStore, IdempotencyRecord, ListFilter, PageRequest, RulesetUsage, ScannedRecord, UnitCoverageRow } from './audit-store.js';
import { GENESIS_PREV } from './chain.js';
import { currentFence, HELD_FENCES_SQL, type LockFence } from './lock-fence.js';
import { resilientPool } from './pg-pool.js';
import { eventParams, insertEventSql, webhookEventsOf, webhookOutbox, webhookTablesSql, type OutboxDb, type WebhookOutbox } from './webhook-outbox.js';
import {
  DECISION_KIND_INDEX,
  RECORD_COLUMNS,
  RULESET_USAGE_SQL,
  SCAN_PAGE,
  groupBySeq,
  listQuery,
  pageOf,
  prepareRecord,
  recordFromRow,
  scannedFromRows,
  storeError,
  type DictionaryRow,
  type EvidenceRow,
  type HistoryRow,
  type RecordRow,
  type ReleasedRow,
  HISTORY_COLUMNS,
  checkpointFromRow,
  historyEntryFromRow,
} from './record-rows.js';
import { frontierKeys, type NodeKey } from '../lib/merkle-tree.js';
import { LOG_CATCH_UP, extendLog, logSigner, type CheckpointRow, type LogEntryFields, type LogEntryRow, type LogSigner, type LogSignerConfig } from './transparency-log.js';

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/db` (`DATABASE_URL`). */
  connectionString: string;
  /** Schema holding airlock's tables (created when missing); tests use one each. */
  schema?: string;
  /** Largest number of pooled connections. */
  poolMax?: number;
  /** How long to wait for a connection before failing with STORE_UNAVAILABLE. */
  connectTimeoutMs?: number;
  /** Longest a statement (including waiting for the chain lock) may run before failing with STORE_UNAVAILABLE. */
  statementTimeoutMs?: number;
  /** Where lost connections are reported. */
  logger?: Logger;
  /** `application_name` of its connections, as `pg_stat_activity` shows them (default `airlock`). */
  applicationName?: string;
  /** The log key: entries and checkpoints are signed with it (unsigned without one). */
  log?: LogSignerConfig | null;
  /** Called with each checkpoint a committed batch signed (for the witnesses); must not throw. */
  onCheckpoint?: (note: string) => void;
}

/** The schema used when none is given. */
export const DEFAULT_PG_SCHEMA = 'airlock';

/**
 * The name of the advisory lock that serialises appends to the chain of `schema` (locked as
 * `hashtextextended(name, 0)`); the dataset lock waits on it too (`postgres-dataset-lock.ts`).
 *
 * @example chainLockName('airlock') // 'airlock:audit:append:airlock'
 */
export function chainLockName(schema: string): string {
  return `airlock:audit:append:${schema}`;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Versioned schema changes for schema `s` (a quoted identifier), applied in order; never edit a shipped one. */
export function postgresMigrations(s: string): readonly { version: number; name: string; sql: string }[] {
  const guard = (table: string): string => `
    CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${s}.${table}
      FOR EACH ROW EXECUTE FUNCTION ${s}.airlock_refuse_change();
    CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${s}.${table}
      FOR EACH STATEMENT EXECUTE FUNCTION ${s}.airlock_refuse_change();`;
  return [
    {
      version: 1,
      name: 'audit chain',
      sql: `
        CREATE TABLE ${s}.records (
          seq BIGINT PRIMARY KEY,
          hash TEXT NOT NULL UNIQUE,
          prev TEXT NOT NULL,
          recorded_at TEXT NOT NULL,
          kind TEXT NOT NULL,
          submitted_by TEXT NOT NULL,
          refs TEXT,
          trace_id TEXT,
          decision TEXT NOT NULL,
          signature TEXT NOT NULL,
          kid TEXT NOT NULL,
          decision_id TEXT NOT NULL,
          project TEXT NOT NULL,
          requester TEXT NOT NULL,
          outcome TEXT NOT NULL,
          dataset TEXT,
          ruleset_digest TEXT NOT NULL
        );
        CREATE UNIQUE INDEX ${DECISION_KIND_INDEX} ON ${s}.records (decision_id, kind);
        CREATE INDEX records_project ON ${s}.records (project, seq);
        CREATE INDEX records_requester ON ${s}.records (requester, seq);
        CREATE INDEX records_dataset ON ${s}.records (dataset, seq);
        CREATE INDEX records_ruleset ON ${s}.records (ruleset_digest, seq);
        CREATE INDEX records_recorded_at ON ${s}.records (recorded_at);
        CREATE TABLE ${s}.released_tables (
          seq BIGINT NOT NULL REFERENCES ${s}.records (seq),
          idx INTEGER NOT NULL,
          output TEXT NOT NULL,
          dataset TEXT NOT NULL,
          dims TEXT NOT NULL,
          statistic TEXT NOT NULL,
          cells TEXT NOT NULL,
          total DOUBLE PRECISION,
          PRIMARY KEY (seq, idx)
        );
        CREATE INDEX released_lookup ON ${s}.released_tables (dataset, dims, seq);
        CREATE TABLE ${s}.rulesets (
          digest TEXT PRIMARY KEY,
          content TEXT NOT NULL
        );
        CREATE FUNCTION ${s}.airlock_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'airlock audit % are append-only: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END $$;
        ${guard('records')}
        ${guard('released_tables')}
        ${guard('rulesets')}
      `,
    },
    {
      version: 2,
      name: 'replay evidence and review lookups',
      sql: `
        CREATE TABLE ${s}.evidence (
          seq BIGINT PRIMARY KEY REFERENCES ${s}.records (seq),
          content TEXT NOT NULL
        );
        CREATE INDEX records_refs ON ${s}.records (refs, seq);
        ${guard('evidence')}
      `,
    },
    {
      version: 3,
      name: 'differencing history and unit dictionary',
      sql: `
        CREATE TABLE ${s}.history_entries (
          seq BIGINT NOT NULL REFERENCES ${s}.records (seq),
          idx INTEGER NOT NULL,
          output TEXT NOT NULL,
          kind TEXT NOT NULL,
          status TEXT NOT NULL,
          dataset TEXT NOT NULL,
          population TEXT NOT NULL,
          namespace TEXT NOT NULL,
          form TEXT NOT NULL,
          units BYTEA,
          units_sha256 TEXT,
          sketch BYTEA,
          sketch_sha256 TEXT,
          PRIMARY KEY (seq, idx)
        );
        CREATE TABLE ${s}.unit_dictionary (
          namespace TEXT NOT NULL,
          digest BYTEA NOT NULL,
          id BIGINT NOT NULL,
          seq BIGINT NOT NULL REFERENCES ${s}.records (seq),
          PRIMARY KEY (namespace, digest)
        );
        CREATE UNIQUE INDEX unit_dictionary_id ON ${s}.unit_dictionary (namespace, id);
        CREATE INDEX unit_dictionary_seq ON ${s}.unit_dictionary (seq);
        CREATE INDEX records_final ON ${s}.records (kind, seq);
        ${guard('history_entries')}
        ${guard('unit_dictionary')}
      `,
    },
    {
      version: 4,
      name: 'transparency log: signed entries, Merkle tree nodes, checkpoints',
      sql: `
        CREATE TABLE ${s}.log_entries (
          seq BIGINT PRIMARY KEY,
          entry TEXT NOT NULL,
          signature TEXT
        );
        CREATE TABLE ${s}.log_nodes (
          level INTEGER NOT NULL,
          idx BIGINT NOT NULL,
          hash BYTEA NOT NULL,
          PRIMARY KEY (level, idx)
        );
        CREATE TABLE ${s}.checkpoints (
          size BIGINT PRIMARY KEY,
          root BYTEA NOT NULL,
          note TEXT NOT NULL,
          created_at TEXT NOT NULL
        );
        ${guard('log_entries')}
        ${guard('log_nodes')}
        ${guard('checkpoints')}
      `,
    },
    {
      // Self-contained (no reference to version 4), so branches adding migrations merge by renumbering.
      version: 5,
      name: 'idempotency keys',
      sql: `
        CREATE TABLE ${s}.idempotency_keys (
          scope TEXT NOT NULL,
          key TEXT NOT NULL,
          request_sha256 TEXT NOT NULL,
          decision_id TEXT NOT NULL,
          created_at TEXT NOT NULL,
          expires_at TEXT NOT NULL,
          PRIMARY KEY (scope, key)
        );
        CREATE INDEX idempotency_keys_expiry ON ${s}.idempotency_keys (expires_at);
      `,
    },
    {
      version: 6,
      name: 'unit coverage snapshots',
      // Derived data (a cache of released units per dataset), outside the chain: replaced, not appended.
      sql: `
        CREATE TABLE ${s}.unit_coverage (
          namespace TEXT NOT NULL,
          dataset TEXT NOT NULL,
          upto_seq BIGINT NOT NULL,
          units BYTEA NOT NULL,
          PRIMARY KEY (namespace, dataset)
        );
      `,
    },
    {
      // Self-contained, like version 5: renumbered, not rewritten, when branches merge.
      version: 7,
      name: 'webhook outbox',
      sql: webhookTablesSql((t) => `${s}.${t}`, 'BIGINT'),
    },
  ];
}

async function migrate(pool: pg.Pool, schema: string, s: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Serialises concurrent start-ups, including CREATE SCHEMA IF NOT EXISTS, which can race.
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`airlock:audit:migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${s}.schema_migrations`);
    const current = rows[0]?.v ?? 0;
    const migrations = postgresMigrations(s);
    const latest = migrations[migrations.length - 1]?.version ?? 0;
    if (current > latest) {
      throw new AirlockError('STORE_UNAVAILABLE', `the audit schema ${schema} has version ${current}, newer than this airlock knows (${latest})`);
    }
    for (const m of migrations) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
    }
    await client.query('COMMIT');
    client.release();
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(true);
    throw e;
  }
}

/**
 * Opens the PostgreSQL audit store, creating and migrating its schema when needed. Throws
 * `STORE_UNAVAILABLE` when the database cannot be reached or migrated, `CONFIG_INVALID` for a
 * bad schema name.
 *
 * @example const store = await openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', schema: 'audit_t1' });
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<AuditStore> {
  const schema = options.schema ?? DEFAULT_PG_SCHEMA;
  if (!SCHEMA_NAME.test(schema)) throw new AirlockError('CONFIG_INVALID', `"${schema}" is not a valid PostgreSQL schema name`);
  // A client losing its connection, idle or checked out, must not crash the process; the query
  // in flight (or the next one) reports it and the client is discarded.
  const pool = resilientPool(
    {
      connectionString: options.connectionString,
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      application_name: options.applicationName ?? 'airlock',
    },
    { name: 'audit', logger: options.logger },
  );
  const s = `"${schema}"`;
  try {
    await migrate(pool, schema, s);
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw storeError(e, 'open the PostgreSQL audit schema');
  }
  return new PostgresStore(pool, schema, s, options.log ? logSigner(options.log) : null, options.onCheckpoint);
}

function lockLost(): AirlockError {
  return new AirlockError('STORE_UNAVAILABLE', 'the connection holding the differencing lock was lost before the decision was recorded; nothing was recorded, retry the request');
}

/** The most records one append transaction takes; more waiting appends go into the next. */
const PG_MAX_BATCH = 64;

interface PendingAppend {
  input: AppendInput;
  /** The dataset lock the append was made under, which must still be held when it commits. */
  fence: LockFence | undefined;
  resolve(ref: AuditRef): void;
  reject(e: unknown): void;
}

class PostgresStore implements AuditStore {
  readonly backend = 'postgres' as const;
  private readonly knownRulesets = new Set<string>();
  private readonly beginAppend: string;
  private readonly insertRecord: string;
  private readonly recordColumns = RECORD_COLUMNS.split(', ') as (keyof RecordRow)[];
  private pending: PendingAppend[] = [];
  /** The append transactions running one after another, or null when none is. */
  private draining: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
    private readonly s: string,
    private readonly signer: LogSigner | null = null,
    private readonly onCheckpoint?: (note: string) => void,
  ) {
    // One round trip to open the transaction, take the chain lock and read the head. The lock
    // key is a literal because multi-statement queries take no parameters; `schema` matched
    // SCHEMA_NAME, so it has no quote to escape.
    this.beginAppend = `BEGIN; SET LOCAL synchronous_commit = on;
      SELECT pg_advisory_xact_lock(hashtextextended('${chainLockName(schema)}', 0));
      SELECT seq, hash FROM ${s}.records ORDER BY seq DESC LIMIT 1;`;
    // A duplicate (decision id, kind) inserts nothing and returns no row, instead of aborting the batch.
    this.insertRecord = `INSERT INTO ${s}.records (${RECORD_COLUMNS}) VALUES (${this.recordColumns.map((_, i) => `$${i + 1}`).join(', ')})
      ON CONFLICT (decision_id, kind) DO NOTHING RETURNING seq`;
  }

  append(input: AppendInput): Promise<AuditRef> {
    const fence = currentFence();
    if (fence?.lost()) return Promise.reject(lockLost());
    return new Promise<AuditRef>((resolve, reject) => {
      this.pending.push({ input, fence, resolve, reject });
      if (!this.draining) this.draining = this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) await this.commitBatch();
    } finally {
      this.draining = null;
    }
  }

  /** One append transaction for the appends waiting once the chain lock is held; settles each of them. */
  private async commitBatch(): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      for (const p of this.pending.splice(0, PG_MAX_BATCH)) p.reject(storeError(e, 'record the decision'));
      return;
    }
    let batch: PendingAppend[] | null = null;
    try {
      const results = (await client.query(this.beginAppend)) as unknown as pg.QueryResult<{ seq: string; hash: string }>[];
      batch = this.pending.splice(0, PG_MAX_BATCH);
      const head = results[results.length - 1]?.rows[0];
      let seq = head ? Number(head.seq) + 1 : 1;
      let prev = head?.hash ?? GENESIS_PREV;
      const added = new Set<string>();
      const outcomes: ({ ref: AuditRef } | { error: AirlockError })[] = [];
      const held = await this.heldFences(client, batch);
      // Under the chain lock, so replicas claiming one key see each other's committed claims.
      if (batch.some((p) => p.input.idempotency)) await client.query(`DELETE FROM ${this.s}.idempotency_keys WHERE expires_at <= $1`, [new Date().toISOString()]);
      for (const { input, fence } of batch) {
        if (fence && !held.has(fence.token)) {
          // The dataset lock this decision was differenced under is gone: not a word of it is written.
          outcomes.push({ error: lockLost() });
          continue;
        }
        let prepared: ReturnType<typeof prepareRecord>;
        try {
          prepared = prepareRecord(input, seq, prev, new Date().toISOString());
        } catch (e) {
          // Unrepresentable input (INTERNAL): nothing was written for it; the others go on.
          outcomes.push({ error: storeError(e, 'record the decision') });
          continue;
        }
        const { row, released, evidence, history, dictionary, ref } = prepared;
        const claim = input.idempotency;
        if (claim) {
          const claimed = await client.query(
            `INSERT INTO ${this.s}.idempotency_keys (scope, key, request_sha256, decision_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (scope, key) DO NOTHING`,
            [claim.scope, claim.key, claim.requestSha256, input.decision.id, row.recorded_at, claim.expiresAt],
          );
          if (claimed.rowCount === 0) {
            outcomes.push({ error: new AirlockError('IDEMPOTENCY_KEY_REUSED', `the Idempotency-Key "${claim.key}" is already used by another decision`) });
            continue;
          }
        }
        const inserted = await client.query(this.insertRecord, this.recordColumns.map((c) => row[c]));
        if (inserted.rowCount === 0) {
          if (claim) await client.query(`DELETE FROM ${this.s}.idempotency_keys WHERE scope = $1 AND key = $2 AND decision_id = $3`, [claim.scope, claim.key, input.decision.id]);
          outcomes.push({ error: new AirlockError('CONFLICT', `decision ${input.decision.id} already has a ${input.kind ?? 'decision'} record`) });
          continue;
        }
        if (released.length > 0) {
          const values: unknown[] = [];
          const tuples = released.map((r) => {
            const base = values.length;
            values.push(r.seq, r.idx, r.output, r.dataset, r.dims, r.statistic, r.cells, r.total);
            return `(${[1, 2, 3, 4, 5, 6, 7, 8].map((k) => `$${base + k}`).join(', ')})`;
          });
          await client.query(
            `INSERT INTO ${this.s}.released_tables (seq, idx, output, dataset, dims, statistic, cells, total) VALUES ${tuples.join(', ')}`,
            values,
          );
        }
        if (evidence) await client.query(`INSERT INTO ${this.s}.evidence (seq, content) VALUES ($1, $2)`, [evidence.seq, evidence.content]);
        for (const h of history) {
          await client.query(`INSERT INTO ${this.s}.history_entries (${HISTORY_COLUMNS.join(', ')}) VALUES (${HISTORY_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, HISTORY_COLUMNS.map((c) => h[c]));
        }
        if (dictionary.length > 0) {
          // Arrays in one statement: a release may add a hundred thousand units.
          await client.query(
            `INSERT INTO ${this.s}.unit_dictionary (namespace, digest, id, seq) SELECT * FROM unnest($1::text[], $2::bytea[], $3::bigint[], $4::bigint[])`,
            [dictionary.map((d) => d.namespace), dictionary.map((d) => d.digest), dictionary.map((d) => d.id), dictionary.map((d) => d.seq)],
          );
        }
        // The outbox row commits or rolls back with its record: never lost, never for an unrecorded one.
        for (const e of webhookEventsOf(input, seq, row.recorded_at)) await client.query(insertEventSql(`${this.s}.webhook_events`), eventParams(e, seq, row.recorded_at));
        const rs = input.ruleset;
        if (rs && !this.knownRulesets.has(rs.digest) && !added.has(rs.digest)) {
          await client.query(`INSERT INTO ${this.s}.rulesets (digest, content) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING`, [
            rs.digest,
            canonicalJson(rs.content),
          ]);
          added.add(rs.digest);
        }
        seq += 1;
        prev = ref.hash;
        outcomes.push({ ref });
      }
      const checkpoint = await this.log(client, batch.length);
      await client.query('COMMIT');
      client.release();
      for (const d of added) this.knownRulesets.add(d);
      if (checkpoint) this.onCheckpoint?.(checkpoint);
      batch.forEach((p, i) => {
        const o = outcomes[i]!;
        if ('ref' in o) p.resolve(o.ref);
        else p.reject(o.error);
      });
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      // A broken connection must not go back to the pool.
      client.release(true);
      // Failing before the lock was held fails the appends that were waiting for it.
      for (const p of batch ?? this.pending.splice(0, PG_MAX_BATCH)) p.reject(storeError(e, 'record the decision'));
    }
  }

  /**
   * Logs every record the tree does not cover yet (this batch's and up to LOG_CATCH_UP older
   * ones), inside the append transaction and under the chain lock, so the tree state read here
   * is the one every replica sees. Returns the signed checkpoint note, if any.
   */
  private async log(client: pg.PoolClient, batchSize: number): Promise<string | undefined> {
    const s = this.s;
    const { rows: sized } = await client.query<{ n: string }>(`SELECT coalesce(max(seq), 0) AS n FROM ${s}.log_entries`);
    const size = Number(sized[0]?.n ?? 0);
    const keys = frontierKeys(size);
    const found = await this.nodesOn(client, keys);
    const frontier = keys.map((k) => {
      const hash = found.get(`${k.level}/${k.index}`);
      // A tree with a hole cannot be extended: fail the batch rather than log past it.
      if (!hash) throw new Error(`transparency log node ${k.level}/${k.index} is missing`);
      return { ...k, hash };
    });
    const { rows } = await client.query<LogEntryFields & { seq: string }>(`SELECT seq, kind, decision_id, hash FROM ${s}.records WHERE seq > $1 ORDER BY seq LIMIT $2`, [size, batchSize + LOG_CATCH_UP]);
    const r = extendLog({ size, frontier }, rows.map((x) => ({ ...x, seq: Number(x.seq) })), this.signer, new Date().toISOString());
    if (r.entries.length > 0) {
      await client.query(`INSERT INTO ${s}.log_entries (seq, entry, signature) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`, [
        r.entries.map((e) => e.seq),
        r.entries.map((e) => e.entry),
        r.entries.map((e) => e.signature),
      ]);
      await client.query(`INSERT INTO ${s}.log_nodes (level, idx, hash) SELECT * FROM unnest($1::int[], $2::bigint[], $3::bytea[])`, [
        r.nodes.map((n) => n.level),
        r.nodes.map((n) => n.index),
        r.nodes.map((n) => n.hash),
      ]);
    }
    if (r.checkpoint) {
      const c = r.checkpoint;
      await client.query(`INSERT INTO ${s}.checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4)`, [c.size, c.root, c.note, c.created_at]);
    }
    return r.checkpoint?.note;
  }

  private async nodesOn(q: Pick<pg.Pool, 'query'>, keys: readonly NodeKey[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    if (keys.length === 0) return out;
    const { rows } = await q.query<{ level: number; idx: string; hash: Buffer }>(
      `SELECT n.level, n.idx, n.hash FROM ${this.s}.log_nodes n JOIN unnest($1::int[], $2::bigint[]) AS k(level, idx) ON n.level = k.level AND n.idx = k.idx`,
      [keys.map((k) => k.level), keys.map((k) => k.index)],
    );
    for (const r of rows) out.set(`${r.level}/${Number(r.idx)}`, r.hash);
    return out;
  }

  async catchUpLog(): Promise<{ size: number; unlogged: number }> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw storeError(e, 'extend the transparency log');
    }
    try {
      await client.query(this.beginAppend);
      const checkpoint = await this.log(client, 0);
      const { rows } = await client.query<{ size: string; records: string }>(
        `SELECT (SELECT coalesce(max(seq), 0) FROM ${this.s}.log_entries) AS size, (SELECT coalesce(max(seq), 0) FROM ${this.s}.records) AS records`,
      );
      await client.query('COMMIT');
      client.release();
      if (checkpoint) this.onCheckpoint?.(checkpoint);
      return { size: Number(rows[0]!.size), unlogged: Number(rows[0]!.records) - Number(rows[0]!.size) };
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      throw storeError(e, 'extend the transparency log');
    }
  }

  async logSize(): Promise<number> {
    try {
      const { rows } = await this.pool.query<{ n: string }>(`SELECT coalesce(max(seq), 0) AS n FROM ${this.s}.log_entries`);
      return Number(rows[0]?.n ?? 0);
    } catch (e) {
      throw storeError(e, 'read the transparency log');
    }
  }

  async logNodes(keys: readonly NodeKey[]): Promise<Map<string, Buffer>> {
    try {
      return await this.nodesOn(this.pool, keys);
    } catch (e) {
      throw storeError(e, 'read the transparency log');
    }
  }

  async logEntries(q: { fromSeq: number; toSeq: number }): Promise<LogEntryRow[]> {
    try {
      const { rows } = await this.pool.query<LogEntryRow>(`SELECT seq, entry, signature FROM ${this.s}.log_entries WHERE seq BETWEEN $1 AND $2 ORDER BY seq`, [q.fromSeq, q.toSeq]);
      return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
    } catch (e) {
      throw storeError(e, 'read the transparency log');
    }
  }

  async latestCheckpoint(): Promise<CheckpointRow | null> {
    try {
      const { rows } = await this.pool.query<CheckpointRow>(`SELECT size, root, note, created_at FROM ${this.s}.checkpoints ORDER BY size DESC LIMIT 1`);
      return checkpointFromRow(rows[0]);
    } catch (e) {
      throw storeError(e, 'read the transparency log');
    }
  }

  async checkpoints(q: { afterSize: number; limit: number }): Promise<CheckpointRow[]> {
    try {
      const { rows } = await this.pool.query<CheckpointRow>(`SELECT size, root, note, created_at FROM ${this.s}.checkpoints WHERE size > $1 ORDER BY size LIMIT $2`, [q.afterSize, q.limit]);
      return rows.map((r) => checkpointFromRow(r)!);
    } catch (e) {
      throw storeError(e, 'read the transparency log');
    }
  }

  /**
   * The fence tokens of `batch` whose dataset lock is still held, checked inside the append
   * transaction while it holds the chain lock: a session that dies after this check cannot
   * let another replica read the history before this transaction ends, since the dataset
   * lock's barrier waits for the chain lock.
   */
  private async heldFences(client: pg.PoolClient, batch: readonly PendingAppend[]): Promise<Set<string>> {
    const tokens = batch.flatMap((p) => (p.fence && !p.fence.lost() ? [p.fence.token] : []));
    if (tokens.length === 0) return new Set();
    const { rows } = await client.query<{ token: string }>(HELD_FENCES_SQL, [tokens]);
    return new Set(rows.map((r) => r.token));
  }

  async get(decisionId: string) {
    try {
      const { rows } = await this.pool.query<RecordRow>(
        `SELECT ${RECORD_COLUMNS} FROM ${this.s}.records WHERE decision_id = $1 ORDER BY seq LIMIT 1`,
        [decisionId],
      );
      return rows[0] ? recordFromRow(rows[0]) : null;
    } catch (e) {
      throw storeError(e, 'read the decision');
    }
  }

  webhooks(): WebhookOutbox {
    const pool = this.pool;
    const plain = {
      backend: 'postgres' as const,
      table: (t: string) => `${this.s}.${t}`,
      run: async (sql: string, params: readonly unknown[] = []) => (await pool.query(sql, [...params])).rowCount ?? 0,
      all: async <T,>(sql: string, params: readonly unknown[] = []) => (await pool.query(sql, [...params])).rows as T[],
    };
    const db: OutboxDb = {
      ...plain,
      async tx(fn) {
        const client = await pool.connect();
        const inTx = { ...plain, run: async (sql: string, p: readonly unknown[] = []) => (await client.query(sql, [...p])).rowCount ?? 0, all: async <T,>(sql: string, p: readonly unknown[] = []) => (await client.query(sql, [...p])).rows as T[] };
        try {
          await client.query('BEGIN');
          const r = await fn(inTx);
          await client.query('COMMIT');
          client.release();
          return r;
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          client.release(true);
          throw e;
        }
      },
    };
    return webhookOutbox(db);
  }

  async idempotencyKey(scope: string, key: string, now: string) {
    try {
      const { rows } = await this.pool.query<IdempotencyRecord>(
        `SELECT request_sha256, decision_id, expires_at FROM ${this.s}.idempotency_keys WHERE scope = $1 AND key = $2 AND expires_at > $3`,
        [scope, key, now],
      );
      return rows[0] ?? null;
    } catch (e) {
      throw storeError(e, 'read the idempotency key');
    }
  }

  async list(filter: ListFilter, page: PageRequest) {
    const q = listQuery(filter, page, (n) => `$${n}`, { kind: 'postgres', records: `${this.s}.records` });
    try {
      const { rows } = await this.pool.query<RecordRow>(
        `SELECT ${RECORD_COLUMNS} FROM ${this.s}.records WHERE ${q.where} ORDER BY seq ${q.order} LIMIT $${q.params.length + 1}`,
        [...q.params, q.limit + 1],
      );
      return pageOf(rows, q.limit);
    } catch (e) {
      throw storeError(e, 'list decisions');
    }
  }

  async historyEntries(q: { afterSeq: number; limit: number }) {
    try {
      const { rows } = await this.pool.query<Parameters<typeof historyEntryFromRow>[0]>(
        `SELECT h.seq, h.idx, h.output, h.kind, h.status, h.dataset, h.population, h.namespace, h.form, h.units IS NOT NULL AS has_units, h.sketch,
                d.decision_id, d.refs, d.kind AS record_kind, d.project
         FROM ${this.s}.history_entries h JOIN ${this.s}.records d ON d.seq = h.seq
         WHERE h.seq > $1 ORDER BY h.seq, h.idx LIMIT $2`,
        [q.afterSeq, q.limit],
      );
      return rows.map(historyEntryFromRow);
    } catch (e) {
      throw storeError(e, 'read the differencing history');
    }
  }

  async settledReviews(q: { afterSeq: number }) {
    try {
      const { rows } = await this.pool.query<{ seq: string; refs: string | null }>(`SELECT seq, refs FROM ${this.s}.records WHERE kind = 'final' AND seq > $1 ORDER BY seq`, [q.afterSeq]);
      return rows.filter((r) => r.refs !== null).map((r) => ({ seq: Number(r.seq), decision_id: r.refs! }));
    } catch (e) {
      throw storeError(e, 'read the differencing history');
    }
  }

  async historyUnits(keys: readonly { seq: number; idx: number }[]) {
    if (keys.length === 0) return [];
    try {
      const { rows } = await this.pool.query<{ seq: string; idx: number; units: Buffer | null }>(
        `SELECT h.seq, h.idx, h.units FROM ${this.s}.history_entries h JOIN unnest($1::bigint[], $2::int[]) AS k(seq, idx) ON h.seq = k.seq AND h.idx = k.idx`,
        [keys.map((k) => k.seq), keys.map((k) => k.idx)],
      );
      return rows.filter((r) => r.units !== null).map((r) => ({ seq: Number(r.seq), idx: Number(r.idx), units: r.units! }));
    } catch (e) {
      throw storeError(e, 'read the differencing history');
    }
  }

  async unitIds(namespace: string, digests: readonly Uint8Array[]) {
    try {
      const ids = new Map<string, number>();
      if (digests.length > 0) {
        const { rows } = await this.pool.query<{ digest: Buffer; id: string }>(`SELECT digest, id FROM ${this.s}.unit_dictionary WHERE namespace = $1 AND digest = ANY($2::bytea[])`, [
          namespace,
          digests.map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength)),
        ]);
        for (const r of rows) ids.set(r.digest.toString('hex'), Number(r.id));
      }
      const { rows: max } = await this.pool.query<{ m: string | null }>(`SELECT max(id) AS m FROM ${this.s}.unit_dictionary WHERE namespace = $1`, [namespace]);
      return { ids, maxId: Number(max[0]?.m ?? 0) };
    } catch (e) {
      throw storeError(e, 'read the unit dictionary');
    }
  }

  async unitCoverage(namespace: string) {
    try {
      const { rows } = await this.pool.query<{ namespace: string; dataset: string; upto_seq: string; units: Buffer }>(`SELECT namespace, dataset, upto_seq, units FROM ${this.s}.unit_coverage WHERE namespace = $1`, [namespace]);
      return rows.map((r) => ({ namespace: r.namespace, dataset: r.dataset, upto_seq: Number(r.upto_seq), units: r.units }));
    } catch (e) {
      throw storeError(e, 'read the unit coverage');
    }
  }

  async saveUnitCoverage(row: UnitCoverageRow) {
    try {
      await this.pool.query(
        `INSERT INTO ${this.s}.unit_coverage (namespace, dataset, upto_seq, units) VALUES ($1, $2, $3, $4)
         ON CONFLICT (namespace, dataset) DO UPDATE SET upto_seq = excluded.upto_seq, units = excluded.units WHERE excluded.upto_seq > ${this.s}.unit_coverage.upto_seq`,
        [row.namespace, row.dataset, row.upto_seq, Buffer.from(row.units.buffer, row.units.byteOffset, row.units.byteLength)],
      );
    } catch (e) {
      throw storeError(e, 'save the unit coverage');
    }
  }

  async getRuleset(digest: string) {
    try {
      const { rows } = await this.pool.query<{ content: string }>(`SELECT content FROM ${this.s}.rulesets WHERE digest = $1`, [digest]);
      return rows[0] ? (JSON.parse(rows[0].content) as unknown) : null;
    } catch (e) {
      throw storeError(e, 'read the rule set');
    }
  }

  async rulesetUsage(): Promise<RulesetUsage[]> {
    try {
      const { rows } = await this.pool.query<RulesetUsage>(RULESET_USAGE_SQL(`${this.s}.records`));
      return rows.map((r) => ({ ...r, decisions: Number(r.decisions) }));
    } catch (e) {
      throw storeError(e, 'read the rule set history');
    }
  }

  async *scan(fromSeq = 1): AsyncIterable<ScannedRecord> {
    let next = fromSeq;
    for (;;) {
      let rows: RecordRow[];
      let released: ReleasedRow[];
      let evidence: EvidenceRow[];
      let history: HistoryRow[];
      let dictionary: DictionaryRow[];
      try {
        ({ rows } = await this.pool.query<RecordRow>(
          `SELECT ${RECORD_COLUMNS} FROM ${this.s}.records WHERE seq >= $1 ORDER BY seq LIMIT $2`,
          [next, SCAN_PAGE],
        ));
        if (rows.length === 0) return;
        ({ rows: released } = await this.pool.query<ReleasedRow>(
          `SELECT * FROM ${this.s}.released_tables WHERE seq BETWEEN $1 AND $2 ORDER BY seq, idx`,
          [rows[0]!.seq, rows[rows.length - 1]!.seq],
        ));
        ({ rows: evidence } = await this.pool.query<EvidenceRow>(`SELECT seq, content FROM ${this.s}.evidence WHERE seq BETWEEN $1 AND $2`, [
          rows[0]!.seq,
          rows[rows.length - 1]!.seq,
        ]));
        const [lo, hi] = [rows[0]!.seq, rows[rows.length - 1]!.seq];
        ({ rows: history } = await this.pool.query<HistoryRow>(`SELECT * FROM ${this.s}.history_entries WHERE seq BETWEEN $1 AND $2 ORDER BY seq, idx`, [lo, hi]));
        ({ rows: dictionary } = await this.pool.query<DictionaryRow>(`SELECT namespace, digest, id, seq FROM ${this.s}.unit_dictionary WHERE seq BETWEEN $1 AND $2`, [lo, hi]));
      } catch (e) {
        throw storeError(e, 'read the audit trail');
      }
      const bySeq = groupBySeq(released);
      const evidenceBySeq = new Map(evidence.map((e) => [Number(e.seq), e]));
      const historyBySeq = groupBySeq(history);
      const dictionaryBySeq = groupBySeq(dictionary);
      for (const row of rows) {
        const seq = Number(row.seq);
        yield scannedFromRows(row, bySeq.get(seq) ?? [], evidenceBySeq.get(seq), historyBySeq.get(seq), dictionaryBySeq.get(seq));
      }
      next = Number(rows[rows.length - 1]!.seq) + 1;
    }
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    // Appends already made are committed (or fail) before the pool goes.
    while (this.draining) await this.draining;
    await this.pool.end().catch(() => undefined);
  }
}
