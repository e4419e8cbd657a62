/**
 * The embedded audit store: one SQLite file (`audit.sqlite`) under the data directory.
 *
 * Durability: WAL journal with `synchronous = FULL`, so a resolved `append` has been fsynced.
 * Appends run in `BEGIN IMMEDIATE` transactions, which serialise writers (even from another
 * process on the same file) so seqs stay gapless.
 *
 * Group commit: appends made in the same event-loop turn (everything the server got to while the
 * previous commit blocked the loop) wait for one `setImmediate` and are then written in ONE
 * transaction with one fsync, each record with its own seq and hash in call order. Each
 * promise settles only after that transaction: all resolve once it has committed, or all
 * reject with STORE_UNAVAILABLE and nothing of the batch remains (the next batch continues the
 * chain from the same head). A record refused as a duplicate (decision id and kind) is skipped
 * by `ON CONFLICT DO NOTHING` without aborting the others, and only its own promise rejects
 * with CONFLICT. There is no UPDATE or DELETE anywhere in this
 * code, and triggers make the database itself refuse them (`RAISE(ABORT)`), so a mistaken
 * maintenance statement fails instead of silently rewriting history; a deliberate edit (triggers
 * dropped, bytes changed in the file) is what `verifyAudit` catches.
 *
 * @example
 * const store = await openSqliteStore({ dataDir: './data' });
 * const ref = await store.append(input);
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AirlockError } from '../errors.js';
import { canonicalJson } from '../signing/canonical-json.js';
import type { AppendInput, AuditRef, AuditStore, ListFilter, PageRequest, ReleasedTotal, ScannedRecord } from './audit-store.js';
import { GENESIS_PREV } from './chain.js';
import {
  DECISION_KIND_INDEX,
  RECORD_COLUMNS,
  SCAN_PAGE,
  dimsKey,
  groupBySeq,
  hitFromRow,
  listQuery,
  pageOf,
  prepareRecord,
  recordFromRow,
  scannedFromRows,
  storeError,
  type EvidenceRow,
  type RecordRow,
  type ReleasedRow,
} from './record-rows.js';

export interface SqliteStoreOptions {
  /** Directory holding the database file (created 0700 when missing). */
  dataDir: string;
  /** File name inside `dataDir`. */
  fileName?: string;
  /** How long a write waits for another writer's lock before failing with STORE_UNAVAILABLE. */
  busyTimeoutMs?: number;
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
];

/**
 * The released-table lookup (with `afterSeq`, a fourth parameter bounds r.seq from below);
 * exported so a test can check its query plan uses `released_lookup`.
 */
export function sqliteReleasedTablesSql(afterSeq = false): string {
  return `
  SELECT r.seq, r.idx, r.output, r.dataset, r.dims, r.statistic, r.cells, r.total, d.decision_id
  FROM released_tables r JOIN records d ON d.seq = r.seq
  WHERE r.dataset = ? AND r.dims = ? AND d.project = ?${afterSeq ? ' AND r.seq > ?' : ''}
  ORDER BY r.seq, r.idx`;
}

/** The released-table lookup without a seq bound. */
export const SQLITE_RELEASED_TABLES_SQL = sqliteReleasedTablesSql();

/** The released-totals lookup (with `afterSeq`, a third parameter bounds r.seq from below). */
function releasedTotalsSql(afterSeq: boolean): string {
  return `SELECT r.seq, r.output, r.dims, r.total, d.decision_id
         FROM released_tables r JOIN records d ON d.seq = r.seq
         WHERE r.dataset = ? AND d.project = ? AND r.total IS NOT NULL${afterSeq ? ' AND r.seq > ?' : ''}
         ORDER BY r.seq, r.idx`;
}

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
  return new SqliteStore(db);
}

/**
 * The most records one transaction takes: a burst beyond it commits in several transactions,
 * with the event loop free between them, so one commit never blocks requests for long.
 */
export const SQLITE_MAX_BATCH = 64;

interface PendingAppend {
  input: AppendInput;
  resolve(ref: AuditRef): void;
  reject(e: unknown): void;
}

/** What one record of a batch came to: its place in the chain, or why only it was refused. */
type RecordOutcome = { ref: AuditRef } | { error: AirlockError };

