/**
 * Small signed decisions and released tables for signing and audit tests, plus a throwaway
 * Ed25519 signing key in a temporary directory.
 *
 * @example
 * const key = await testSigningKey();
 * await store.append(await signedAppend(key, 1));
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { AppendInput, ReleasedTable } from '../../src/audit/audit-store.js';
import type { Decision } from '../../src/domain.js';
import { canonicalJson } from '../../src/lib/canonical-json.js';
import { signDecision } from '../../src/signing/sign-decision.js';
import { ensureDevSigningKey, type SigningKey } from '../../src/signing/signing-keys.js';
import { tempDir } from './temp-dirs.js';

/** A tiny rule set and its digest (SHA-256 of its canonical JSON, as the rules loader computes it). */
export const RULESET_CONTENT = { default: { name: 'default', version: '1', parameters: { threshold: 10 } }, projects: [] };
export const RULESET_DIGEST = createHash('sha256').update(canonicalJson(RULESET_CONTENT)).digest('hex');

/** Decision number `i`: project p1, requester alice, dataset cohort, one released frequency table. */
export function sampleDecision(i: number, over: Partial<Decision> = {}): Decision {
  return {
    id: `d-${String(i).padStart(4, '0')}`,
    issued_at: `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
    outcome: 'release',
    project: 'p1',
    requester: 'alice',
    dataset: 'cohort',
    ruleset: { name: 'default', version: '1', digest: RULESET_DIGEST },
    outputs: [{ name: 'by-sex', kind: 'table', sha256: 'b'.repeat(64), outcome: 'release', findings: [] }],
    ...over,
  };
}

/** A released 2-cell table by `sex` (counts 12 + n, 20) with its total. */
export function sampleReleased(n = 0, over: Partial<ReleasedTable> = {}): ReleasedTable {
  return {
    output: 'by-sex',
    dataset: 'cohort',
    dims: ['sex'],
    statistic: 'frequency',
    cells: [
      { labels: { sex: 'F' }, count: 12 + n, value: 12 + n },
      { labels: { sex: 'M' }, count: 20, value: 20 },
      { labels: { sex: 'All' }, count: 32 + n, value: 32 + n },
    ],
    total: 32 + n,
    ...over,
  };
}

/** A fresh signing key (a dev key file in a temporary directory). */
export async function testSigningKey(): Promise<SigningKey> {
  return (await ensureDevSigningKey(tempDir('airlock-key-'))).key;
}

/** The append input of decision `i`, signed with `key`, carrying the sample rule set when the decision names it. */
export async function signedAppend(key: SigningKey, i: number, over: Partial<Decision> = {}, extra: Partial<AppendInput> = {}): Promise<AppendInput> {
  const decision = sampleDecision(i, over);
  return {
    decision,
    signature: await signDecision(decision, key),
    kid: key.kid,
    submittedBy: 'ci-token',
    released: decision.outcome === 'release' ? [sampleReleased(i)] : [],
    ...(decision.ruleset.digest === RULESET_DIGEST ? { ruleset: { digest: RULESET_DIGEST, content: RULESET_CONTENT } } : {}),
    ...extra,
  };
}
