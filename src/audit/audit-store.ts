/**
 * The audit store: an append-only, hash-chained log of signed decisions, with the released
 * tables' cells that later differencing checks compare against. Policy (what to record, who may
 * read) lives with the callers; a store only keeps records durable, ordered and findable.
 *
 * Two implementations share this interface: SQLite (embedded default, `sqlite-store.ts`) and
 * PostgreSQL (several instances, one chain, `postgres-store.ts`); `openStore` picks one. The
 * record format and the chain are defined once in `chain.ts`.
 *
 * Every method throws `AirlockError('STORE_UNAVAILABLE')` when the database cannot be reached
 * or refuses; nothing half-written is left behind by a failed `append`.
 *
 * @example
 * const store = await openStore({ dataDir: './data' });
 * const audit = await store.append({ decision, signature, kid, submittedBy: caller.name, released });
 * res.json({ decision, signature, audit });
 */
import type { Decision, Outcome } from '../domain.js';
import type { ReleasedTable } from '../lib/published-table.js';
import type { NodeKey } from '../lib/merkle-tree.js';
import type { CheckpointRow, LogEntryRow } from './transparency-log.js';
import type { WebhookOutbox } from './webhook-outbox.js';

/** What `kind` an ordinary decision record has; later record kinds (review, final) reference one. */
export const DECISION_RECORD_KIND = 'decision';

/**
 * What the store keeps of one output of a decision, whatever its outcome, so that a rule change
 * can be replayed against past decisions (`airlock rules diff --replay`): the aggregates the
 * checks read (for tables, each cell's count, value, Σ|x|, largest contributions, negative
 * flag and missing count), never microdata. Chained by digest (`chain.ts`), so it is
 * tamper-evident but not copied into JSON Lines exports.
 */
export interface OutputEvidence {
  /** The output's name in its request. */
  output: string;
  kind: string;
  /** The kind's evidence (see `OutputKindModule.evidence`). */
  evidence: unknown;
}

/**
 * One output entering the differencing history (docs/differencing.md): a table, summary or
 * plot that was released, or awaits review (`pending`, compared with until its review settles).
 * Kept in `history_entries`, apart from `records`; the record's chained `history_sha256`
 * covers it (label form and encrypted unit form by digest), never its content.
 */
export interface HistoryEntryInput extends HistoryEntryPlace {
  /** The label form (`src/history/label-form.ts`): published aggregates, normalised. */
  form: unknown;
  /** The unit form, encrypted (`src/history/unit-form.ts`); null without a unit column. */
  units: Uint8Array | null;
  /** Its sketch (the keyed sample of its units, with the form's metadata), encrypted; null without a unit column. */
  sketch: Uint8Array | null;
}

/** A unit first seen in this record: its keyed digest and the dense integer it was given in its namespace. */
export interface DictionaryAddition {
  namespace: string;
  /** The keyed digest of the normalised unit value (never the value). */
  digest: Uint8Array;
  id: number;
}

/** What a history entry is and where it belongs. */
export interface HistoryEntryPlace {
  /** The output's name in its request. */
  output: string;
  kind: string;
  status: 'released' | 'pending';
  /** The dataset as the request named it. */
  dataset: string;
  /** The population key it belonged to when recorded (`p:name` / `d:dataset`). */
  population: string;
  /** The unit namespace of its unit form. */
  namespace: string;
}

/** A history entry as read back for differencing. */
export interface HistoryEntryRow extends HistoryEntryPlace {
  seq: number;
  idx: number;
  /** The label form as canonical JSON text. */
  form: string;
  /** Whether the entry has a unit form (read with `historyUnits`). */
  has_units: boolean;
  /** The encrypted sketch of its unit form, or null. */
  sketch: Uint8Array | null;
  /** The decision the entry belongs to (for a final record's entries: the reviewed decision). */
  decision_id: string;
  project: string;
}

