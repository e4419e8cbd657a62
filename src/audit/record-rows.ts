/**
 * The row layout both SQL stores share: how an appended record becomes rows (and its chain
 * hash), how rows become records again, how list filters and cursors become SQL. Kept in one
 * place so SQLite and PostgreSQL cannot drift apart in what they hash or return.
 *
 * Tables (same names and columns on both backends):
 * - `records`: one row per record — the chained fields (the decision as canonical JSON text),
 *   `hash`, `prev`, and lookup columns copied from the decision (`decision_id`, `project`,
 *   `requester`, `outcome`, `dataset`, `ruleset_digest`);
 * - `released_tables`: one row per released table (`seq`, `idx`, `output`, `dataset`, `dims` as
 *   canonical JSON of the sorted names, `statistic`, `cells` as canonical JSON, `total`),
 *   indexed by (`dataset`, `dims`); the project comes from the joined record;
 * - `rulesets`: rule set content by digest, stored once;
 * - `evidence`: one row per record that keeps replay evidence (`seq`, `content` as canonical JSON);
 * - `schema_migrations`: applied migration versions.
 *
 * @example
 * const p = prepareRecord(input, seq, prev, new Date().toISOString());
 * insert(p.row); for (const r of p.released) insertReleased(r);
 */
import type { Decision } from '../domain.js';
import { AirlockError } from '../errors.js';
import { canonicalJson } from '../lib/canonical-json.js';
import {
  DECISION_RECORD_KIND,
  MAX_PAGE_LIMIT,
  type AppendInput,
  type AuditRef,
  type DecisionHead,
  type RecordInput,
  type HistoryEntryRow,
  type HistoryManifest,
  type FullRecord,
  type IndexColumns,
  type ListFilter,
  type ScannedRecord,
  type StoredRecord,
} from './audit-store.js';
import type { CheckpointRow } from './transparency-log.js';
import type { ReleasedTable } from '../lib/published-table.js';
import { canonicalRecord, canonicalRecordOfParts, canonicalReleased, chainHash, dictionaryDigest, normaliseReleased, sha256Of } from './chain.js';

/** A `records` row as both backends store it. */
export interface RecordRow {
  seq: number;
  hash: string;
  prev: string;
  recorded_at: string;
  kind: string;
  submitted_by: string;
  refs: string | null;
  trace_id: string | null;
  decision: string;
  signature: string;
  kid: string;
  decision_id: string;
  project: string;
  requester: string;
  outcome: string;
  dataset: string | null;
  ruleset_digest: string;
}

/** A `released_tables` row. */
export interface ReleasedRow {
  seq: number;
  idx: number;
  output: string;
  dataset: string;
  dims: string;
  statistic: string;
  cells: string;
  total: number | null;
}

/** A `history_entries` row. */
export interface HistoryRow {
  seq: number;
  idx: number;
  output: string;
  kind: string;
  status: string;
  dataset: string;
  population: string;
  namespace: string;
  form: string;
  units: Uint8Array | null;
  units_sha256: string | null;
  sketch: Uint8Array | null;
  sketch_sha256: string | null;
}

/** A `unit_dictionary` row. */
export interface DictionaryRow {
  namespace: string;
  digest: Uint8Array;
  id: number;
  seq: number;
}

/** The columns of `history_entries`, in insert order. */
export const HISTORY_COLUMNS = ['seq', 'idx', 'output', 'kind', 'status', 'dataset', 'population', 'namespace', 'form', 'units', 'units_sha256', 'sketch', 'sketch_sha256'] as const;

/**
 * The history manifest of a record from its stored rows (what `history_sha256` covers), or
 * undefined when the record has none.
 *
 * @example historyManifest(rows, dict)?.entries.length
 */
export function historyManifest(rows: readonly HistoryRow[], dictionary: readonly Pick<DictionaryRow, 'namespace' | 'digest' | 'id'>[]): HistoryManifest | undefined {
  if (rows.length === 0 && dictionary.length === 0) return undefined;
  return {
    entries: [...rows]
      .sort((a, b) => Number(a.idx) - Number(b.idx))
      .map((r) => ({ output: r.output, kind: r.kind, status: r.status, dataset: r.dataset, population: r.population, namespace: r.namespace, form_sha256: sha256Of(r.form), units_sha256: r.units_sha256, sketch_sha256: r.sketch_sha256 })),
    dictionary_sha256: dictionary.length ? dictionaryDigest(dictionary.map((d) => ({ namespace: d.namespace, digest: d.digest, id: Number(d.id) }))) : null,
  };
}

