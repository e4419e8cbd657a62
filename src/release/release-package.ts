/**
 * The signed release package of a released decision (`GET /v1/decisions/{id}/package`): a ZIP
 * someone outside the TRE can trust without airlock. Layout:
 *
 * - `decision.json` + `decision.jws` — the canonical decision and its JWS, as recorded;
 * - `review/final.json` + `review/final.jws` — for a review settled as release, the signed
 *   final record that released it;
 * - `outputs/<name>.csv` — each released table as published (long form: one row per cell,
 *   margins included, a suppressed cell blank), and `outputs/<name>.protected.csv` where the
 *   decision offered a re-checked protected version; labels a spreadsheet would run as
 *   formulas are written as text (`src/lib/csv-field.ts`);
 * - `outputs/<name>.json` — plot data, model results and summary statistics, as the audit
 *   store kept them (the aggregates the checks judged, never microdata);
 * - `ro-crate-metadata.json` (RO-Crate 1.2) and `SUMMARY.md`;
 * - `manifest.json` — every other file's SHA-256 and size — and `manifest.jws`, its signature
 *   with airlock's key (`typ: airlock-package-manifest+jws`).
 *
 * Only a decision that is released (outcome `release`, or `review` settled as released by the
 * checkers) has a package; every output in it was released (a decision with a rejected output
 * is never released). Record-level outputs and files are named with their SHA-256 but not
 * included: airlock keeps only their digests.
 *
 * @example
 * const zip = await releasePackage(store, 'b3c…', key); // Uint8Array (application/zip)
 */
import { zipSync } from 'fflate';
import type { AuditStore, OutputEvidence, StoredRecord } from '../audit/audit-store.js';
import type { Decision, OutputDecision } from '../domain.js';
import { AirlockError } from '../errors.js';
import { csvRow } from '../lib/csv-field.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { signJson } from '../signing/sign-decision.js';
import type { SigningKey } from '../signing/signing-keys.js';
import { sha256Hex, PACKAGE_MANIFEST_TYP, PACKAGE_FORMAT, type PackageManifest } from './package-manifest.js';
import { roCrateMetadata } from './ro-crate.js';

/** A file of the package before it is zipped. */
export interface PackageFile {
  path: string;
  bytes: Uint8Array;
  /** What the file is (RO-Crate `encodingFormat`). */
  mediaType: string;
  /** The output it carries, for outputs. */
  output?: string;
}

/** Every ZIP entry gets this time, so the same decision and key always give the same bytes. */
const ZIP_MTIME = new Date('2000-01-01T00:00:00Z');

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** An output name as a file name: letters, digits, `.`, `_` and `-` kept, anything else `_`. */
function fileStem(name: string, taken: Set<string>): string {
  let stem = name.normalize('NFC').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 100) || 'output';
  for (let i = 2; taken.has(stem.toLowerCase()); i++) stem = `${stem.replace(/-\d+$/, '')}-${i}`;
  taken.add(stem.toLowerCase());
  return stem;
}

interface TableJson {
  statistic: string;
  index: string[];
  columns: string[];
  measure: string | null;
  cells: { labels: Record<string, string>; value: number | null; suppressed?: boolean }[];
}

/**
 * A released table as CSV, one row per cell: its labels, then its value (blank when
 * suppressed). Only values are written (the statistic the table shows), never counts of a
 * magnitude table's contributors or any cell evidence.
 *
 * @example tableCsv({ statistic: 'frequency', index: ['sex'], columns: [], measure: null, cells: [{ labels: { sex: 'F' }, value: 41 }] })
 * // "sex,frequency\nF,41\n"
 */
export function tableCsv(t: TableJson): string {
  const dims = [...t.index, ...t.columns];
  const head = t.measure ? `${t.statistic}(${t.measure})` : t.statistic;
  const lines = [csvRow([...dims, head])];
  for (const c of t.cells) lines.push(csvRow([...dims.map((d) => c.labels[d] ?? ''), c.suppressed ? null : c.value]));
  return `${lines.join('\n')}\n`;
}

/** The released decision with what released it: its record, and the final record when a review did. */
export interface ReleasedDecision {
  record: StoredRecord;
  final: StoredRecord | null;
  /** The checkers' review records (their verdicts), oldest first. */
  reviews: StoredRecord[];
  evidence: OutputEvidence[];
}

