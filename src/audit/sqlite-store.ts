/**
 * The embedded audit store: one SQLite file (`audit.sqlite`) under the data directory.
 *
 * Durability: WAL journal with `synchronous = FULL`, so a resolved `append` has been fsynced.
 * Appends run in `BEGIN IMMEDIATE` transactions, which serialise writers (even from another
 * process on the same file) so seqs stay gapless.
 *
 * Group commit: appends are committed by the process's audit writer thread
 * (`sqlite-writer-thread.ts`), off the event loop, one batch at a time per store. Appends made
 * in the same event-loop turn, and all those made while a commit is in progress, go into the
 * next batch, written in ONE transaction with one fsync (`sqlite-appender.ts`), each record with
 * its own seq and hash in call order. Each promise settles only after its transaction: all
 * resolve once it has committed, or all reject with STORE_UNAVAILABLE and nothing of the batch
 * remains (the next batch continues the chain from the same head). A record refused as a
 * duplicate (decision id and kind) is skipped without aborting the others, and only its own
 * promise rejects with CONFLICT. Reads run on the calling thread's own connection and see
 * every commit whose append has resolved (a WAL reader starts from the latest commit).
 *
 * There is no UPDATE or DELETE anywhere in this code, and triggers make the database itself
 * refuse them (`RAISE(ABORT)`), so a mistaken maintenance statement fails instead of silently
 * rewriting history; a deliberate edit (triggers dropped, bytes changed in the file) is what
 * `verifyAudit` catches.
 *
 * @example
 * const store = await openSqliteStore({ dataDir: './data' });
 * const ref = await store.append(input);
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AirlockError } from '../errors.js';
import { slimRecordInput } from './audit-store.js';
import type { AppendInput, AuditRef, AuditStore, IdempotencyRecord, ListFilter, PageRequest, RulesetUsage, ScannedRecord, UnitCoverageRow } from './audit-store.js';
import {
  DECISION_KIND_INDEX,
  RECORD_COLUMNS,
  RULESET_USAGE_SQL,
  SCAN_PAGE,
  groupBySeq,
  listQuery,
  pageOf,
  recordFromRow,
  scannedFromRows,
  storeError,
  type DictionaryRow,
  type EvidenceRow,
  type HistoryRow,
  type RecordRow,
  type ReleasedRow,
  checkpointFromRow,
  historyEntryFromRow,
} from './record-rows.js';
import type { NodeKey } from '../lib/merkle-tree.js';
import type { CheckpointRow, LogEntryRow } from './transparency-log.js';
import type { BatchResult, WireAppend } from './sqlite-appender.js';
import type { WriterConnection } from './sqlite-writer-thread.js';
import type { LogSignerConfig } from './transparency-log.js';
import { openWriterConnection } from './sqlite-writer-thread.js';
import { positional } from './side-store.js';
import { webhookOutbox, webhookTablesSql, type OutboxDb, type WebhookOutbox } from './webhook-outbox.js';
import { at } from '../lib/invariant.js';

export interface SqliteStoreOptions {
  /** Directory holding the database file (created 0700 when missing). */
  dataDir: string;
  /** File name inside `dataDir`. */
  fileName?: string;
  /** How long a write waits for another writer's lock before failing with STORE_UNAVAILABLE. */
  busyTimeoutMs?: number;
  /** The log key: entries and checkpoints are signed with it (unsigned without one). */
  log?: LogSignerConfig | null;
  /** Called with each checkpoint a committed batch signed (for the witnesses); must not throw. */
  onCheckpoint?: (note: string) => void;
}

/** The default database file name. */
export const SQLITE_FILE = 'audit.sqlite';

const refuse = (table: string, op: 'UPDATE' | 'DELETE'): string =>
  `CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table}
   BEGIN SELECT RAISE(ABORT, 'airlock audit ${table} are append-only: ${op} refused'); END;`;

