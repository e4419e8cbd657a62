/**
 * Every vocabulary written twice — as a TypeScript constant in src/ and as an enum in
 * openapi.yaml, the contract clients generate code from — says the same words (like the
 * error-code guard in errors.test.ts). Adding a word on one side only fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CHECK_ID_VALUES,
  COMMENT_VISIBILITY_VALUES,
  FILE_TYPE_IDS,
  OUTCOME_VALUES,
  OUTPUT_KIND_VALUES,
  REVIEW_STATE_VALUES,
  REVIEW_VERDICT_VALUES,
  ROLE_VALUES,
  STATUS_VALUES,
  TABLE_STATISTIC_VALUES,
} from '../src/domain.js';
import { IDENTIFIER_DETECTOR_VALUES } from '../src/lib/identifier-detectors.js';

interface Schema {
  enum?: string[];
  properties?: { kind?: { const?: string } };
}

let parsed: Record<string, Schema> | undefined;
/** openapi.yaml's schemas, parsed once, when a test first needs them. */
const schemas = (): Record<string, Schema> => (parsed ??= (parse(readFileSync('openapi.yaml', 'utf8')) as { components: { schemas: Record<string, Schema> } }).components.schemas);

const enumOf = (name: string): string[] => {
  const e = schemas()[name]?.enum;
  if (!e) throw new Error(`openapi.yaml has no enum schema ${name}`);
  return e;
};

describe('vocabularies agree with openapi.yaml', () => {
  it.each<[string, readonly string[]]>([
    ['Outcome', OUTCOME_VALUES],
    ['Status', STATUS_VALUES],
    ['CheckId', CHECK_ID_VALUES],
    ['ReviewState', REVIEW_STATE_VALUES],
    ['ReviewVerdict', REVIEW_VERDICT_VALUES],
    ['TableStatistic', TABLE_STATISTIC_VALUES],
    ['Role', ROLE_VALUES],
    ['CommentVisibility', COMMENT_VISIBILITY_VALUES],
    ['FileType', FILE_TYPE_IDS],
    ['IdentifierDetector', IDENTIFIER_DETECTOR_VALUES],
  ])('%s: the same words, each once', (name, words) => {
    expect(new Set(words).size).toBe(words.length);
    expect([...enumOf(name)].sort()).toEqual([...words].sort());
  });

  it('output kinds: one output schema per kind (its `kind` constant), and no other', () => {
    const kinds = Object.values(schemas())
      .map((s) => s.properties?.kind?.const)
      .filter((k): k is string => k !== undefined);
    expect(kinds.sort()).toEqual([...OUTPUT_KIND_VALUES].sort());
  });
});
