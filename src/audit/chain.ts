/**
 * The audit chain, defined once for every store and every verifier.
 *
 * A record's canonical form is the RFC 8785 canonical JSON of
 * ```
 * { v: 1, seq, recorded_at, kind, submitted_by, references, trace_id,
 *   decision, signature, kid,
 *   released: [{ output, dataset, dims (sorted), statistic, cells, total }],
 *   evidence_sha256,         ← only when the record keeps replay evidence
 *   history_sha256 }         ← only when outputs entered the differencing history
 * ```
 * `evidence_sha256` is the hex SHA-256 of the canonical JSON of the record's evidence list
 * (`[{ output, kind, evidence }]`): the evidence is covered by the chain, but an export carries
 * only its digest, not the largest contributions it holds. `history_sha256` is the hex SHA-256
 * of the canonical JSON of the record's history manifest (`HistoryManifest`: per output the
 * digest of its label form and of its encrypted unit form, and the digest of the units the
 * record added to the dictionary): the unit sets and the dictionary stay in the store, and an
 * auditor holding the store still verifies that every decision's history is what it was.
 * i.e. everything the store keeps about the record except its own `hash` and `prev`. Then
 * ```
 * hash = hex(SHA-256(UTF-8(prev || canonical)))      prev of seq 1 = 64 × '0'
 * ```
 * where `prev` is the previous record's `hash` as 64 lower-case hex characters. Seqs start at
 * 1 and have no gaps. Changing any stored byte that carries meaning — a cell, a submitter, a
 * timestamp, the signature — changes that record's hash and breaks the next link. Whoever can
 * write the store can recompute every later hash, though: the transparency log
 * (`transparency-log.ts`) signs each record's place and hash with a key the store does not hold.
 *
 * An exported JSON Lines record is this same object plus `hash` and `prev`, so an archive can
 * be re-verified without airlock: drop those two members, canonicalise, hash.
 *
 * @example
 * const canonical = canonicalRecord({ seq: 1, recorded_at, kind: 'decision', … });
 * const hash = chainHash(GENESIS_PREV, canonical);
 */
import { createHash } from 'node:crypto';
import type { Decision } from '../domain.js';
import { canonicalJson, canonicalObjectOfParts } from '../lib/canonical-json.js';
import type { DictionaryAddition, HistoryManifest, OutputEvidence, ReleasedTable } from './audit-store.js';

/** The `prev` of the first record. */
export const GENESIS_PREV = '0'.repeat(64);

/** The record format version, carried as `v` in every canonical record. */
export const RECORD_FORMAT_VERSION = 1;

/** Everything a record's hash covers. */
export interface ChainedFields {
  seq: number;
  recorded_at: string;
  kind: string;
  submitted_by: string;
  references: string | null;
  trace_id: string | null;
  decision: Decision;
  signature: string;
  kid: string;
  released: readonly ReleasedTable[];
  evidence?: readonly OutputEvidence[];
  history?: HistoryManifest;
}

/** A released table in the form it is stored and hashed: dims sorted, `total` present. */
export type NormalisedReleasedTable = Required<ReleasedTable>;

/**
 * The stored form of a released table: dims sorted (a copy), missing total → null, only the
 * known members, so what is hashed at append is what is read back later.
 *
 * @example normaliseReleased({ output: 't', dataset: 'd', dims: ['b', 'a'], statistic: 'frequency', cells: [] }).dims // ['a', 'b']
 */
export function normaliseReleased(t: ReleasedTable): NormalisedReleasedTable {
  return {
    output: t.output,
    dataset: t.dataset,
    dims: [...t.dims].sort(),
    statistic: t.statistic,
    cells: t.cells,
    total: t.total ?? null,
  };
}

/**
 * The canonical record text (see the module comment): what `hash` covers after `prev`.
 *
 * @example canonicalRecord(fields).startsWith('{"decision":') // true: keys are sorted
 */
export function canonicalRecord(r: ChainedFields): string {
  return canonicalJson({
    v: RECORD_FORMAT_VERSION,
    seq: r.seq,
    recorded_at: r.recorded_at,
    kind: r.kind,
    submitted_by: r.submitted_by,
    references: r.references,
    trace_id: r.trace_id,
    decision: r.decision,
    signature: r.signature,
    kid: r.kid,
    released: r.released.map(normaliseReleased),
    ...(r.evidence?.length ? { evidence_sha256: evidenceDigest(r.evidence) } : {}),
    ...(r.history ? { history_sha256: sha256Hex(canonicalJson(r.history)) } : {}),
  });
}