/**
 * Reads a decision and whatever released it. Throws `NOT_FOUND` for an unknown id and
 * `CONFLICT` when the decision is not released (rejected, awaiting review, settled otherwise).
 *
 * @example const released = await releasedDecision(store, id);
 */
export async function releasedDecision(store: AuditStore, id: string): Promise<ReleasedDecision> {
  const record = await store.get(id);
  if (!record || record.kind !== 'decision') throw new AirlockError('NOT_FOUND', `no decision ${id}`);
  const d = record.decision;
  let final: StoredRecord | null = null;
  let reviews: StoredRecord[] = [];
  if (d.outcome === 'review') {
    final = (await store.list({ kind: 'final', references: id }, { limit: 1 })).items[0] ?? null;
    if (final?.decision.review?.state !== 'released') {
      throw new AirlockError('CONFLICT', `decision ${id} needs review and has not been released by the checkers${final ? ` (review ${final.decision.review?.state ?? 'settled'})` : ''}; there is no package`);
    }
    reviews = (await store.list({ kind: 'review', references: id }, { limit: 1000, order: 'asc' })).items;
  } else if (d.outcome !== 'release') {
    throw new AirlockError('CONFLICT', `decision ${id} is ${d.outcome}: only released decisions have a package`);
  }
  // Belt and braces: a package never carries an output that was not released.
  const unreleased = d.outputs.find((o) => o.outcome === 'reject');
  if (unreleased) throw new AirlockError('CONFLICT', `output ${unreleased.name} of decision ${id} was rejected; there is no package`);
  let evidence: OutputEvidence[] = [];
  for await (const r of store.scan(record.seq)) {
    if (r.seq === record.seq) evidence = r.evidence ?? [];
    break;
  }
  return { record, final, reviews, evidence };
}

/** Plot, model and summary results as the store kept them, without the store's own markers. */
function resultJson(o: OutputDecision, evidence: OutputEvidence | undefined): unknown {
  if (!evidence || typeof evidence.evidence !== 'object' || evidence.evidence === null) return null;
  const { computed_from_microdata: _marker, ...rest } = evidence.evidence as Record<string, unknown>;
  return { name: o.name, kind: o.kind, sha256: o.sha256, ...rest };
}

/** The files carrying the released outputs, and the outputs airlock cannot include. */
function outputFiles(d: Decision, evidence: readonly OutputEvidence[]): { files: PackageFile[]; notIncluded: PackageManifest['not_included'] } {
  const files: PackageFile[] = [];
  const notIncluded: PackageManifest['not_included'] = [];
  const taken = new Set<string>();
  const byName = new Map(evidence.map((e) => [e.output, e]));
  for (const o of d.outputs) {
    const stem = fileStem(o.name, taken);
    if (o.kind === 'table' && o.table) {
      files.push({ path: `outputs/${stem}.csv`, bytes: utf8(tableCsv(o.table as TableJson)), mediaType: 'text/csv', output: o.name });
      const p = o.protected as { csv?: unknown; rechecked?: unknown } | null | undefined;
      if (p && p.rechecked === true && typeof p.csv === 'string') files.push({ path: `outputs/${stem}.protected.csv`, bytes: utf8(p.csv), mediaType: 'text/csv', output: o.name });
      continue;
    }
    const result = o.kind === 'plot' || o.kind === 'model' || o.kind === 'summary' ? resultJson(o, byName.get(o.name)) : null;
    if (result) files.push({ path: `outputs/${stem}.json`, bytes: utf8(`${JSON.stringify(result, null, 2)}\n`), mediaType: 'application/json', output: o.name });
    else notIncluded.push({ output: o.name, kind: o.kind, sha256: o.sha256, reason: 'airlock keeps only this output\'s SHA-256; release its bytes beside the package and check them against it' });
  }
  return { files, notIncluded };
}