/** What the pipeline hands the store once a decision is signed. */
export interface AppendInput {
  decision: Decision;
  /** The compact JWS of the decision. */
  signature: string;
  /** The signing key's id (the JWS header's `kid`). */
  kid: string;
  /** The token name of the caller who submitted the request. */
  submittedBy: string;
  /** The tables this decision releases (only released outputs; rejected ones are in `decision`). */
  released: ReleasedTable[];
  /** `decision` (default); later kinds such as `review` or `final`. */
  kind?: string;
  /** Decision id this record refers to (for later kinds). */
  references?: string | null;
  /** The request's trace id, to join logs and audit. */
  traceId?: string | null;
  /** The rule set the decision was made under; stored once per digest. */
  ruleset?: { digest: string; content: unknown };
  /** Replay evidence of the decision's outputs (those whose kind keeps any); none for review/final records. */
  evidence?: OutputEvidence[];
  /** Outputs entering the differencing history. */
  history?: HistoryEntryInput[];
  /** Units first seen in this record (unit-mode differencing). */
  dictionary?: DictionaryAddition[];
  /**
   * The request's `Idempotency-Key`, claimed in the same transaction as the record: if the key
   * is held (unexpired) by another record, nothing is written and the append rejects with
   * `IDEMPOTENCY_KEY_REUSED`, so two racing requests with one key make one decision.
   */
  idempotency?: IdempotencyClaim;
  /**
   * The RFC 8785 canonical JSON (UTF-8) of `decision` and of `evidence` (null when there is no
   * evidence), when the caller has made it already: the recorder makes a decision's once, for its
   * signature. The store writes and hashes these bytes instead of serialising again — for a
   * 40,000-cell decision that was most of a second of the writer's time, during which every
   * other append waited (issue 13) — so they must be exactly `canonicalJson(decision)` and
   * `canonicalJson(evidence)`.
   */
  canonical?: CanonicalMembers;
}

/** See `AppendInput.canonical`. */
export interface CanonicalMembers {
  decision: Uint8Array;
  evidence: Uint8Array | null;
  /** `canonicalJson(t.cells)` of each released table, in `released` order (a released 40,000-cell table's are 2 MB). */
  releasedCells?: Uint8Array[];
  /** `canonicalJson(h.form)` of each history entry, in `history` order. */
  forms?: Uint8Array[];
}

/**
 * What a store reads of a decision besides its canonical bytes: a record whose bytes were made
 * by the caller (`AppendInput.canonical`) travels to the SQLite writer thread as this, not as
 * the whole decision, whose clone would cost as much as serialising it.
 */
export type DecisionHead = Pick<Decision, 'id' | 'project' | 'requester' | 'outcome' | 'dataset' | 'ruleset' | 'review'>;

/**
 * An append as a store's record writer takes it: the input, or — only with its canonical bytes
 * — the input with the decision's head in place of the decision and no evidence object.
 */
export type RecordInput = AppendInput | (Omit<AppendInput, 'decision' | 'evidence' | 'canonical'> & { decision: DecisionHead; canonical: CanonicalMembers });

/**
 * The record input with the decision cut to its head when the canonical bytes are given (what
 * crosses to a writer thread), else the input itself.
 *
 * @example slimRecordInput({ ...input, canonical }).decision // { id, project, requester, outcome, dataset, ruleset }
 */
export function slimRecordInput(input: AppendInput): RecordInput {
  const c = input.canonical;
  if (!c) return input;
  const { decision: d, evidence: _evidence, ...rest } = input;
  const head: DecisionHead = { id: d.id, project: d.project, requester: d.requester, outcome: d.outcome, dataset: d.dataset, ruleset: d.ruleset, ...(d.review ? { review: d.review } : {}) };
  // Members whose bytes are given travel as the bytes alone.
  const released = c.releasedCells ? input.released.map((t) => ({ ...t, cells: [] })) : input.released;
  const history = c.forms && input.history ? input.history.map((h) => ({ ...h, form: null })) : input.history;
  return { ...rest, released, ...(history ? { history } : {}), decision: head, canonical: c };
}

/** An `Idempotency-Key` as a record claims it (outside the chain: keys expire and are replaced). */
export interface IdempotencyClaim {
  /** Whose key it is (the caller's name): keys of different callers never meet. */
  scope: string;
  key: string;
  /** SHA-256 hex of what the request asked (route and body), to tell a retry from another request. */
  requestSha256: string;
  /** When the key may be claimed again (ISO 8601, UTC). */
  expiresAt: string;
}

