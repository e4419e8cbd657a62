/**
 * `airlock rules test`: rule-set tests kept next to the rules (`rules/tests/*.yaml`), run
 * through the real engine (`makeDecision`, unsigned and unrecorded) under the candidate rules.
 * A test is an output as a client would submit it, the project it is submitted for, and the
 * expected outcome with the exact set of checks that fail (and, optionally, that need review):
 *
 * ```yaml
 * tests:
 *   - name: a cell of 3 fails min_count
 *     project: any-project            # optional; selects the project's overrides
 *     output:                         # or `outputs: [...]`
 *       kind: table
 *       cells: [{ labels: { sex: F }, count: 3 }, { labels: { sex: M }, count: 40 }]
 *     expect: { outcome: reject, failing: [min_count] }
 * ```
 * A test may add `rules: { parameters, checks }`, applied over its project's rules, to exercise a
 * check the shipped rules leave dormant (e.g. `check_missing_values: true`); the report lists
 * which registered checks no passing test exercised.
 *
 * @example
 * const r = await runRuleTests('rules');
 * console.log(`${r.passed} passed, ${r.failed} failed`);
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { CheckId, Outcome, OutputDecision } from '../domain.js';
import { CHECK_ID_VALUES, OUTCOME_VALUES } from '../domain.js';
import { AirlockError } from '../errors.js';
import { CHECKS } from '../checks/index.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { makeDecision } from '../pipeline/make-decision.js';
import type { CheckLists, ProjectOverride, Ruleset } from '../rules/load-ruleset.js';
import { OVERRIDE_FILE_SCHEMA, loadRuleset, readRuleFile, rulesetFromContent, shownPath } from '../rules/load-ruleset.js';
import type { Parameters } from '../rules/parameters.js';

/** One rule-set test as written in a test file. */
export interface RuleTest {
  name: string;
  project?: string;
  /** The request's dataset (default `rules-test`); null for a request without one. */
  dataset?: string | null;
  /** Applied over the project's rules for this test only. */
  rules?: { parameters?: Partial<Parameters>; checks?: CheckLists };
  output?: Record<string, unknown>;
  outputs?: Record<string, unknown>[];
  expect: { outcome: Outcome; failing: CheckId[]; review?: CheckId[] };
}

/** The dataset a test is submitted with when it names none: rule tests run without a history, so only a test's own outputs are differenced. */
export const RULE_TEST_DATASET = 'rules-test';

/** The project a test is submitted for when it names none (it gets the default rules). */
export const RULE_TEST_PROJECT = 'rules-test';

const checkIds = { type: 'array', uniqueItems: true, items: { enum: CHECK_ID_VALUES } } as const;

/** JSON Schema of a rule-test file. */
export const RULE_TEST_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['tests'],
  properties: {
    description: { type: 'string' },
    tests: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'expect'],
        properties: {
          name: { type: 'string', minLength: 1 },
          description: { type: 'string' },
          project: { type: 'string', minLength: 1 },
          dataset: { type: ['string', 'null'], minLength: 1 },
          rules: {
            type: 'object',
            additionalProperties: false,
            properties: { parameters: OVERRIDE_FILE_SCHEMA.properties.parameters, checks: OVERRIDE_FILE_SCHEMA.properties.checks },
          },
          output: { type: 'object' },
          outputs: { type: 'array', minItems: 1, items: { type: 'object' } },
          expect: {
            type: 'object',
            additionalProperties: false,
            required: ['outcome', 'failing'],
            properties: { outcome: { enum: OUTCOME_VALUES }, failing: checkIds, review: checkIds },
          },
        },
        oneOf: [{ required: ['output'] }, { required: ['outputs'] }],
      },
    },
  },
} as const;

const validateTestFile = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile<{ tests: RuleTest[] }>(RULE_TEST_FILE_SCHEMA);

/** The result of one test. */
export interface RuleTestResult {
  file: string;
  /** JSON pointer of the test in its file (`/tests/2`). */
  path: string;
  name: string;
  passed: boolean;
  /** What differed from the expectation (empty when passed). */
  problems: string[];
}

export interface RuleTestReport {
  results: RuleTestResult[];
  passed: number;
  failed: number;
  /** Registered checks (`kind/check_id`) some passing test saw fail or ask for review. */
  covered: string[];
  /** Registered checks no passing test exercised. */
  uncovered: string[];
}

/**
 * Reads and validates the test files of a directory (sorted by name). Throws `RULES_INVALID`
 * naming the file and path of a malformed test.
 *
 * @example readRuleTests('rules/tests').length // number of tests
 */