/** Versioned schema changes, applied in order at open; never edit one that has shipped. */
export const SQLITE_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'audit chain',
    sql: `
      CREATE TABLE records (
        seq INTEGER PRIMARY KEY,
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
      ) STRICT;
      CREATE UNIQUE INDEX ${DECISION_KIND_INDEX} ON records (decision_id, kind);
      CREATE INDEX records_project ON records (project, seq);
      CREATE INDEX records_requester ON records (requester, seq);
      CREATE INDEX records_dataset ON records (dataset, seq);
      CREATE INDEX records_ruleset ON records (ruleset_digest, seq);
      CREATE INDEX records_recorded_at ON records (recorded_at);
      CREATE TABLE released_tables (
        seq INTEGER NOT NULL REFERENCES records (seq),
        idx INTEGER NOT NULL,
        output TEXT NOT NULL,
        dataset TEXT NOT NULL,
        dims TEXT NOT NULL,
        statistic TEXT NOT NULL,
        cells TEXT NOT NULL,
        total REAL,
        PRIMARY KEY (seq, idx)
      ) STRICT;
      CREATE INDEX released_lookup ON released_tables (dataset, dims, seq);
      CREATE TABLE rulesets (
        digest TEXT PRIMARY KEY,
        content TEXT NOT NULL
      ) STRICT;
      ${refuse('records', 'UPDATE')}
      ${refuse('records', 'DELETE')}
      ${refuse('released_tables', 'UPDATE')}
      ${refuse('released_tables', 'DELETE')}
      ${refuse('rulesets', 'UPDATE')}
      ${refuse('rulesets', 'DELETE')}
    `,
  },
  {
    version: 2,
    name: 'replay evidence and review lookups',
    sql: `
      CREATE TABLE evidence (
        seq INTEGER PRIMARY KEY REFERENCES records (seq),
        content TEXT NOT NULL
      ) STRICT;
      CREATE INDEX records_refs ON records (refs, seq);
      ${refuse('evidence', 'UPDATE')}
      ${refuse('evidence', 'DELETE')}
    `,
  },
  {
    version: 3,
    name: 'differencing history and unit dictionary',
    sql: `
      CREATE TABLE history_entries (
        seq INTEGER NOT NULL REFERENCES records (seq),
        idx INTEGER NOT NULL,
        output TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        dataset TEXT NOT NULL,
        population TEXT NOT NULL,
        namespace TEXT NOT NULL,
        form TEXT NOT NULL,
        units BLOB,
        units_sha256 TEXT,
        sketch BLOB,
        sketch_sha256 TEXT,
        PRIMARY KEY (seq, idx)
      ) STRICT;
      CREATE TABLE unit_dictionary (
        namespace TEXT NOT NULL,
        digest BLOB NOT NULL,
        id INTEGER NOT NULL,
        seq INTEGER NOT NULL REFERENCES records (seq),
        PRIMARY KEY (namespace, digest)
      ) STRICT, WITHOUT ROWID;
      CREATE UNIQUE INDEX unit_dictionary_id ON unit_dictionary (namespace, id);
      CREATE INDEX unit_dictionary_seq ON unit_dictionary (seq);
      CREATE INDEX records_final ON records (kind, seq);
      ${refuse('history_entries', 'UPDATE')}
      ${refuse('history_entries', 'DELETE')}
      ${refuse('unit_dictionary', 'UPDATE')}
      ${refuse('unit_dictionary', 'DELETE')}
    `,
  },
  {
    version: 4,
    name: 'transparency log: signed entries, Merkle tree nodes, checkpoints',
    sql: `
      CREATE TABLE log_entries (
        seq INTEGER PRIMARY KEY,
        entry TEXT NOT NULL,
        signature TEXT
      ) STRICT;
      CREATE TABLE log_nodes (
        level INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        hash BLOB NOT NULL,
        PRIMARY KEY (level, idx)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE checkpoints (
        size INTEGER PRIMARY KEY,
        root BLOB NOT NULL,
        note TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      ${refuse('log_entries', 'UPDATE')}
      ${refuse('log_entries', 'DELETE')}
      ${refuse('log_nodes', 'UPDATE')}
      ${refuse('log_nodes', 'DELETE')}
      ${refuse('checkpoints', 'UPDATE')}
      ${refuse('checkpoints', 'DELETE')}
    `,
  },
  {
    // Self-contained (no reference to version 4), so branches adding migrations merge by renumbering.
    version: 5,
    name: 'idempotency keys',
    sql: `
      CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        request_sha256 TEXT NOT NULL,
        decision_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        PRIMARY KEY (scope, key)
      ) STRICT;
      CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
    `,
  },
  {
    version: 6,
    name: 'unit coverage snapshots',
    // Derived data (a cache of released units per dataset), outside the chain: replaced, not appended.
    sql: `
      CREATE TABLE unit_coverage (
        namespace TEXT NOT NULL,
        dataset TEXT NOT NULL,
        upto_seq INTEGER NOT NULL,
        units BLOB NOT NULL,
        PRIMARY KEY (namespace, dataset)
      ) STRICT;
    `,
  },
  {
    // Self-contained, like version 5: renumbered, not rewritten, when branches merge.
    version: 7,
    name: 'webhook outbox',
    sql: webhookTablesSql((t) => t, 'INTEGER'),
  },
];