/**
 * A history entry as the differencing index reads it, from its row joined with its record.
 *
 * @example historyEntryFromRow({ ...row, decision_id: 'd', refs: null, record_kind: 'decision', project: 'p1' })
 */
export function historyEntryFromRow(r: Omit<HistoryRow, 'units' | 'units_sha256' | 'sketch_sha256'> & { has_units: number | boolean; decision_id: string; refs: string | null; record_kind: string; project: string }): HistoryEntryRow {
  return {
    seq: Number(r.seq),
    idx: Number(r.idx),
    output: r.output,
    kind: r.kind,
    status: r.status === 'pending' ? 'pending' : 'released',
    dataset: r.dataset,
    population: r.population,
    namespace: r.namespace,
    form: r.form,
    has_units: Boolean(r.has_units),
    sketch: r.sketch ?? null,
    // A final record's entries belong to the decision it settles.
    decision_id: r.record_kind === 'final' && r.refs ? r.refs : r.decision_id,
    project: r.project,
  };
}

/** An `evidence` row: a record's replay evidence list as canonical JSON. */
export interface EvidenceRow {
  seq: number;
  content: string;
}

/** The columns `list`/`get` read and `recordFromRow` maps, in one SELECT list. */
export const RECORD_COLUMNS =
  'seq, hash, prev, recorded_at, kind, submitted_by, refs, trace_id, decision, signature, kid, decision_id, project, requester, outcome, dataset, ruleset_digest';

/** Rule set usage from the records table `records` (a possibly schema-qualified name). */
export const RULESET_USAGE_SQL = (records: string): string => `
  SELECT ruleset_digest AS digest, count(*) AS decisions, min(recorded_at) AS first_used, max(recorded_at) AS last_used
  FROM ${records} WHERE kind = 'decision' GROUP BY ruleset_digest ORDER BY max(recorded_at) DESC`;

/** The name of the unique index that refuses a second record of one kind for one decision id. */
export const DECISION_KIND_INDEX = 'records_decision_kind';

/**
 * How many records a scan reads per query: small enough that a page of records with large
 * released tables stays modest in memory, large enough that round trips do not dominate.
 */
export const SCAN_PAGE = 100;

/** Bytes the caller made as UTF-8 text, as a string for a TEXT column (see `AppendInput.canonical`). */
const utf8 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

/**
 * The rows and chain position of a record about to be appended at `seq` after `prev`. Throws
 * `INTERNAL` when the input cannot be represented (a bug upstream, not a store outage).
 *
 * @example const { row, released, ref } = prepareRecord(input, 1, GENESIS_PREV, '2024-01-01T00:00:00.000Z');
 */