/**
 * The hex SHA-256 of a record's dictionary additions: per unit, in id order, the UTF-8
 * namespace, a 0 byte, the digest and the id (4 bytes, big-endian). Binary rather than JSON:
 * a record may add a hundred thousand units.
 *
 * @example dictionaryDigest([{ namespace: 'default', digest: new Uint8Array(16), id: 1 }]).length // 64
 */
export function dictionaryDigest(entries: readonly DictionaryAddition[]): string {
  const h = createHash('sha256');
  const sorted = [...entries].sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.id - b.id));
  const id = Buffer.alloc(4);
  for (const e of sorted) {
    h.update(e.namespace, 'utf8').update(Buffer.of(0)).update(e.digest);
    id.writeUInt32BE(e.id >>> 0);
    h.update(id);
  }
  return h.digest('hex');
}

/**
 * The hex SHA-256 of bytes or text (a label form's canonical JSON, an encrypted unit form).
 *
 * @example sha256Of('{}').length // 64
 */
export function sha256Of(data: string | Uint8Array): string {
  return typeof data === 'string' ? sha256Hex(data) : createHash('sha256').update(data).digest('hex');
}

/**
 * The hex SHA-256 of the canonical JSON of a record's evidence list.
 *
 * @example evidenceDigest([{ output: 't', kind: 'table', evidence: { statistic: 'frequency', cells: [] } }]).length // 64
 */
export function evidenceDigest(evidence: readonly OutputEvidence[]): string {
  return sha256Hex(canonicalJson(evidence));
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * A record's chained fields with its large members already canonicalised, as an append has
 * them anyway for the rows it stores: the decision, each released table (`canonicalReleased`)
 * and the evidence list (null when the record keeps none).
 */
export interface CanonicalRecordParts extends Omit<ChainedFields, 'decision' | 'released' | 'evidence' | 'history'> {
  decisionText: string;
  releasedTexts: readonly string[];
  evidenceText: string | null;
  /** The canonical JSON of the history manifest, null when the record has none. */
  historyText?: string | null;
}

/**
 * The canonical text of one normalised released table from the texts of its `dims` and
 * `cells` (as stored in `released_tables`).
 *
 * @example canonicalReleased(normaliseReleased(t), canonicalJson(n.dims), canonicalJson(n.cells))
 */
export function canonicalReleased(n: NormalisedReleasedTable, dimsText: string, cellsText: string): string {
  return canonicalObjectOfParts({
    output: canonicalJson(n.output),
    dataset: canonicalJson(n.dataset),
    dims: dimsText,
    statistic: canonicalJson(n.statistic),
    cells: cellsText,
    total: canonicalJson(n.total),
  });
}

/**
 * Exactly `canonicalRecord` of the same record, built from parts already canonicalised so the
 * append path serialises the decision, cells and evidence once instead of twice.
 *
 * @example canonicalRecordOfParts({ ...fields, decisionText: canonicalJson(d), releasedTexts: [], evidenceText: null })
 */
export function canonicalRecordOfParts(p: CanonicalRecordParts): string {
  return canonicalObjectOfParts({
    v: canonicalJson(RECORD_FORMAT_VERSION),
    seq: canonicalJson(p.seq),
    recorded_at: canonicalJson(p.recorded_at),
    kind: canonicalJson(p.kind),
    submitted_by: canonicalJson(p.submitted_by),
    references: canonicalJson(p.references),
    trace_id: canonicalJson(p.trace_id),
    decision: p.decisionText,
    signature: canonicalJson(p.signature),
    kid: canonicalJson(p.kid),
    released: `[${p.releasedTexts.join(',')}]`,
    evidence_sha256: p.evidenceText === null ? undefined : canonicalJson(sha256Hex(p.evidenceText)),
    history_sha256: p.historyText === null || p.historyText === undefined ? undefined : canonicalJson(sha256Hex(p.historyText)),
  });
}

/**
 * `hex(SHA-256(UTF-8(prev || canonical)))`.
 *
 * @example chainHash(GENESIS_PREV, '{}').length // 64
 */
export function chainHash(prev: string, canonical: string): string {
  return createHash('sha256').update(prev, 'utf8').update(canonical, 'utf8').digest('hex');
}