/** The history-entry lookup (entries after a seq, with their record's decision id, kind, reference and project). */
const HISTORY_ENTRIES_SQL = `
  SELECT h.seq, h.idx, h.output, h.kind, h.status, h.dataset, h.population, h.namespace, h.form, h.units IS NOT NULL AS has_units, h.sketch,
         d.decision_id, d.refs, d.kind AS record_kind, d.project
  FROM history_entries h JOIN records d ON d.seq = h.seq
  WHERE h.seq > ? ORDER BY h.seq, h.idx LIMIT ?`;

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
  db.transaction(() => {
    const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
    const current = row.v ?? 0;
    const latest = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1]?.version ?? 0;
    if (current > latest) {
      throw new AirlockError('STORE_UNAVAILABLE', `the audit database has schema version ${current}, newer than this airlock knows (${latest})`);
    }
    for (const m of SQLITE_MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    }
  }).immediate();
}

/**
 * Opens (creating and migrating when needed) the SQLite audit store in `dataDir`. Throws
 * `STORE_UNAVAILABLE` when the file cannot be opened or migrated.
 *
 * @example const store = await openSqliteStore({ dataDir: process.env.AIRLOCK_DATA_DIR ?? './data' });
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<AuditStore> {
  const path = join(options.dataDir, options.fileName ?? SQLITE_FILE);
  let db: Database.Database;
  try {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    db = new Database(path);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (e) {
    throw storeError(e, `open ${path}`);
  }
  return new SqliteStore(db, openWriterConnection(path, options.busyTimeoutMs ?? 5000, options.log ?? null), path, options.busyTimeoutMs ?? 5000, options.onCheckpoint);
}

/**
 * The webhook outbox on its own connection to the audit file: its transactions span awaits
 * (a delivery is claimed, then sent), so they must not share the readers' connection.
 */
function sqliteOutboxDb(path: string, busyTimeoutMs: number): { db: OutboxDb; close(): void } {
  const conn = new Database(path);
  conn.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  conn.pragma('synchronous = FULL');
  const run = (sql: string, params: readonly unknown[] = []) => {
    const p = positional(sql, params);
    return conn.prepare(p.sql).run(...p.params).changes;
  };
  const all = <T>(sql: string, params: readonly unknown[] = []) => {
    const p = positional(sql, params);
    const stmt = conn.prepare(p.sql);
    return (stmt.reader ? stmt.all(...p.params) : (stmt.run(...p.params), [])) as T[];
  };
  const plain = { backend: 'sqlite' as const, table: (t: string) => t, run: async (q: string, p?: readonly unknown[]) => run(q, p), all: async <T,>(q: string, p?: readonly unknown[]) => all<T>(q, p) };
  let chain: Promise<unknown> = Promise.resolve();
  return {
    db: {
      ...plain,
      // One outbox transaction at a time on this connection (they await between statements).
      tx<T>(fn: (db: Omit<OutboxDb, 'tx'>) => Promise<T>): Promise<T> {
        const next = chain.then(async () => {
          conn.exec('BEGIN IMMEDIATE');
          try {
            const r = await fn(plain);
            conn.exec('COMMIT');
            return r;
          } catch (e) {
            if (conn.inTransaction) conn.exec('ROLLBACK');
            throw e;
          }
        });
        chain = next.catch(() => undefined);
        return next;
      },
    },
    close: () => conn.close(),
  };
}