/** SUMMARY.md: what was released, under which rules, who reviewed it, how to verify it. */
function summaryMarkdown(r: ReleasedDecision, files: readonly PackageFile[], notIncluded: PackageManifest['not_included']): string {
  const d = r.record.decision;
  const cell = (s: string) => s.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
  const lines = [
    `# Release package for decision ${d.id}`,
    '',
    `- Outcome: **released**${r.final ? ` after review by ${r.reviews.filter((v) => v.decision.review?.verdict === 'release').length} output checker(s) (${r.final.recorded_at})` : ' (every check passed)'}`,
    `- Project: ${cell(d.project)}; requester: ${cell(d.requester)}${d.dataset ? `; dataset: ${cell(d.dataset)}` : ''}`,
    `- Decided: ${d.issued_at}; audit record ${r.record.seq} (${r.record.hash})`,
    `- Rule set: ${cell(d.ruleset.name)} ${cell(d.ruleset.version)} (sha256 ${d.ruleset.digest})`,
    '',
    '## Outputs',
    '',
    '| Output | Kind | Checks run | Files |',
    '|---|---|---|---|',
  ];
  for (const o of d.outputs) {
    const of = files.filter((f) => f.output === o.name).map((f) => `\`${f.path}\``);
    const missing = notIncluded.some((n) => n.output === o.name) ? [`not included (sha256 ${o.sha256})`] : [];
    lines.push(`| ${cell(o.name)} | ${o.kind} | ${[...new Set(o.findings.map((f) => f.check))].join(', ') || '—'} | ${[...of, ...missing].join(', ')} |`);
  }
  lines.push(
    '',
    '## Verifying',
    '',
    '`manifest.json` lists the SHA-256 of every other file and is signed in `manifest.jws`; `decision.jws` signs `decision.json`.',
    'Check everything offline with the service\'s published keys:',
    '',
    '```sh',
    'airlock verify package.zip --jwks https://<airlock>/.well-known/jwks.json',
    '```',
    '',
  );
  return lines.join('\n');
}

/**
 * The package's files (everything but the manifest and its signature), in ZIP order, and the
 * released outputs whose bytes airlock does not hold.
 *
 * @example packageFiles(released).files.map((f) => f.path) // ['decision.json', 'decision.jws', 'outputs/by_sex.csv', …]
 */
export function packageFiles(r: ReleasedDecision): { files: PackageFile[]; notIncluded: PackageManifest['not_included'] } {
  const files: PackageFile[] = [
    { path: 'decision.json', bytes: utf8(canonicalJson(r.record.decision)), mediaType: 'application/json' },
    { path: 'decision.jws', bytes: utf8(r.record.signature), mediaType: 'application/jose' },
  ];
  if (r.final) {
    files.push({ path: 'review/final.json', bytes: utf8(canonicalJson(r.final.decision)), mediaType: 'application/json' });
    files.push({ path: 'review/final.jws', bytes: utf8(r.final.signature), mediaType: 'application/jose' });
  }
  const outputs = outputFiles(r.record.decision, r.evidence);
  files.push(...outputs.files);
  const crate = roCrateMetadata(r, files);
  files.push({ path: 'ro-crate-metadata.json', bytes: utf8(`${JSON.stringify(crate, null, 2)}\n`), mediaType: 'application/ld+json' });
  files.push({ path: 'SUMMARY.md', bytes: utf8(summaryMarkdown(r, outputs.files, outputs.notIncluded)), mediaType: 'text/markdown' });
  return { files, notIncluded: outputs.notIncluded };
}

/**
 * The ZIP of a released decision, with its manifest signed by `key`. Throws `NOT_FOUND` or
 * `CONFLICT` as `releasedDecision`.
 *
 * @example res.type('application/zip').send(Buffer.from(await releasePackage(store, id, ring.signing)));
 */
export async function releasePackage(store: AuditStore, id: string, key: Pick<SigningKey, 'kid' | 'privateKey'>): Promise<Uint8Array> {
  const released = await releasedDecision(store, id);
  const { files, notIncluded } = packageFiles(released);
  const manifest: PackageManifest = {
    format: PACKAGE_FORMAT,
    decision_id: id,
    files: files.map((f) => ({ path: f.path, sha256: sha256Hex(f.bytes), bytes: f.bytes.length })),
    not_included: notIncluded,
  };
  const entries: Record<string, [Uint8Array, { mtime: Date }]> = {};
  for (const f of files) entries[f.path] = [f.bytes, { mtime: ZIP_MTIME }];
  entries['manifest.json'] = [utf8(canonicalJson(manifest)), { mtime: ZIP_MTIME }];
  entries['manifest.jws'] = [utf8(signJson(manifest, key, PACKAGE_MANIFEST_TYP)), { mtime: ZIP_MTIME }];
  return zipSync(entries, { level: 6 });
}
