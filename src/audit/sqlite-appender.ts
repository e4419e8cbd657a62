/**
 * The SQLite group commit itself: several appends written in ONE `BEGIN IMMEDIATE` transaction
 * (one fsync under `synchronous = FULL`), each record with its own seq and hash in the order
 * given, the chain head read under the write lock. Runs on the audit writer thread
 * (`sqlite-writer.ts`), which owns the connection that writes.
 *
 * Within a batch, only two things fail a single record and leave the others going: a duplicate
 * (decision id, kind), skipped by `ON CONFLICT DO NOTHING` before anything of it is written
 * (CONFLICT), and input that cannot be represented, refused before any write (INTERNAL). The
 * record's seq then goes to the next one, so the chain has no gap. Anything else the database
 * raises aborts the whole transaction: the caller rejects every append of the batch and nothing
 * of it remains.
 *
 * In the same transaction the batch's records (and up to `LOG_CATCH_UP` older records the
 * transparency log lacks) get their signed log entries and Merkle tree nodes, and the new tree
 * size a signed checkpoint (`transparency-log.ts`), returned to the caller for the witnesses.
 *
 * @example
 * const append = sqliteAppender(db, logSigner(config));
 * const { outcomes } = append([inputA, inputB]); // outcomes[1].ref.prev === outcomes[0].ref.hash
 */
import type Database from 'better-sqlite3';
import type { ErrorCode } from '../errors.js';
import { AirlockError } from '../errors.js';
import { canonicalJson } from '../lib/canonical-json.js';
import type { AuditRef, RecordInput } from './audit-store.js';
import { GENESIS_PREV } from './chain.js';
import { HISTORY_COLUMNS, RECORD_COLUMNS, prepareRecord } from './record-rows.js';
import { frontierKeys } from '../lib/merkle-tree.js';
import { LOG_CATCH_UP, extendLog, type LogEntryFields, type LogSigner } from './transparency-log.js';
import { eventParams, insertEventSql, webhookEventsOf } from './webhook-outbox.js';

/**
 * An append as it travels to the writer: `ruleset.content` may be left out when the sender
 * knows that digest is already stored (rule set content is large and the same every time).
 */
export type WireAppend = DistributiveOmit<RecordInput, 'ruleset'> & { ruleset?: { digest: string; content?: unknown } };

/** `Omit` over each member of a union (the builtin would merge them). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A refusal of one record, in a form that crosses a thread boundary. */
export interface WireError {
  code: ErrorCode;
  message: string;
}

/** What one record of a batch came to: its place in the chain, or why only it was refused. */
export type AppendOutcome = { ref: AuditRef } | { error: WireError };

/** A committed batch: an outcome per input, in order, the rule set digests it stored, and the checkpoint it signed. */
export interface BatchResult {
  outcomes: AppendOutcome[];
  rulesets: string[];
  /** The signed checkpoint note of the log after this batch (none without a log key or new records). */
  checkpoint?: string;
}

/**
 * A function committing a batch of appends on `db` in one transaction. It throws (the driver's
 * error, e.g. `SQLITE_BUSY`) when the transaction fails as a whole; then nothing was written.
 *
 * @example const { outcomes } = sqliteAppender(db)(inputs);
 */