/**
 * The most records one transaction takes: a burst beyond it commits in several transactions,
 * so one commit never holds the write lock (or its callers) for long.
 */
const SQLITE_MAX_BATCH = 64;

interface PendingAppend {
  input: AppendInput;
  resolve(ref: AuditRef): void;
  reject(e: unknown): void;
}

class SqliteStore implements AuditStore {
  readonly backend = 'sqlite' as const;
  private readonly db: Database.Database;
  /** The connection that appends, on the audit writer thread. */
  private readonly writer: WriterConnection;
  /** Rule set digests known to be stored, so their content is not sent to the writer again. */
  private readonly storedRulesets = new Set<string>();
  private pending: PendingAppend[] = [];
  /** The batch being committed (and the ones chained after it), or null when the writer is idle. */
  private inFlight: Promise<void> | null = null;
  private flushScheduled = false;
  private closed = false;
  private readonly stmts: {
    get: Database.Statement;
    ruleset: Database.Statement;
    scanRecords: Database.Statement;
    scanReleased: Database.Statement;
    scanEvidence: Database.Statement;
    scanHistory: Database.Statement;
    scanDictionary: Database.Statement;
    history: Database.Statement;
    settled: Database.Statement;
    units: Database.Statement;
    unitId: Database.Statement;
    maxUnitId: Database.Statement;
    idempotencyKey: Database.Statement;
    logSize: Database.Statement;
    logNode: Database.Statement;
    logEntries: Database.Statement;
    latestCheckpoint: Database.Statement;
    checkpoints: Database.Statement;
    coverage: Database.Statement;
    saveCoverage: Database.Statement;
  };

  private outbox: { db: OutboxDb; close(): void } | null = null;

