import { describe, expect, it } from 'vitest';
import type { ChainedFields } from '../../src/audit/chain.js';
import { canonicalRecord, canonicalRecordOfParts, canonicalReleased, normaliseReleased } from '../../src/audit/chain.js';
import { canonicalJson, canonicalObjectOfParts } from '../../src/lib/canonical-json.js';
import { sampleDecision, sampleReleased } from '../helpers/sample-decision.js';

/** The spliced form, built the way the append path builds it. */
function ofParts(f: ChainedFields): string {
  const { decision, released, evidence, ...rest } = f;
  return canonicalRecordOfParts({
    ...rest,
    decisionText: canonicalJson(decision),
    releasedTexts: released.map((t) => {
      const n = normaliseReleased(t);
      return canonicalReleased(n, canonicalJson(n.dims), canonicalJson(n.cells));
    }),
    evidenceText: evidence?.length ? canonicalJson(evidence) : null,
  });
}

const base: ChainedFields = {
  seq: 7,
  recorded_at: '2024-05-01T10:00:00.000Z',
  kind: 'decision',
  submitted_by: 'ci-token',
  references: null,
  trace_id: null,
  decision: sampleDecision(7),
  signature: 'h.p.s',
  kid: 'k1',
  released: [sampleReleased(7)],
};

describe('canonicalRecordOfParts', () => {
  it.each<[string, ChainedFields]>([
    ['a decision record with one released table', base],
    ['no released tables, a reference and a trace id', { ...base, kind: 'review', references: 'd-0001', trace_id: 'abc', released: [] }],
    ['released tables with unsorted dims and no total', { ...base, released: [sampleReleased(1, { dims: ['sex', 'region'], total: undefined }), sampleReleased(2)] }],
    ['evidence', { ...base, evidence: [{ output: 'by-sex', kind: 'table', evidence: { cells: [{ top: [3, 2.5] }] } }] }],
    ['an empty evidence list (no digest)', { ...base, evidence: [] }],
    ['non-ASCII text', { ...base, submitted_by: 'zoë \u20ac', decision: sampleDecision(7, { requester: '\u{1f600} "q"' }) }],
  ])('is exactly canonicalRecord for %s', (_, fields) => {
    expect(ofParts(fields)).toBe(canonicalRecord(fields));
  });
});

describe('canonicalObjectOfParts', () => {
  it.each<[string, Record<string, string | undefined>, string]>([
    ['sorts members and omits undefined ones', { b: '[1]', a: '"x"', c: undefined }, '{"a":"x","b":[1]}'],
    ['an empty object', {}, '{}'],
    ['keys by UTF-16 code units', { '\u20ac': '1', '\r': '2', a: '3' }, '{"\\r":2,"a":3,"\u20ac":1}'],
  ])('%s', (_, parts, text) => {
    expect(canonicalObjectOfParts(parts)).toBe(text);
  });

  it('refuses a key with a lone surrogate', () => {
    expect(() => canonicalObjectOfParts({ '\ud800': '1' })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });
});
