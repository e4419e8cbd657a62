/**
 * Loads the rule set from a directory: `default.yaml` (or `.yml`/`.json`) and per-project
 * overrides in `projects/`, checked against the governance floors (`floors.yaml` beside them,
 * or the file configured; see `floors.ts`). Every file is validated against its JSON Schema
 * with ajv; any error, or any value below a floor, names the file, the path inside it and what
 * is wrong, and no rule set is returned (start-up stops, a live reload keeps the old set). The
 * digest is SHA-256 of the canonical JSON of the whole set (floors included, when there are
 * any), so two directories with the same rules share a digest.
 *
 * @example
 * const rules = loadRuleset('./rules');
 * rules.digest; // '3f1c…'
 * rules.resolve('cancer-registry').params.threshold; // 20
 */
import { protectionMethodProblems } from './protection-method.js';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import type { CheckId, OutputKind, RulesetRef } from '../domain.js';
import { AirlockError } from '../errors.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { CHECK_LISTS_SCHEMA } from './check-lists-schema.js';
import type { Floors, FloorsFile, FloorViolation } from './floors.js';
import { belowFloors, findFloorsFile, floorsFileIssues, floorViolations } from './floors.js';
import type { Parameters } from './parameters.js';
import { DEFAULT_PARAMETERS, OVERRIDE_PARAMETERS_SCHEMA, PARAMETERS_SCHEMA } from './parameters.js';
import type { PopulationIndex } from './populations.js';
import { populationIndex, populationProblems } from './populations.js';

export type CheckLists = Partial<Record<OutputKind, CheckId[]>>;

/** The default rule file, as validated. */
export interface RuleFile {
  name: string;
  version: string;
  description?: string;
  parameters: Partial<Parameters>;
  checks: CheckLists;
  /** Population name → the datasets (names or `*`/`?` patterns) drawn from it (sdc-rules.md "Differencing"). */
  populations?: Record<string, string[]>;
}

/** A per-project override file. */
export interface ProjectOverride {
  project: string;
  description?: string;
  parameters?: Partial<Parameters>;
  checks?: CheckLists;
}

/** What applies to one request: the parameters and, per output kind, the enabled checks. */
export interface EffectiveRules {
  params: Parameters;
  checks: CheckLists;
  /** The override applied, when the project has one. */
  override: string | null;
  /** The TRE's populations (the same for every project: only the default file declares them). */
  populations: PopulationIndex;
}

/** What a rule set's digest covers: the default file, the overrides and, when there are any, the governance floors. */
export interface RulesetContent {
  default: RuleFile;
  projects: ProjectOverride[];
  /** The floors the set was checked against (absent when there is no floors file). */
  floors?: FloorsFile;
}

export interface Ruleset extends RulesetRef {
  /** The canonical content the digest covers: stored with decisions, shown to auditors. */
  content: RulesetContent;
  resolve(project: string): EffectiveRules;
}

export interface LoadOptions {
  /** The floors file (`AIRLOCK_FLOORS_FILE`); default: `floors.yaml|yml|json` in the rules directory, if there is one. */
  floorsFile?: string | null;
}

const checkLists = CHECK_LISTS_SCHEMA;

/** JSON Schema of `default.yaml`. */
export const RULE_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'version', 'parameters', 'checks'],
  properties: {
    name: { type: 'string', minLength: 1 },
    version: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    parameters: PARAMETERS_SCHEMA,
    checks: checkLists,
    populations: {
      type: 'object',
      propertyNames: { minLength: 1, maxLength: 200 },
      additionalProperties: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 200 } },
    },
  },
} as const;

/** JSON Schema of a project override file. */
export const OVERRIDE_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['project'],
  properties: {
    project: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    parameters: OVERRIDE_PARAMETERS_SCHEMA,
    checks: checkLists,
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true });
const validateRuleFile = ajv.compile<RuleFile>(RULE_FILE_SCHEMA);
const validateOverride = ajv.compile<ProjectOverride>(OVERRIDE_FILE_SCHEMA);

const RULE_EXT = /\.(ya?ml|json)$/;