  constructor(
    db: Database.Database,
    writer: WriterConnection,
    private readonly path: string,
    private readonly busyTimeoutMs: number,
    private readonly onCheckpoint?: (note: string) => void,
  ) {
    this.db = db;
    this.writer = writer;
    this.stmts = {
      get: db.prepare(`SELECT ${RECORD_COLUMNS} FROM records WHERE decision_id = ? ORDER BY seq LIMIT 1`),
      ruleset: db.prepare('SELECT content FROM rulesets WHERE digest = ?'),
      scanRecords: db.prepare(`SELECT ${RECORD_COLUMNS} FROM records WHERE seq >= ? ORDER BY seq LIMIT ?`),
      scanReleased: db.prepare('SELECT * FROM released_tables WHERE seq BETWEEN ? AND ? ORDER BY seq, idx'),
      scanEvidence: db.prepare('SELECT seq, content FROM evidence WHERE seq BETWEEN ? AND ?'),
      scanHistory: db.prepare('SELECT * FROM history_entries WHERE seq BETWEEN ? AND ? ORDER BY seq, idx'),
      scanDictionary: db.prepare('SELECT namespace, digest, id, seq FROM unit_dictionary WHERE seq BETWEEN ? AND ?'),
      history: db.prepare(HISTORY_ENTRIES_SQL),
      settled: db.prepare("SELECT seq, refs FROM records WHERE kind = 'final' AND seq > ? ORDER BY seq"),
      units: db.prepare('SELECT seq, idx, units FROM history_entries WHERE seq = ? AND idx = ?'),
      unitId: db.prepare('SELECT id FROM unit_dictionary WHERE namespace = ? AND digest = ?').pluck(),
      maxUnitId: db.prepare('SELECT max(id) FROM unit_dictionary WHERE namespace = ?').pluck(),
      idempotencyKey: db.prepare('SELECT request_sha256, decision_id, expires_at FROM idempotency_keys WHERE scope = ? AND key = ? AND expires_at > ?'),
      logSize: db.prepare('SELECT coalesce(max(seq), 0) FROM log_entries').pluck(),
      logNode: db.prepare('SELECT hash FROM log_nodes WHERE level = ? AND idx = ?').pluck(),
      logEntries: db.prepare('SELECT seq, entry, signature FROM log_entries WHERE seq BETWEEN ? AND ? ORDER BY seq'),
      latestCheckpoint: db.prepare('SELECT size, root, note, created_at FROM checkpoints ORDER BY size DESC LIMIT 1'),
      checkpoints: db.prepare('SELECT size, root, note, created_at FROM checkpoints WHERE size > ? ORDER BY size LIMIT ?'),
      coverage: db.prepare('SELECT namespace, dataset, upto_seq, units FROM unit_coverage WHERE namespace = ?'),
      saveCoverage: db.prepare(
        'INSERT INTO unit_coverage (namespace, dataset, upto_seq, units) VALUES (@namespace, @dataset, @upto_seq, @units) ON CONFLICT (namespace, dataset) DO UPDATE SET upto_seq = excluded.upto_seq, units = excluded.units WHERE excluded.upto_seq > unit_coverage.upto_seq',
      ),
    };
  }

