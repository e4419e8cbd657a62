import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/index.js';
import { AirlockError } from '../../src/errors.js';
import { runRuleTests } from '../../src/governance/test-rules.js';
import { tempDir } from '../helpers/temp-dirs.js';

function testsDir(text: string): string {
  const dir = tempDir('rule-tests-');
  writeFileSync(join(dir, 'cases.yaml'), text);
  return dir;
}

const smallCell = (expect: string) => `tests:
  - name: small cell
    output:
      kind: table
      cells:
        - { labels: { sex: F }, count: 3 }
        - { labels: { sex: M }, count: 30 }
    expect: ${expect}
`;

describe('runRuleTests', () => {
  it('passes every shipped test against the shipped rules', async () => {
    const r = await runRuleTests('rules');
    expect(r.results.filter((x) => !x.passed)).toEqual([]);
    expect(r.failed).toBe(0);
    expect(r.passed).toBeGreaterThan(0);
  });

  it('exercises every registered check of every output kind', async () => {
    const r = await runRuleTests('rules');
    expect(r.uncovered).toEqual([]);
    expect(r.covered).toEqual([...new Set(CHECKS.map((c) => `${c.kind}/${c.id}`))].sort());
  });

  it.each([
    ['the right expectation', '{ outcome: reject, failing: [min_count] }', true, []],
    ['a wrong outcome', '{ outcome: release, failing: [min_count] }', false, ['outcome: expected release, got reject']],
    ['a missing failing check', '{ outcome: reject, failing: [] }', false, ['failing checks: expected [], got [min_count]']],
    ['an extra failing check', '{ outcome: reject, failing: [min_count, zeros] }', false, ['failing checks: expected [min_count, zeros], got [min_count]']],
    ['a wrong review list', '{ outcome: reject, failing: [min_count], review: [negative] }', false, ['review checks: expected [negative], got []']],
  ])('judges %s', async (_name, expectation, passed, problems) => {
    const r = await runRuleTests('rules', testsDir(smallCell(expectation)));
    expect(r.results).toEqual([{ file: expect.stringMatching(/cases\.yaml$/), path: '/tests/0', name: 'small cell', passed, problems }]);
    expect([r.passed, r.failed]).toEqual(passed ? [1, 0] : [0, 1]);
  });

  it('applies a test rules overlay over the project rules', async () => {
    const r = await runRuleTests('rules', testsDir(smallCell('{ outcome: release, failing: [] }').replace('    output:', '    rules: { parameters: { threshold: 3 } }\n    output:')));
    expect(r.failed).toBe(0);
  });

  it('counts a request the engine refuses as a failed test, with the error code', async () => {
    const r = await runRuleTests('rules', testsDir(smallCell('{ outcome: reject, failing: [min_count] }').replace('kind: table', 'kind: table\n      statistic: nonsense')));
    expect(r.failed).toBe(1);
    expect(r.results[0].problems[0]).toMatch(/^the engine refused the request \(INVALID_REQUEST/);
  });

  it('refuses a malformed test file naming file and path', async () => {
    const err = await runRuleTests('rules', testsDir('tests:\n  - name: x\n    output: {}\n    expect: { outcome: maybe, failing: [] }\n')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AirlockError);
    expect((err as AirlockError).code).toBe('RULES_INVALID');
    expect((err as AirlockError).details.map((d) => d.pointer)).toContainEqual(expect.stringMatching(/cases\.yaml#\/tests\/0\/expect\/outcome$/));
  });
});
