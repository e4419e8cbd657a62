/**
 * The RO-Crate 1.2 metadata (`ro-crate-metadata.json`) of a release package: the root dataset
 * and its files (with SHA-256 and size), the project and requester, the rule set (by digest) and
 * the checks run as the instruments of the decision (a `CreateAction` by airlock), and each
 * output checker's verdict as an `AssessAction`. Provenance only: no cell, no finding text.
 *
 * @example roCrateMetadata(released, files)['@context'] // 'https://w3id.org/ro/crate/1.2/context'
 */
import type { PackageFile, ReleasedDecision } from './release-package.js';
import { sha256Hex } from './package-manifest.js';

/** The RO-Crate version the metadata conforms to. */
export const RO_CRATE_CONTEXT = 'https://w3id.org/ro/crate/1.2/context';

const ref = (id: string) => ({ '@id': id });

const checkerId = (v: ReleasedDecision['reviews'][number]): string => `#checker-${encodeURIComponent(v.decision.review?.checker ?? v.submitted_by)}`;

export function roCrateMetadata(r: ReleasedDecision, files: readonly PackageFile[]): Record<string, unknown> {
  const d = r.record.decision;
  const checks = [...new Set(d.outputs.flatMap((o) => o.findings.map((f) => f.check)))].sort();
  const released = r.final ?? r.record;
  const graph: Record<string, unknown>[] = [
    { '@id': 'ro-crate-metadata.json', '@type': 'CreativeWork', conformsTo: ref('https://w3id.org/ro/crate/1.2'), about: ref('./') },
    {
      '@id': './',
      '@type': 'Dataset',
      identifier: d.id,
      name: `airlock release ${d.id}`,
      description: `Outputs of project ${d.project} released from the TRE by airlock decision ${d.id}${r.final ? ' after human output checking' : ''}.`,
      datePublished: released.recorded_at,
      hasPart: files.map((f) => ref(f.path)),
      about: ref('#project'),
      author: ref('#requester'),
    },
    ...files.map((f) => ({
      '@id': f.path,
      '@type': 'File',
      name: f.output ?? f.path,
      encodingFormat: f.mediaType,
      contentSize: String(f.bytes.length),
      sha256: sha256Hex(f.bytes),
    })),
    { '@id': '#project', '@type': 'Project', name: d.project },
    { '@id': '#requester', '@type': 'Person', name: d.requester },
    { '@id': '#airlock', '@type': 'SoftwareApplication', name: 'airlock', description: 'Disclosure-control service for Trusted Research Environments' },
    { '@id': '#ruleset', '@type': 'CreativeWork', name: d.ruleset.name, version: d.ruleset.version, identifier: `sha256:${d.ruleset.digest}` },
    ...checks.map((c) => ({ '@id': `#check-${c}`, '@type': 'DefinedTerm', name: c, termCode: c, inDefinedTermSet: ref('#ruleset') })),
    {
      '@id': `#decision-${d.id}`,
      '@type': 'CreateAction',
      name: `airlock decision: ${d.outcome}`,
      agent: ref('#airlock'),
      instrument: [ref('#ruleset'), ...checks.map((c) => ref(`#check-${c}`))],
      result: files.filter((f) => f.output !== undefined).map((f) => ref(f.path)),
      endTime: d.issued_at,
      actionStatus: ref('http://schema.org/CompletedActionStatus'),
    },
    ...r.reviews.map((v) => ({
      '@id': `#review-${v.decision.id}`,
      '@type': 'AssessAction',
      name: `output checker verdict: ${v.decision.review?.verdict ?? 'unknown'}`,
      agent: ref(checkerId(v)),
      object: ref('./'),
      result: v.decision.review?.verdict ?? null,
      endTime: v.recorded_at,
    })),
    // Each checker once (flattened, as RO-Crate asks), named as the review record names them.
    ...[...new Map(r.reviews.map((v) => [checkerId(v), v.decision.review?.by?.name ?? v.decision.review?.checker ?? v.submitted_by])).entries()].map(([id, name]) => ({ '@id': id, '@type': 'Person', name })),
  ];
  return { '@context': RO_CRATE_CONTEXT, '@graph': graph };
}