export function prepareRecord(
  input: RecordInput,
  seq: number,
  prev: string,
  recordedAt: string,
): { row: RecordRow; released: ReleasedRow[]; evidence: EvidenceRow | null; history: HistoryRow[]; dictionary: DictionaryRow[]; ref: AuditRef } {
  const d: DecisionHead = input.decision;
  // Checked as the store's callers may not be typed (JS, or a decision re-read from JSON):
  // a record without these fields could never be found or verified again.
  const unchecked = d as Partial<Decision> | undefined;
  if (typeof unchecked?.id !== 'string' || typeof unchecked.project !== 'string' || typeof unchecked.requester !== 'string' || typeof unchecked.ruleset?.digest !== 'string') {
    throw new AirlockError('INTERNAL', 'cannot record a decision without id, project, requester and ruleset digest');
  }
  let decisionText: string;
  let released: ReleasedRow[];
  let evidence: EvidenceRow | null;
  let history: HistoryRow[];
  let dictionary: DictionaryRow[];
  let canonical: string;
  const kind = input.kind ?? DECISION_RECORD_KIND;
  const references = input.references ?? null;
  const traceId = input.traceId ?? null;
  try {
    // Each large member is serialised once, for its row and (spliced) for the chained record.
    decisionText = input.canonical ? utf8(input.canonical.decision) : canonicalJson(input.decision);
    const releasedTexts: string[] = [];
    // Given bytes stand in for members that no longer travel with the input (`slimRecordInput`): all or none.
    if (input.canonical?.releasedCells && input.canonical.releasedCells.length !== input.released.length) throw new Error('released cells given for some released tables only');
    if (input.canonical?.forms && input.canonical.forms.length !== (input.history ?? []).length) throw new Error('label forms given for some history entries only');
    released = input.released.map((t, idx) => {
      const n = normaliseReleased(t);
      const dims = canonicalJson(n.dims);
      const given = input.canonical?.releasedCells?.[idx];
      const cells = given ? utf8(given) : canonicalJson(n.cells);
      releasedTexts.push(canonicalReleased(n, dims, cells));
      return { seq, idx, output: n.output, dataset: n.dataset, dims, statistic: n.statistic, cells, total: n.total };
    });
    // Untyped callers may pass `evidence: undefined`.
    const given = 'evidence' in input ? (input.evidence as AppendInput['evidence'] | undefined) : undefined;
    const evidenceText = input.canonical ? input.canonical.evidence && utf8(input.canonical.evidence) : given?.length ? canonicalJson(given) : null;
    evidence = evidenceText === null ? null : { seq, content: evidenceText };
    const forms = input.canonical?.forms;
    const formText = (idx: number, form: unknown): string => {
      const given = forms?.[idx];
      return given ? utf8(given) : canonicalJson(form);
    };
    history = (input.history ?? []).map((h, idx) => {
      const bytes = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
      const units = bytes(h.units);
      const sketch = bytes(h.sketch);
      return {
        seq,
        idx,
        output: h.output,
        kind: h.kind,
        status: h.status,
        dataset: h.dataset,
        population: h.population,
        namespace: h.namespace,
        form: formText(idx, h.form),
        units,
        units_sha256: units === null ? null : sha256Of(units),
        sketch,
        sketch_sha256: sketch === null ? null : sha256Of(sketch),
      };
    });
    dictionary = (input.dictionary ?? []).map((d) => ({ namespace: d.namespace, digest: Buffer.from(d.digest.buffer, d.digest.byteOffset, d.digest.byteLength), id: d.id, seq }));
    const manifest = historyManifest(history, dictionary);
    canonical = canonicalRecordOfParts({
      seq,
      recorded_at: recordedAt,
      kind,
      submitted_by: input.submittedBy,
      references,
      trace_id: traceId,
      decisionText,
      signature: input.signature,
      kid: input.kid,
      releasedTexts,
      evidenceText: evidence?.content ?? null,
      historyText: manifest ? canonicalJson(manifest) : null,
    });
  } catch (e) {
    throw new AirlockError('INTERNAL', `cannot record decision ${d.id}: ${(e as Error).message}`, [], { cause: e });
  }
  const hash = chainHash(prev, canonical);
  const row: RecordRow = {
    seq,
    hash,
    prev,
    recorded_at: recordedAt,
    kind,
    submitted_by: input.submittedBy,
    refs: references,
    trace_id: traceId,
    decision: decisionText,
    signature: input.signature,
    kid: input.kid,
    decision_id: d.id,
    project: d.project,
    requester: d.requester,
    outcome: d.outcome,
    dataset: d.dataset ?? null,
    ruleset_digest: d.ruleset.digest,
  };
  return { row, released, evidence, history, dictionary, ref: { seq, hash, prev } };
}

/**
 * A stored record from its row (`seq` may arrive as a string from PostgreSQL BIGINT).
 *
 * @example recordFromRow(db.prepare(`SELECT ${RECORD_COLUMNS} FROM records WHERE seq = 1`).get())
 */
export function recordFromRow(row: RecordRow): StoredRecord {
  return {
    seq: Number(row.seq),
    hash: row.hash,
    prev: row.prev,
    recorded_at: row.recorded_at,
    kind: row.kind,
    submitted_by: row.submitted_by,
    references: row.refs,
    trace_id: row.trace_id,
    decision: JSON.parse(row.decision) as Decision,
    signature: row.signature,
    kid: row.kid,
  };
}

/**
 * A released table from its row.
 *
 * @example releasedFromRow(row).dims // ['region', 'sex']
 */