  append(input: AppendInput): Promise<AuditRef> {
    if (this.closed) return Promise.reject(storeError(new Error('the store is closed'), 'record the decision'));
    return new Promise<AuditRef>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Starts a batch on the next turn, so every append of this turn joins it; while one commits, new appends wait for the next. */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.inFlight) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (!this.inFlight) this.flush();
    });
  }

  /** Commits the pending appends a batch at a time until none is left. */
  private flush(): void {
    const batch = this.pending.splice(0, SQLITE_MAX_BATCH);
    const next = (): void => this.flush();
    this.inFlight = batch.length === 0 ? null : this.commit(batch).then(next, next);
  }

  /** Commits one batch in one transaction and settles its promises: all after the commit, or all rejected. */
  private async commit(batch: PendingAppend[]): Promise<void> {
    const inputs = batch.map(({ input }): WireAppend => {
      // With its canonical bytes a decision crosses to the writer as its head only (see AppendInput.canonical).
      const wire = slimRecordInput(input);
      const rs = input.ruleset;
      return rs && this.storedRulesets.has(rs.digest) ? { ...wire, ruleset: { digest: rs.digest } } : wire;
    });
    let result: BatchResult;
    try {
      result = await this.writer.append(inputs);
    } catch (e) {
      if ((e as Error).name === 'DataCloneError') {
        // Never sent: an input holds something that is not data (a server bug). Only that one
        // may fail, as an unrepresentable record does (INTERNAL), so each goes on its own.
        if (batch.length > 1) for (const p of batch) await this.commit([p]);
        else at(batch, 0).reject(new AirlockError('INTERNAL', `cannot record decision ${at(batch, 0).input.decision.id}: ${(e as Error).message}`));
        return;
      }
      // The transaction rolled back: nothing of the batch remains, so every append in it fails.
      for (const p of batch) p.reject(storeError(e, 'record the decision'));
      return;
    }
    for (const digest of result.rulesets) this.storedRulesets.add(digest);
    if (result.checkpoint) this.onCheckpoint?.(result.checkpoint);
    batch.forEach((p, i) => {
      const o = result.outcomes[i];
      if (o && 'ref' in o) p.resolve(o.ref);
      else p.reject(o ? new AirlockError(o.error.code, o.error.message) : storeError(new Error('no outcome'), 'record the decision'));
    });
  }

  async get(decisionId: string) {
    try {
      const row = this.stmts.get.get(decisionId) as RecordRow | undefined;
      return row ? recordFromRow(row) : null;
    } catch (e) {
      throw storeError(e, 'read the decision');
    }
  }

  async list(filter: ListFilter, page: PageRequest) {
    const q = listQuery(filter, page, () => '?');
    try {
      const rows = this.db
        .prepare(`SELECT ${RECORD_COLUMNS} FROM records WHERE ${q.where} ORDER BY seq ${q.order} LIMIT ?`)
        .all(...q.params, q.limit + 1) as RecordRow[];
      return pageOf(rows, q.limit);
    } catch (e) {
      throw storeError(e, 'list decisions');
    }
  }

  async idempotencyKey(scope: string, key: string, now: string) {
    try {
      return (this.stmts.idempotencyKey.get(scope, key, now) as IdempotencyRecord | undefined) ?? null;
    } catch (e) {
      throw storeError(e, 'read the idempotency key');
    }
  }

  async historyEntries(q: { afterSeq: number; limit: number }) {
    try {
      return (this.stmts.history.all(q.afterSeq, q.limit) as Parameters<typeof historyEntryFromRow>[0][]).map(historyEntryFromRow);
    } catch (e) {
      throw storeError(e, 'read the differencing history');
    }
  }

  async settledReviews(q: { afterSeq: number }) {
    try {
      return (this.stmts.settled.all(q.afterSeq) as { seq: number; refs: string | null }[]).flatMap((r) => (r.refs === null ? [] : [{ seq: r.seq, decision_id: r.refs }]));
    } catch (e) {
      throw storeError(e, 'read the differencing history');
    }
  }

  async historyUnits(keys: readonly { seq: number; idx: number }[]) {
    try {
      const out: { seq: number; idx: number; units: Uint8Array }[] = [];
      for (const k of keys) {
        const r = this.stmts.units.get(k.seq, k.idx) as { seq: number; idx: number; units: Buffer | null } | undefined;
        if (r?.units) out.push({ seq: r.seq, idx: r.idx, units: r.units });
      }
      return out;
    } catch (e) {
      throw storeError(e, 'read the differencing history');
    }
  }

  async unitIds(namespace: string, digests: readonly Uint8Array[]) {
    try {
      const ids = new Map<string, number>();
      // One transaction: a consistent snapshot, and no per-statement locking.
      this.db.transaction(() => {
        for (const d of digests) {
          const id = this.stmts.unitId.get(namespace, d) as number | undefined;
          if (id !== undefined) ids.set(Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('hex'), id);
        }
      })();
      const maxId = (this.stmts.maxUnitId.get(namespace) as number | null) ?? 0;
      return { ids, maxId };
    } catch (e) {
      throw storeError(e, 'read the unit dictionary');
    }
  }

  async unitCoverage(namespace: string) {
    try {
      return this.stmts.coverage.all(namespace) as UnitCoverageRow[];
    } catch (e) {
      throw storeError(e, 'read the unit coverage');
    }
  }

  async saveUnitCoverage(row: UnitCoverageRow) {
    try {
      this.stmts.saveCoverage.run(row);
    } catch (e) {
      throw storeError(e, 'save the unit coverage');
    }
  }

  async getRuleset(digest: string) {
    try {
      const row = this.stmts.ruleset.get(digest) as { content: string } | undefined;
      return row ? (JSON.parse(row.content) as unknown) : null;
    } catch (e) {
      throw storeError(e, 'read the rule set');
    }
  }

  async rulesetUsage(): Promise<RulesetUsage[]> {
    try {
      return this.db.prepare(RULESET_USAGE_SQL('records')).all() as RulesetUsage[];
    } catch (e) {
      throw storeError(e, 'read the rule set history');
    }
  }

  async catchUpLog(): Promise<{ size: number; unlogged: number }> {
    // An empty batch: the writer's transaction logs what the tree lacks and signs a checkpoint.
    try {
      const result = await this.writer.append([]);
      if (result.checkpoint) this.onCheckpoint?.(result.checkpoint);
    } catch (e) {
      throw storeError(e, 'extend the transparency log');
    }
    return this.read('read the transparency log', () => {
      const size = Number(this.stmts.logSize.get());
      const records = Number(this.db.prepare('SELECT coalesce(max(seq), 0) FROM records').pluck().get());
      return { size, unlogged: records - size };
    });
  }

  async logSize(): Promise<number> {
    return this.read('read the transparency log', () => Number(this.stmts.logSize.get()));
  }

  async logNodes(keys: readonly NodeKey[]): Promise<Map<string, Buffer>> {
    return this.read('read the transparency log', () => {
      const out = new Map<string, Buffer>();
      this.db.transaction(() => {
        for (const k of keys) {
          const h = this.stmts.logNode.get(k.level, k.index) as Buffer | undefined;
          if (h) out.set(`${k.level}/${k.index}`, h);
        }
      })();
      return out;
    });
  }

  async logEntries(q: { fromSeq: number; toSeq: number }): Promise<LogEntryRow[]> {
    return this.read('read the transparency log', () => (this.stmts.logEntries.all(q.fromSeq, q.toSeq) as LogEntryRow[]).map((r) => ({ ...r, seq: Number(r.seq) })));
  }

  async latestCheckpoint(): Promise<CheckpointRow | null> {
    return this.read('read the transparency log', () => checkpointFromRow(this.stmts.latestCheckpoint.get() as CheckpointRow | undefined));
  }

  async checkpoints(q: { afterSize: number; limit: number }): Promise<CheckpointRow[]> {
    return this.read('read the transparency log', () => (this.stmts.checkpoints.all(q.afterSize, q.limit) as CheckpointRow[]).map((r) => checkpointFromRow(r)));
  }

  /** Runs a read, turning driver failures into STORE_UNAVAILABLE. */
  private read<T>(action: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw storeError(e, action);
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
        // Whole pages, not a live iterator: appends may run between pages on this connection.
        rows = this.stmts.scanRecords.all(next, SCAN_PAGE) as RecordRow[];
        if (rows.length === 0) return;
        const [lo, hi] = [at(rows, 0).seq, at(rows, rows.length - 1).seq];
        released = this.stmts.scanReleased.all(lo, hi) as ReleasedRow[];
        evidence = this.stmts.scanEvidence.all(lo, hi) as EvidenceRow[];
        history = this.stmts.scanHistory.all(lo, hi) as HistoryRow[];
        dictionary = this.stmts.scanDictionary.all(lo, hi) as DictionaryRow[];
      } catch (e) {
        throw storeError(e, 'read the audit trail');
      }
      const bySeq = groupBySeq(released);
      const evidenceBySeq = new Map(evidence.map((e) => [Number(e.seq), e]));
      const historyBySeq = groupBySeq(history);
      const dictionaryBySeq = groupBySeq(dictionary);
      for (const row of rows) yield scannedFromRows(row, bySeq.get(row.seq) ?? [], evidenceBySeq.get(row.seq), historyBySeq.get(row.seq), dictionaryBySeq.get(row.seq));
      next = at(rows, rows.length - 1).seq + 1;
    }
  }

  webhooks(): WebhookOutbox {
    if (this.closed) throw storeError(new Error('the store is closed'), 'open the webhook outbox');
    this.outbox ??= sqliteOutboxDb(this.path, this.busyTimeoutMs);
    return webhookOutbox(this.outbox.db);
  }

  async ping(): Promise<boolean> {
    try {
      this.db.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    // Appends already made are committed (or fail) before the connections go.
    if (!this.inFlight) this.flush();
    while (this.inFlight) await this.inFlight;
    await this.writer.close().catch(() => undefined);
    this.outbox?.close();
    this.outbox = null;
    if (this.db.open) this.db.close();
  }
}