export function sqliteAppender(db: Database.Database, signer: LogSigner | null = null): (inputs: readonly WireAppend[]) => BatchResult {
  const last = db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1');
  const insertRecord = db.prepare(
    // A duplicate (decision id, kind) is skipped, not raised, so it does not abort its batch.
    `INSERT INTO records (${RECORD_COLUMNS}) VALUES (@seq, @hash, @prev, @recorded_at, @kind, @submitted_by, @refs, @trace_id,
     @decision, @signature, @kid, @decision_id, @project, @requester, @outcome, @dataset, @ruleset_digest)
     ON CONFLICT (decision_id, kind) DO NOTHING`,
  );
  const insertReleased = db.prepare(
    'INSERT INTO released_tables (seq, idx, output, dataset, dims, statistic, cells, total) VALUES (@seq, @idx, @output, @dataset, @dims, @statistic, @cells, @total)',
  );
  const insertEvidence = db.prepare('INSERT INTO evidence (seq, content) VALUES (@seq, @content)');
  const insertHistory = db.prepare(`INSERT INTO history_entries (${HISTORY_COLUMNS.join(', ')}) VALUES (${HISTORY_COLUMNS.map((c) => `@${c}`).join(', ')})`);
  const insertUnit = db.prepare('INSERT INTO unit_dictionary (namespace, digest, id, seq) VALUES (@namespace, @digest, @id, @seq)');
  const insertRuleset = db.prepare('INSERT OR IGNORE INTO rulesets (digest, content) VALUES (?, ?)');
  const pruneKeys = db.prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?');
  // A key held by another record inserts nothing (changes 0): this record is then not written.
  const claimKey = db.prepare(
    'INSERT INTO idempotency_keys (scope, key, request_sha256, decision_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING',
  );
  const releaseKey = db.prepare('DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND decision_id = ?');
  const insertEvent = db.prepare(insertEventSql('webhook_events').replace(/\$\d+/g, '?'));
  // Digests this connection has committed: their content is not serialised again.
  const stored = new Set<string>();
  const treeSize = db.prepare('SELECT coalesce(max(seq), 0) FROM log_entries').pluck();
  const readNode = db.prepare('SELECT hash FROM log_nodes WHERE level = ? AND idx = ?').pluck();
  const unlogged = db.prepare('SELECT seq, kind, decision_id, hash FROM records WHERE seq > ? ORDER BY seq LIMIT ?');
  const insertEntry = db.prepare('INSERT INTO log_entries (seq, entry, signature) VALUES (@seq, @entry, @signature)');
  const insertNode = db.prepare('INSERT INTO log_nodes (level, idx, hash) VALUES (@level, @index, @hash)');
  const insertCheckpoint = db.prepare('INSERT INTO checkpoints (size, root, note, created_at) VALUES (@size, @root, @note, @created_at)');

  /** Logs every record the tree does not cover yet (this batch's, and some older ones): entries, nodes, checkpoint. */
  const log = (batchSize: number): string | undefined => {
    const size = Number(treeSize.get());
    const frontier = frontierKeys(size).map((k) => {
      const hash = readNode.get(k.level, k.index) as Buffer | undefined;
      // A tree with a hole cannot be extended: fail the batch rather than log past it.
      if (!hash) throw Object.assign(new Error(`transparency log node ${k.level}/${k.index} is missing`), { code: 'LOG_CORRUPT' });
      return { ...k, hash };
    });
    const rows = (unlogged.all(size, batchSize + LOG_CATCH_UP) as LogEntryFields[]).map((r) => ({ ...r, seq: Number(r.seq) }));
    const r = extendLog({ size, frontier }, rows, signer, new Date().toISOString());
    for (const e of r.entries) insertEntry.run(e);
    for (const n of r.nodes) insertNode.run(n);
    if (r.checkpoint) insertCheckpoint.run(r.checkpoint);
    return r.checkpoint?.note;
  };

  const tx = db.transaction((inputs: readonly WireAppend[], added: Set<string>): { outcomes: AppendOutcome[]; checkpoint: string | undefined } => {
    const head = last.get() as { seq: number; hash: string } | undefined;
    let seq = head ? head.seq + 1 : 1;
    let prev = head?.hash ?? GENESIS_PREV;
    if (inputs.some((i) => i.idempotency)) pruneKeys.run(new Date().toISOString());
    const outcomes = inputs.map((input): AppendOutcome => {
      let prepared: ReturnType<typeof prepareRecord>;
      try {
        // Timestamped under the write lock, so recorded_at never runs backwards along the chain.
        prepared = prepareRecord(input as RecordInput, seq, prev, new Date().toISOString());
      } catch (e) {
        const err = e instanceof AirlockError ? e : new AirlockError('INTERNAL', (e as Error).message);
        return { error: { code: err.code, message: err.message } };
      }
      const { row, released, evidence, history, dictionary, ref } = prepared;
      const claim = input.idempotency;
      if (claim && claimKey.run(claim.scope, claim.key, claim.requestSha256, input.decision.id, row.recorded_at, claim.expiresAt).changes === 0) {
        return { error: { code: 'IDEMPOTENCY_KEY_REUSED', message: `the Idempotency-Key "${claim.key}" is already used by another decision` } };
      }
      if (insertRecord.run(row).changes === 0) {
        if (claim) releaseKey.run(claim.scope, claim.key, input.decision.id);
        return { error: { code: 'CONFLICT', message: `decision ${input.decision.id} already has a ${input.kind ?? 'decision'} record` } };
      }
      for (const r of released) insertReleased.run(r);
      if (evidence) insertEvidence.run(evidence);
      for (const h of history) insertHistory.run(h);
      for (const d of dictionary) insertUnit.run(d);
      // The outbox row commits or rolls back with its record: never lost, never for an unrecorded one.
      for (const e of webhookEventsOf(input, seq, row.recorded_at)) insertEvent.run(...eventParams(e, seq, row.recorded_at));
      const rs = input.ruleset;
      if (rs && rs.content !== undefined && !stored.has(rs.digest) && !added.has(rs.digest)) {
        insertRuleset.run(rs.digest, canonicalJson(rs.content));
        added.add(rs.digest);
      }
      seq += 1;
      prev = ref.hash;
      return { ref };
    });
    return { outcomes, checkpoint: log(inputs.length) };
  });

  return (inputs) => {
    const added = new Set<string>();
    const { outcomes, checkpoint } = tx.immediate(inputs, added);
    for (const d of added) stored.add(d);
    return { outcomes, rulesets: [...added], ...(checkpoint ? { checkpoint } : {}) };
  };
}