function conflict(input: AppendInput): AirlockError {
  return new AirlockError('CONFLICT', `decision ${input.decision.id} already has a ${input.kind ?? 'decision'} record`);
}

class SqliteStore implements AuditStore {
  readonly backend = 'sqlite' as const;
  private readonly db: Database.Database;
  /** Rule set digests known to be in `rulesets` (committed), so their content is not re-serialised. */
  private readonly storedRulesets = new Set<string>();
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly stmts: {
    last: Database.Statement;
    insertRecord: Database.Statement;
    insertReleased: Database.Statement;
    insertRuleset: Database.Statement;
    get: Database.Statement;
    released: Database.Statement;
    releasedAfter: Database.Statement;
    totals: Database.Statement;
    totalsAfter: Database.Statement;
    ruleset: Database.Statement;
    scanRecords: Database.Statement;
    scanReleased: Database.Statement;
    insertEvidence: Database.Statement;
    scanEvidence: Database.Statement;
  };
  private readonly batchTx: (inputs: readonly AppendInput[], newRulesets: Set<string>) => RecordOutcome[];

  constructor(db: Database.Database) {
    this.db = db;
    this.stmts = {
      last: db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1'),
      insertRecord: db.prepare(
        // A duplicate (decision id, kind) is skipped, not raised, so it does not abort its batch.
        `INSERT INTO records (${RECORD_COLUMNS}) VALUES (@seq, @hash, @prev, @recorded_at, @kind, @submitted_by, @refs, @trace_id,
         @decision, @signature, @kid, @decision_id, @project, @requester, @outcome, @dataset, @ruleset_digest)
         ON CONFLICT (decision_id, kind) DO NOTHING`,
      ),
      insertReleased: db.prepare(
        'INSERT INTO released_tables (seq, idx, output, dataset, dims, statistic, cells, total) VALUES (@seq, @idx, @output, @dataset, @dims, @statistic, @cells, @total)',
      ),
      insertRuleset: db.prepare('INSERT OR IGNORE INTO rulesets (digest, content) VALUES (?, ?)'),
      get: db.prepare(`SELECT ${RECORD_COLUMNS} FROM records WHERE decision_id = ? ORDER BY seq LIMIT 1`),
      released: db.prepare(SQLITE_RELEASED_TABLES_SQL),
      releasedAfter: db.prepare(sqliteReleasedTablesSql(true)),
      totals: db.prepare(releasedTotalsSql(false)),
      totalsAfter: db.prepare(releasedTotalsSql(true)),
      ruleset: db.prepare('SELECT content FROM rulesets WHERE digest = ?'),
      scanRecords: db.prepare(`SELECT ${RECORD_COLUMNS} FROM records WHERE seq >= ? ORDER BY seq LIMIT ?`),
      scanReleased: db.prepare('SELECT * FROM released_tables WHERE seq BETWEEN ? AND ? ORDER BY seq, idx'),
      insertEvidence: db.prepare('INSERT INTO evidence (seq, content) VALUES (@seq, @content)'),
      scanEvidence: db.prepare('SELECT seq, content FROM evidence WHERE seq BETWEEN ? AND ?'),
    };
    const tx = db.transaction((inputs: readonly AppendInput[], newRulesets: Set<string>): RecordOutcome[] => {
      const last = this.stmts.last.get() as { seq: number; hash: string } | undefined;
      let seq = last ? last.seq + 1 : 1;
      let prev = last?.hash ?? GENESIS_PREV;
      return inputs.map((input): RecordOutcome => {
        let prepared: ReturnType<typeof prepareRecord>;
        try {
          // Timestamped under the write lock, so recorded_at never runs backwards along the chain.
          prepared = prepareRecord(input, seq, prev, new Date().toISOString());
        } catch (e) {
          // Unrepresentable input (INTERNAL): nothing was written for it; the others go on.
          return { error: storeError(e, 'record the decision') };
        }
        const { row, released, evidence, ref } = prepared;
        if (this.stmts.insertRecord.run(row).changes === 0) return { error: conflict(input) };
        for (const r of released) this.stmts.insertReleased.run(r);
        if (evidence) this.stmts.insertEvidence.run(evidence);
        const rs = input.ruleset;
        if (rs && !this.storedRulesets.has(rs.digest) && !newRulesets.has(rs.digest)) {
          this.stmts.insertRuleset.run(rs.digest, canonicalJson(rs.content));
          newRulesets.add(rs.digest);
        }
        seq += 1;
        prev = ref.hash;
        return { ref };
      });
    });
    this.batchTx = (inputs, newRulesets) => tx.immediate(inputs, newRulesets);
  }