/**
 * Reads one rule file (YAML or JSON) without validating it; `RULES_INVALID` when it does not parse.
 *
 * @example readRuleFile('rules/default.yaml', 'rules/default.yaml').name // 'default'
 */
export function readRuleFile(path: string, shownAs: string): unknown {
  const text = readFileSync(path, 'utf8');
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new AirlockError('RULES_INVALID', `${shownAs}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`, [
      { pointer: shownAs, message: (e as Error).message },
    ], { cause: e });
  }
}

/** One schema problem in a rule file: where (`file#/json/pointer`), what, and the schema keyword. */
export interface RuleFileIssue {
  pointer: string;
  /** The JSON pointer inside the file (`/parameters/threshold`). */
  path: string;
  message: string;
  /** The JSON Schema keyword that failed (`minimum`, `enum`, `additionalProperties`, …). */
  keyword: string;
  /** The offending property name, for `additionalProperties`. */
  property?: string;
  /** The values an `enum` allows. */
  allowed?: string[];
}

/**
 * The schema problems of a parsed rule file (none when it is valid).
 *
 * @example ruleFileIssues({ project: 'p', parameters: { threshold: 0 } }, 'override', 'p.yaml')[0].path // '/parameters/threshold'
 */
export function ruleFileIssues(data: unknown, as: 'default' | 'override', shownAs: string): RuleFileIssue[] {
  const validate = as === 'default' ? validateRuleFile : validateOverride;
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.params.additionalProperty ? ` (${String(e.params.additionalProperty)})` : e.params.allowedValues ? ` (one of ${(e.params.allowedValues as unknown[]).join(', ')})` : '';
    const path = e.instancePath || '/';
    return {
      pointer: `${shownAs}#${path}`,
      path,
      message: `${e.message ?? 'invalid'}${extra}`,
      keyword: e.keyword,
      ...(e.params.additionalProperty ? { property: String(e.params.additionalProperty) } : {}),
      ...(Array.isArray(e.params.allowedValues) ? { allowed: (e.params.allowedValues as unknown[]).map(String) } : {}),
    };
  });
}