/** A claimed key as read back. */
export interface IdempotencyRecord {
  request_sha256: string;
  decision_id: string;
  expires_at: string;
}

/** Where a record sits in the chain: returned to the client as `audit`. */
export interface AuditRef {
  seq: number;
  /** SHA-256 hex of `prev || canonical record`. */
  hash: string;
  /** The previous record's hash (64 zeros for the first). */
  prev: string;
}

/** A record as stored. */
export interface StoredRecord {
  seq: number;
  hash: string;
  prev: string;
  /** When the store recorded it (ISO 8601, UTC, milliseconds). */
  recorded_at: string;
  kind: string;
  submitted_by: string;
  references: string | null;
  trace_id: string | null;
  decision: Decision;
  signature: string;
  kid: string;
}

/** A record with the released tables it carries: everything the chain hash covers. */
export interface FullRecord extends StoredRecord {
  released: ReleasedTable[];
  /** The outputs' replay evidence, when the record has any. */
  evidence?: OutputEvidence[];
  /** What the record's `history_sha256` covers: the history manifest, when the record has one. */
  history?: HistoryManifest;
}

/** The digests of a record's history entries and dictionary additions (what the chain covers). */
export interface HistoryManifest {
  entries: { output: string; kind: string; status: string; dataset: string; population: string; namespace: string; form_sha256: string; units_sha256: string | null; sketch_sha256: string | null }[];
  /** SHA-256 of the record's dictionary additions (`chain.ts` `dictionaryDigest`), null when none. */
  dictionary_sha256: string | null;
}

/** The store's lookup columns, copied from the decision at append; `verifyAudit` checks they still agree. */
export interface IndexColumns {
  decision_id: string;
  project: string;
  requester: string;
  outcome: string;
  dataset: string | null;
  ruleset_digest: string;
}

/** What `scan` yields: the full record, its canonical form as stored, and its lookup columns. */
export interface ScannedRecord extends FullRecord {
  /** The canonical record (`chain.ts`) rebuilt from the stored fields. */
  canonical: string;
  columns: IndexColumns;
}

/**
 * Filters of `list`; all given ones must match. A field may be `undefined` as well as absent
 * (both mean no such filter): the routes fill it straight from optional query parameters.
 */
export interface ListFilter {
  project?: string | undefined;
  /** Only these projects (for callers restricted to some projects). */
  projects?: readonly string[] | undefined;
  requester?: string | undefined;
  outcome?: Outcome | undefined;
  dataset?: string | undefined;
  ruleset_digest?: string | undefined;
  /** recorded_at ≥ from (ISO 8601). */
  from?: string | undefined;
  /** recorded_at < to (ISO 8601). */
  to?: string | undefined;
  kind?: string | undefined;
  /** Only records referencing this decision id (its reviews and final record). */
  references?: string | undefined;
  /** Only decisions whose review is not settled (no `final` record references them). */
  unsettled?: boolean | undefined;
  /** Only records with a finding of this check that is not `pass` (fail or review). */
  check?: string | undefined;
  /** Only records whose decision document contains this text (case-insensitive for ASCII). */
  text?: string | undefined;
}

/** A page request: `cursor` from the previous page's `next_cursor`. */
export interface PageRequest {
  cursor?: string | null;
  limit: number;
  /** `desc` (default): newest first; `asc`: oldest first (the review queue). */
  order?: 'asc' | 'desc';
}

/** How one rule set has been used: by digest, with its decisions' count and time span. */
export interface RulesetUsage {
  digest: string;
  decisions: number;
  first_used: string;
  last_used: string;
}

/** The largest page `list` returns. */
export const MAX_PAGE_LIMIT = 1000;

/**
 * A saved snapshot of the units a dataset has released in a namespace: the union of the
 * universes of its released history entries up to `upto_seq`, as a sealed Roaring bitmap
 * (`unit-coverage.ts`). Derived data — a cache for the coverage rule, so a restart need not
 * open every stored unit form — kept outside the chain, replaced by later snapshots, never
 * exported.
 */