  append(input: AppendInput): Promise<AuditRef> {
    return new Promise<AuditRef>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Commits up to SQLITE_MAX_BATCH pending appends in one transaction and settles their promises. */
  private flush(): void {
    const batch = this.pending.splice(0, SQLITE_MAX_BATCH);
    if (this.pending.length > 0) this.scheduleFlush();
    if (batch.length === 0) return;
    const newRulesets = new Set<string>();
    let outcomes: RecordOutcome[];
    try {
      outcomes = this.batchTx(
        batch.map((p) => p.input),
        newRulesets,
      );
    } catch (e) {
      // The transaction rolled back: nothing of the batch remains, so every append in it fails.
      for (const p of batch) p.reject(storeError(e, 'record the decision'));
      return;
    }
    for (const digest of newRulesets) this.storedRulesets.add(digest);
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if ('ref' in o) p.resolve(o.ref);
      else p.reject(o.error);
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
        .prepare(`SELECT ${RECORD_COLUMNS} FROM records WHERE ${q.where} ORDER BY seq DESC LIMIT ?`)
        .all(...q.params, q.limit + 1) as RecordRow[];
      return pageOf(rows, q.limit);
    } catch (e) {
      throw storeError(e, 'list decisions');
    }
  }

  async releasedTables(q: { project: string; dataset: string; dims: readonly string[]; afterSeq?: number }) {
    try {
      const args = [q.dataset, dimsKey(q.dims), q.project];
      const rows = (q.afterSeq === undefined ? this.stmts.released.all(...args) : this.stmts.releasedAfter.all(...args, q.afterSeq)) as (ReleasedRow & {
        decision_id: string;
      })[];
      return rows.map(hitFromRow);
    } catch (e) {
      throw storeError(e, 'read released tables');
    }
  }

  async releasedTotals(q: { project: string; dataset: string; afterSeq?: number }): Promise<ReleasedTotal[]> {
    try {
      const rows = (q.afterSeq === undefined ? this.stmts.totals.all(q.dataset, q.project) : this.stmts.totalsAfter.all(q.dataset, q.project, q.afterSeq)) as { seq: number; output: string; dims: string; total: number; decision_id: string }[];
      return rows.map((r) => ({ decision_id: r.decision_id, seq: r.seq, output: r.output, dims: JSON.parse(r.dims) as string[], total: r.total }));
    } catch (e) {
      throw storeError(e, 'read released totals');
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

  async *scan(fromSeq = 1): AsyncIterable<ScannedRecord> {
    let next = fromSeq;
    for (;;) {
      let rows: RecordRow[];
      let released: ReleasedRow[];
      let evidence: EvidenceRow[];
      try {
        // Whole pages, not a live iterator: appends may run between pages on this connection.
        rows = this.stmts.scanRecords.all(next, SCAN_PAGE) as RecordRow[];
        if (rows.length === 0) return;
        released = this.stmts.scanReleased.all(rows[0]!.seq, rows[rows.length - 1]!.seq) as ReleasedRow[];
        evidence = this.stmts.scanEvidence.all(rows[0]!.seq, rows[rows.length - 1]!.seq) as EvidenceRow[];
      } catch (e) {
        throw storeError(e, 'read the audit trail');
      }
      const bySeq = groupBySeq(released);
      const evidenceBySeq = new Map(evidence.map((e) => [Number(e.seq), e]));
      for (const row of rows) yield scannedFromRows(row, bySeq.get(row.seq) ?? [], evidenceBySeq.get(row.seq));
      next = rows[rows.length - 1]!.seq + 1;
    }
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
    // Appends already made are committed (or fail) before the connection goes.
    while (this.pending.length > 0 && this.db.open) this.flush();
    if (this.db.open) this.db.close();
  }
}