export function releasedFromRow(row: ReleasedRow): ReleasedTable {
  return {
    output: row.output,
    dataset: row.dataset,
    dims: JSON.parse(row.dims) as string[],
    statistic: row.statistic,
    cells: JSON.parse(row.cells) as ReleasedTable['cells'],
    total: row.total === null ? null : Number(row.total),
  };
}

/**
 * A scanned record: the stored record, its released tables, the canonical record rebuilt from
 * the stored fields, and the lookup columns as stored.
 *
 * @example for (const row of page) yield scannedFromRows(row, releasedBySeq.get(row.seq) ?? []);
 */
export function scannedFromRows(
  row: RecordRow,
  released: readonly ReleasedRow[],
  evidence?: EvidenceRow | null,
  history: readonly HistoryRow[] = [],
  dictionary: readonly DictionaryRow[] = [],
): ScannedRecord {
  let rec: FullRecord;
  try {
    rec = { ...recordFromRow(row), released: released.map(releasedFromRow) };
    if (evidence) rec.evidence = JSON.parse(evidence.content) as NonNullable<FullRecord['evidence']>;
    const manifest = historyManifest(history, dictionary);
    if (manifest) rec.history = manifest;
  } catch (e) {
    // Stored text that no longer parses has been altered outside airlock: say where.
    throw new AirlockError('INTERNAL', `audit record seq ${Number(row.seq)} cannot be read: ${(e as Error).message}`, [], { cause: e });
  }
  const columns: IndexColumns = {
    decision_id: row.decision_id,
    project: row.project,
    requester: row.requester,
    outcome: row.outcome,
    dataset: row.dataset,
    ruleset_digest: row.ruleset_digest,
  };
  return { ...rec, canonical: canonicalRecord(rec), columns };
}

/**
 * An opaque cursor for "records older than seq".
 *
 * @example decodeCursor(encodeCursor(42)) // 42
 */