export interface UnitCoverageRow {
  namespace: string;
  dataset: string;
  upto_seq: number;
  units: Uint8Array;
}

export interface AuditStore {
  /** Which implementation this is. */
  readonly backend: 'sqlite' | 'postgres';
  /**
   * Appends a record at the end of the chain; resolves only once it is durably committed.
   * Throws `STORE_UNAVAILABLE` on any failure, `CONFLICT` when a record of this kind already
   * exists for the decision id.
   */
  append(input: AppendInput): Promise<AuditRef>;
  /** The earliest record for a decision id, or null. */
  get(decisionId: string): Promise<StoredRecord | null>;
  /** Records matching the filter, newest first, `limit` at a time (1…MAX_PAGE_LIMIT). */
  list(filter: ListFilter, page: PageRequest): Promise<{ items: StoredRecord[]; next_cursor: string | null }>;
  /** History entries of records after `afterSeq`, in seq order, at most `limit` (the differencing history index pages through them). */
  historyEntries(q: { afterSeq: number; limit: number }): Promise<HistoryEntryRow[]>;
  /** Decision ids whose review was settled (a `final` record) after `afterSeq`, with that record's seq. */
  settledReviews(q: { afterSeq: number }): Promise<{ seq: number; decision_id: string }[]>;
  /** The encrypted unit forms of these entries (by seq and idx). */
  historyUnits(keys: readonly { seq: number; idx: number }[]): Promise<{ seq: number; idx: number; units: Uint8Array }[]>;
  /** The ids of these digests in a namespace (absent digests are not in the result), and the namespace's largest id (0 when empty). */
  unitIds(namespace: string, digests: readonly Uint8Array[]): Promise<{ ids: Map<string, number>; maxId: number }>;
  /** The saved coverage snapshots of a namespace (see `UnitCoverageRow`). */
  unitCoverage(namespace: string): Promise<UnitCoverageRow[]>;
  /** Saves a coverage snapshot unless one at least as recent (`upto_seq`) is already saved. */
  saveUnitCoverage(row: UnitCoverageRow): Promise<void>;
  /** The rule set stored under a digest, or null. */
  getRuleset(digest: string): Promise<unknown | null>;
  /** Every rule set decisions were made under, with how often and when, most recently used first. */
  rulesetUsage(): Promise<RulesetUsage[]>;
  /**
   * Logs records the transparency log does not cover yet (an existing chain, or records of an
   * older replica), at most `LOG_CATCH_UP` per call, in one transaction; resolves with the
   * log's size and the number of records it now lacks.
   */
  catchUpLog(): Promise<{ size: number; unlogged: number }>;
  /** How many records the transparency log covers (its tree size). */
  logSize(): Promise<number>;
  /** The stored Merkle tree nodes among these keys, by `level/index` (absent ones are left out). */
  logNodes(keys: readonly NodeKey[]): Promise<Map<string, Buffer>>;
  /** The stored log entries with fromSeq ≤ seq ≤ toSeq, in seq order. */
  logEntries(q: { fromSeq: number; toSeq: number }): Promise<LogEntryRow[]>;
  /** The newest signed checkpoint, or null. */
  latestCheckpoint(): Promise<CheckpointRow | null>;
  /** Stored checkpoints larger than `afterSize`, in size order, at most `limit`. */
  checkpoints(q: { afterSize: number; limit: number }): Promise<CheckpointRow[]>;
  /** Every record from `fromSeq` (default 1) in seq order, streamed a page at a time. */
  scan(fromSeq?: number): AsyncIterable<ScannedRecord>;
  /** The unexpired claim of `key` in `scope` at time `now` (ISO 8601), or null. */
  idempotencyKey(scope: string, key: string, now: string): Promise<IdempotencyRecord | null>;
  /** The webhook outbox kept in this store's database (`webhook-outbox.ts`). */
  webhooks(): WebhookOutbox;
  /** True when the database answers. Never throws. */
  ping(): Promise<boolean>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