export function readRuleTests(testsDir: string): { file: string; path: string; test: RuleTest }[] {
  let names: string[];
  try {
    names = readdirSync(testsDir).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
  } catch {
    throw new AirlockError('RULES_INVALID', `${testsDir}: no rule tests directory`, [{ pointer: testsDir, message: 'missing' }]);
  }
  const out: { file: string; path: string; test: RuleTest }[] = [];
  for (const name of names) {
    const file = shownPath(join(testsDir, name));
    const data = readRuleFile(join(testsDir, name), file);
    if (!validateTestFile(data)) {
      const details = (validateTestFile.errors ?? []).map((e) => ({ pointer: `${file}#${e.instancePath || '/'}`, message: e.message ?? 'invalid' }));
      throw new AirlockError('RULES_INVALID', `${file}: ${details.map((d) => `${d.pointer.split('#')[1]} ${d.message}`).join('; ')}`, details);
    }
    data.tests.forEach((test, i) => out.push({ file, path: `/tests/${i}`, test }));
  }
  return out;
}

/** The rule set with a test's overlay merged into its project's override. */
function withOverlay(ruleset: Ruleset, project: string, overlay: RuleTest['rules']): Ruleset {
  if (!overlay) return ruleset;
  const existing = ruleset.content.projects.find((o) => o.project === project);
  const merged: ProjectOverride = {
    ...(existing ?? { project }),
    parameters: { ...(existing?.parameters ?? {}), ...(overlay.parameters ?? {}) },
    checks: { ...(existing?.checks ?? {}), ...(overlay.checks ?? {}) },
  };
  return rulesetFromContent({ default: ruleset.content.default, projects: [...ruleset.content.projects.filter((o) => o !== existing), merged] });
}

const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort();
const show = (ids: string[]) => `[${ids.join(', ')}]`;

function checksWith(outputs: OutputDecision[], status: 'fail' | 'review'): string[] {
  return sorted(outputs.flatMap((o) => o.findings.filter((f) => f.status === status).map((f) => f.check)));
}

/**
 * Runs one test under a rule set; never throws for a wrong expectation or a refused request.
 *
 * @example await runRuleTest(test, loadRuleset('rules'))
 */
export async function runRuleTest(test: RuleTest, ruleset: Ruleset): Promise<{ passed: boolean; problems: string[]; outputs: OutputDecision[] }> {
  const project = test.project ?? RULE_TEST_PROJECT;
  const rs = withOverlay(ruleset, project, test.rules);
  const outputs = (test.outputs ?? [test.output ?? {}]).map((o, i) => ({ name: `output${i + 1}`, ...o }));
  // Tests name a dataset (differencing reviews a request without one); `dataset: null` tests that.
  const dataset = test.dataset === undefined ? RULE_TEST_DATASET : test.dataset;
  const body = { project, requester: 'rules-test', ...(dataset !== null ? { dataset } : {}), outputs };
  let decided: OutputDecision[];
  let outcome: Outcome;
  try {
    const { decision } = await makeDecision(body, { ruleset: () => rs, limits: DEFAULT_LIMITS });
    decided = decision.outputs;
    outcome = decision.outcome;
  } catch (e) {
    const err = e instanceof AirlockError ? `${e.code}: ${e.message}` : String(e);
    return { passed: false, problems: [`the engine refused the request (${err})`], outputs: [] };
  }
  const problems: string[] = [];
  if (outcome !== test.expect.outcome) problems.push(`outcome: expected ${test.expect.outcome}, got ${outcome}`);
  const failing = checksWith(decided, 'fail');
  const wantFailing = sorted(test.expect.failing);
  if (show(failing) !== show(wantFailing)) problems.push(`failing checks: expected ${show(wantFailing)}, got ${show(failing)}`);
  if (test.expect.review) {
    const review = checksWith(decided, 'review');
    const wantReview = sorted(test.expect.review);
    if (show(review) !== show(wantReview)) problems.push(`review checks: expected ${show(wantReview)}, got ${show(review)}`);
  }
  return { passed: problems.length === 0, problems, outputs: decided };
}

/**
 * Runs every test in `testsDir` (default `DIR/tests`) against the rules in `rulesDir`.
 * Throws `RULES_INVALID` when the rules or a test file are malformed.
 *
 * @example const r = await runRuleTests('rules'); r.failed // 0
 */
export async function runRuleTests(rulesDir: string, testsDir: string = join(rulesDir, 'tests')): Promise<RuleTestReport> {
  const ruleset = loadRuleset(rulesDir);
  const results: RuleTestResult[] = [];
  const covered = new Set<string>();
  for (const { file, path, test } of readRuleTests(testsDir)) {
    const r = await runRuleTest(test, ruleset);
    results.push({ file, path, name: test.name, passed: r.passed, problems: r.problems });
    if (!r.passed) continue;
    const expected = new Set<string>([...test.expect.failing, ...(test.expect.review ?? [])]);
    for (const o of r.outputs) for (const f of o.findings) if (f.status !== 'pass' && expected.has(f.check)) covered.add(`${o.kind}/${f.check}`);
  }
  const registered = sorted(CHECKS.map((c) => `${c.kind}/${c.id}`));
  const passed = results.filter((r) => r.passed).length;
  return {
    results,
    passed,
    failed: results.length - passed,
    covered: registered.filter((k) => covered.has(k)),
    uncovered: registered.filter((k) => !covered.has(k)),
  };
}
