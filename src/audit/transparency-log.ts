/**
 * The transparency log over the audit chain, defined once for both stores and the verifier.
 *
 * **Entry.** Every record (seq s) has one log entry, the RFC 8785 canonical JSON
 * ```
 * { "decision_id": …, "hash": <the record's chain hash>, "kind": …, "seq": s, "v": 1 }
 * ```
 * signed on its own with the log key (Ed25519 over the entry's UTF-8 bytes, base64), so a
 * record whose content or place was rewritten — hashes recomputed or not — no longer matches a
 * signed entry unless the writer holds the key. Entries are stored in `log_entries`.
 *
 * **Tree.** Leaf s−1 of an RFC 9162 Merkle tree is `SHA-256(0x00 || entry)`; the complete
 * subtrees are stored in `log_nodes (level, idx, hash)` so proofs take O(log n) reads, and the
 * tree's state is read from the store under the append lock (no replica assumes it is the only
 * writer).
 *
 * **Checkpoint.** After each committed batch, a C2SP tlog-checkpoint of the new size, signed
 * with the log key (key name = origin), is stored in `checkpoints` in the same transaction and
 * handed to the witnesses.
 *
 * Records the tree does not yet cover (an existing chain before `airlock audit migrate`, or
 * records written by an older replica during a rolling upgrade) are logged by the next append,
 * at most `LOG_CATCH_UP` of them per transaction beyond its own batch, so one request never
 * pays for a whole history.
 *
 * @example
 * const r = extendLog({ size, frontier }, rows, signer, now);
 * insert(r.entries); insert(r.nodes); if (r.checkpoint) insert(r.checkpoint);
 */
import { createPrivateKey } from 'node:crypto';
import { signCheckpoint } from '../lib/checkpoint-note.js';
import { appendLeaves, leafHash, rootOfFrontier, type Frontier, type TreeNode } from '../lib/merkle-tree.js';
import { ed25519NoteSigner, type NoteSigner } from '../lib/signed-note.js';
import { canonicalJson } from '../lib/canonical-json.js';

/** The format version of a log entry, carried as `v`. */
export const LOG_ENTRY_VERSION = 1;

/** At most this many not-yet-logged older records are logged by one append transaction. */
export const LOG_CATCH_UP = 4096;

/** The log key, in a form that crosses a thread boundary (PKCS#8 DER). */
export interface LogSignerConfig {
  /** The log's origin: the checkpoint's first line and the note key name (e.g. `airlock.example.org/audit`). */
  origin: string;
  /** The Ed25519 private key, PKCS#8 DER. */
  pkcs8: Uint8Array;
}

/** A loaded log key: signs entries and checkpoints. */
export interface LogSigner {
  origin: string;
  note: NoteSigner;
}

/**
 * Loads a log signer from its configuration.
 *
 * @example const s = logSigner({ origin: 'airlock.local/audit', pkcs8 }); s.note.keyHash
 */
export function logSigner(config: LogSignerConfig): LogSigner {
  const key = createPrivateKey({ key: Buffer.from(config.pkcs8), format: 'der', type: 'pkcs8' });
  return { origin: config.origin, note: ed25519NoteSigner(config.origin, key) };
}

/** What a log entry names of its record. */
export interface LogEntryFields {
  seq: number;
  kind: string;
  decision_id: string;
  hash: string;
}

/**
 * The canonical text of a record's log entry.
 *
 * @example logEntryText({ seq: 1, kind: 'decision', decision_id: 'd1', hash: 'ab…' }) // '{"decision_id":"d1",…}'
 */
export function logEntryText(f: LogEntryFields): string {
  return canonicalJson({ v: LOG_ENTRY_VERSION, seq: f.seq, kind: f.kind, decision_id: f.decision_id, hash: f.hash });
}

/**
 * The fields of a stored entry text, or null when it is not one.
 *
 * @example parseLogEntry(logEntryText(f))?.seq === f.seq // true
 */
export function parseLogEntry(text: string): LogEntryFields | null {
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    if (o.v !== LOG_ENTRY_VERSION || typeof o.seq !== 'number' || typeof o.kind !== 'string' || typeof o.decision_id !== 'string' || typeof o.hash !== 'string') return null;
    return { seq: o.seq, kind: o.kind, decision_id: o.decision_id, hash: o.hash };
  } catch {
    return null;
  }
}

/**
 * The Merkle leaf hash of an entry text.
 *
 * @example entryLeaf(logEntryText(f)).length // 32
 */
export function entryLeaf(text: string): Buffer {
  return leafHash(Buffer.from(text, 'utf8'));
}

/** A stored log entry. */
export interface LogEntryRow {
  seq: number;
  entry: string;
  /** base64 Ed25519 signature of the entry by the log key; null when appended without one. */
  signature: string | null;
}

/** A stored checkpoint. */
export interface CheckpointRow {
  size: number;
  /** The root hash. */
  root: Buffer;
  /** The signed note. */
  note: string;
  created_at: string;
}

/** The tree as the store holds it before an append. */
export interface TreeState {
  size: number;
  frontier: Frontier;
}

/**
 * Logs records `state.size + 1 …` (in seq order, contiguous): their signed entries, the tree
 * nodes they complete, and a signed checkpoint of the new size (null without a signer or when
 * nothing was added).
 *
 * @example const { entries, nodes, checkpoint } = extendLog(state, rows, signer, new Date().toISOString());
 */
export function extendLog(
  state: TreeState,
  records: readonly LogEntryFields[],
  signer: LogSigner | null,
  now: string,
): { entries: LogEntryRow[]; nodes: TreeNode[]; checkpoint: CheckpointRow | null; state: TreeState } {
  const entries: LogEntryRow[] = [];
  const leaves: Buffer[] = [];
  records.forEach((r, i) => {
    if (r.seq !== state.size + i + 1) throw new Error(`log entries must follow the tree: expected seq ${state.size + i + 1}, got ${r.seq}`);
    const entry = logEntryText(r);
    const bytes = Buffer.from(entry, 'utf8');
    entries.push({ seq: r.seq, entry, signature: signer ? signer.note.sign(bytes).toString('base64') : null });
    leaves.push(leafHash(bytes));
  });
  const grown = appendLeaves(state.frontier, state.size, leaves);
  const next = { size: grown.size, frontier: grown.frontier };
  if (!signer || records.length === 0) return { entries, nodes: grown.nodes, checkpoint: null, state: next };
  const root = rootOfFrontier(grown.frontier);
  return { entries, nodes: grown.nodes, checkpoint: { size: grown.size, root, note: signCheckpoint({ origin: signer.origin, size: grown.size, root }, signer.note), created_at: now }, state: next };
}