function schemaErrors(shownAs: string, issues: RuleFileIssue[]): never {
  const details = issues.map((i) => ({ pointer: i.pointer, message: i.message }));
  throw new AirlockError('RULES_INVALID', `${shownAs}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, details);
}

/**
 * The rule files of a directory: its default file and its project override files, sorted.
 * Throws `RULES_INVALID` when there is no default file.
 *
 * @example ruleFilePaths('rules') // { default: 'rules/default.yaml', projects: ['rules/projects/example-strict.yaml'] }
 */
export function ruleFilePaths(dir: string): { default: string; projects: string[] } {
  const projectsDir = join(dir, 'projects');
  let names: string[] = [];
  try {
    names = readdirSync(projectsDir).filter((n) => RULE_EXT.test(n)).sort();
  } catch {
    names = [];
  }
  return { default: findDefault(dir), projects: names.map((n) => join(projectsDir, n)) };
}

/**
 * How a rule file is named in messages: relative to the working directory when inside it.
 *
 * @example shownPath('/work/main/rules/default.yaml') // 'rules/default.yaml'
 */
export function shownPath(path: string): string {
  return relative(process.cwd(), path) || path;
}

function findDefault(dir: string): string {
  for (const name of ['default.yaml', 'default.yml', 'default.json']) {
    const p = join(dir, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not this one
    }
  }
  throw new AirlockError('RULES_INVALID', `${dir}: no default.yaml (or .yml/.json) rule file`, [{ pointer: dir, message: 'missing default rule file' }]);
}

/**
 * Builds a rule set from already-parsed content (files, or a stored rule set being replayed).
 */
export function rulesetFromContent(content: RulesetContent): Ruleset {
  const def = content.default;
  const digest = createHash('sha256').update(canonicalJson(content)).digest('hex');
  const byProject = new Map(content.projects.map((o) => [o.project, o]));
  const base: Parameters = Object.freeze({ ...DEFAULT_PARAMETERS, ...def.parameters });
  const populations = populationIndex(def.populations, base.unit_namespaces);
  const resolved = new Map<string, EffectiveRules>();
  const resolve = (project: string): EffectiveRules => {
    let r = resolved.get(project);
    if (!r) {
      const o = byProject.get(project);
      r = Object.freeze({
        params: o?.parameters ? Object.freeze({ ...base, ...o.parameters }) : base,
        checks: Object.freeze({ ...def.checks, ...(o?.checks ?? {}) }),
        override: o ? o.project : null,
        populations,
      });
      resolved.set(project, r);
    }
    return r;
  };
  return Object.freeze({ name: def.name, version: def.version, digest, content, resolve });
}

/** A rules directory read and validated, with its floors and every way it is below them. */
export interface InspectedRuleset {
  ruleset: Ruleset;
  floors: Floors | null;
  violations: FloorViolation[];
}

/**
 * Reads and validates a rules directory and its floors, without refusing a set below them:
 * for `rules diff` and `rules lint`, which report violations instead. Throws `RULES_INVALID`
 * for files that do not parse or match their schema.
 *
 * @example inspectRuleset('candidate').violations // [{ file: 'candidate/default.yaml', path: '/parameters/threshold', … }]
 */
export function inspectRuleset(dir: string, opts: LoadOptions = {}): InspectedRuleset {
  const files = ruleFilePaths(dir);
  const defShown = shownPath(files.default);
  const def = readRuleFile(files.default, defShown);
  const defIssues = ruleFileIssues(def, 'default', defShown);
  if (defIssues.length) schemaErrors(defShown, defIssues);
  const claimed = populationProblems((def as RuleFile).populations ?? {});
  if (claimed.length) {
    throw new AirlockError('RULES_INVALID', `${defShown}: ${claimed.map((p) => `${p.path} ${p.message}`).join('; ')}`, claimed.map((p) => ({ pointer: `${defShown}#${p.path}`, message: p.message })));
  }
  const projects: ProjectOverride[] = [];
  const seen = new Map<string, string>();
  for (const p of files.projects) {
    const shown = shownPath(p);
    const o = readRuleFile(p, shown);
    const issues = ruleFileIssues(o, 'override', shown);
    if (issues.length) schemaErrors(shown, issues);
    const override = o as ProjectOverride;
    const prev = seen.get(override.project);
    if (prev) throw new AirlockError('RULES_INVALID', `${shown}: project "${override.project}" already has overrides in ${prev}`, [{ pointer: `${shown}#/project`, message: 'duplicate project' }]);
    seen.set(override.project, shown);
    projects.push(override);
  }
  projects.sort((a, b) => (a.project < b.project ? -1 : a.project > b.project ? 1 : 0));
  const methods = protectionMethodProblems((def as RuleFile).parameters, projects);
  if (methods.length) {
    const where = (m: (typeof methods)[number]) => (m.project === null ? defShown : (seen.get(m.project) as string));
    throw new AirlockError('RULES_INVALID', methods.map((m) => `${where(m)}: ${m.path} ${m.message}`).join('; '), methods.map((m) => ({ pointer: `${where(m)}#${m.path}`, message: m.message })));
  }
  const floorsPath = findFloorsFile(dir, opts.floorsFile);
  let floors: Floors | null = null;
  if (floorsPath) {
    const shown = shownPath(floorsPath);
    const data = readRuleFile(floorsPath, shown);
    const issues = floorsFileIssues(data, shown);
    if (issues.length) schemaErrors(shown, issues);
    floors = { file: shown, content: data as FloorsFile };
  }
  const content: RulesetContent = { default: def as RuleFile, projects, ...(floors ? { floors: floors.content } : {}) };
  const violations = floors ? floorViolations(floors, content, { default: defShown, projects: seen }) : [];
  return { ruleset: rulesetFromContent(content), floors, violations };
}

/**
 * Loads and validates a rules directory. Throws `RULES_INVALID` naming file and path, also
 * when the set (its default or a project override) is below a governance floor.
 */
export function loadRuleset(dir: string, opts: LoadOptions = {}): Ruleset {
  const { ruleset, violations } = inspectRuleset(dir, opts);
  if (violations.length) throw belowFloors(violations);
  return ruleset;
}