export function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`, 'utf8').toString('base64url');
}

/**
 * The seq a cursor stands for; `INVALID_REQUEST` when it is not one of ours.
 *
 * @example decodeCursor('c2VxOjQy') // 42
 */
export function decodeCursor(cursor: string): number {
  const m = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new AirlockError('INVALID_REQUEST', 'the cursor is not valid', [{ pointer: '/cursor', message: 'not a cursor from this API' }]);
  return Number(m[1]);
}

function isoBound(value: string, name: 'from' | 'to'): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) {
    throw new AirlockError('INVALID_REQUEST', `${name} is not a date-time`, [{ pointer: `/${name}`, message: 'expected ISO 8601' }]);
  }
  return new Date(t).toISOString();
}

/**
 * The WHERE clause (with parameters) of a list query; `placeholder(n)` spells the n-th
 * parameter (`?` for SQLite, `$n` for PostgreSQL). Includes the cursor bound and validates the limit.
 *
 * @example listQuery({ project: 'p1' }, { limit: 50 }, () => '?') // { where: 'project = ?', params: ['p1'], limit: 50 }
 */
export function listQuery(
  filter: ListFilter,
  page: { cursor?: string | null; limit: number; order?: 'asc' | 'desc' },
  placeholder: (n: number) => string,
  dialect: { kind: 'sqlite' | 'postgres'; records: string } = { kind: 'sqlite', records: 'records' },
): { where: string; params: unknown[]; limit: number; order: 'ASC' | 'DESC' } {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_PAGE_LIMIT) {
    throw new AirlockError('INVALID_REQUEST', `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`, [{ pointer: '/limit', message: 'out of range' }]);
  }
  const conds: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown): void => {
    params.push(value);
    conds.push(sql(placeholder(params.length)));
  };
  if (filter.project !== undefined) add((p) => `project = ${p}`, filter.project);
  if (filter.projects !== undefined) {
    if (filter.projects.length === 0) conds.push('1 = 0');
    else {
      const ps = filter.projects.map((v) => {
        params.push(v);
        return placeholder(params.length);
      });
      conds.push(`project IN (${ps.join(', ')})`);
    }
  }
  if (filter.requester !== undefined) add((p) => `requester = ${p}`, filter.requester);
  if (filter.outcome !== undefined) add((p) => `outcome = ${p}`, filter.outcome);
  if (filter.dataset !== undefined) add((p) => `dataset = ${p}`, filter.dataset);
  if (filter.ruleset_digest !== undefined) add((p) => `ruleset_digest = ${p}`, filter.ruleset_digest);
  if (filter.kind !== undefined) add((p) => `kind = ${p}`, filter.kind);
  if (filter.references !== undefined) add((p) => `refs = ${p}`, filter.references);
  if (filter.from !== undefined) add((p) => `recorded_at >= ${p}`, isoBound(filter.from, 'from'));
  if (filter.to !== undefined) add((p) => `recorded_at < ${p}`, isoBound(filter.to, 'to'));
  if (filter.unsettled) conds.push(`NOT EXISTS (SELECT 1 FROM ${dialect.records} f WHERE f.refs = records.decision_id AND f.kind = 'final')`);
  if (filter.check !== undefined) {
    // A finding of the check that is not `pass`, read from the signed decision itself.
    add(
      (p) =>
        dialect.kind === 'postgres'
          ? `jsonb_path_exists(decision::jsonb, '$.outputs[*].findings[*] ? (@.check == $c && @.status != "pass")', jsonb_build_object('c', ${p}::text))`
          : `EXISTS (SELECT 1 FROM json_each(records.decision, '$.outputs') o, json_each(o.value, '$.findings') f WHERE json_extract(f.value, '$.check') = ${p} AND json_extract(f.value, '$.status') != 'pass')`,
      filter.check,
    );
  }
  if (filter.text !== undefined && filter.text.trim() !== '') {
    const escaped = filter.text.trim().replace(/[\\%_]/g, (c) => `\\${c}`);
    add((p) => `decision ${dialect.kind === 'postgres' ? 'ILIKE' : 'LIKE'} ${p} ESCAPE '\\'`, `%${escaped}%`);
  }
  const order = page.order === 'asc' ? 'ASC' : 'DESC';
  if (page.cursor) add((p) => `seq ${order === 'ASC' ? '>' : '<'} ${p}`, decodeCursor(page.cursor));
  return { where: conds.length ? conds.join(' AND ') : '1 = 1', params, limit: page.limit, order };
}

/**
 * A page of list results: `rows` were fetched with `limit + 1` so the extra one says whether
 * another page exists.
 *
 * @example pageOf(rows, 50)
 */
export function pageOf(rows: RecordRow[], limit: number): { items: StoredRecord[]; next_cursor: string | null } {
  const items = rows.slice(0, limit).map(recordFromRow);
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
}

/**
 * Any failure as an `AirlockError`: ours pass through; everything else (driver, I/O) becomes
 * `STORE_UNAVAILABLE`, with the driver's error as `cause` for logs and only its code in the
 * message a client may see.
 *
 * @example catch (e) { throw storeError(e, 'append') }
 */
export function storeError(e: unknown, action: string): AirlockError {
  if (e instanceof AirlockError) return e;
  const code = (e as { code?: unknown } | null | undefined)?.code;
  const err = new AirlockError('STORE_UNAVAILABLE', `the audit store could not ${action}${typeof code === 'string' ? ` (${code})` : ''}`);
  err.cause = e;
  return err;
}

/**
 * Released rows grouped by their record's seq (numbers, whatever the driver returned).
 *
 * @example groupBySeq(rows).get(3) // rows of record 3, in idx order
 */
export function groupBySeq<T extends { seq: number }>(rows: readonly T[]): Map<number, T[]> {
  const bySeq = new Map<number, T[]>();
  for (const r of rows) {
    const seq = Number(r.seq);
    const list = bySeq.get(seq);
    if (list) list.push(r);
    else bySeq.set(seq, [r]);
  }
  return bySeq;
}

/**
 * A checkpoint as read from either backend (size may be a BIGINT string), or null.
 *
 * @example checkpointFromRow(row)?.size
 */
export function checkpointFromRow(row: CheckpointRow): CheckpointRow;
export function checkpointFromRow(row: CheckpointRow | undefined | null): CheckpointRow | null;
export function checkpointFromRow(row: CheckpointRow | undefined | null): CheckpointRow | null {
  return row ? { size: Number(row.size), root: Buffer.from(row.root), note: row.note, created_at: String(row.created_at) } : null;
}
