/**
 * `airlock rules lint`: everything wrong with a rules directory, file by file, before it is
 * loaded by a service. Unlike `loadRuleset`, which stops at the first bad file, lint reads
 * every file and reports every problem with the file and the JSON pointer inside it:
 * - errors (the service would refuse the set, or a rule can never take effect): syntax, schema,
 *   unknown parameters or check ids, parameters out of range, a project named twice, a check
 *   enabled for an output kind it cannot apply to;
 * - warnings (allowed, but a governance team should mean it): a project override weaker than
 *   the default.
 *
 * @example
 * const report = lintRules('rules');
 * for (const p of report.problems) console.log(formatLintProblem(p));
 * process.exitCode = report.errors > 0 ? 1 : 0;
 */
import type { CheckId, OutputKind } from '../domain.js';
import { CHECK_ID_VALUES, OUTPUT_KIND_VALUES } from '../domain.js';
import { AirlockError } from '../errors.js';
import { hasCheck } from '../checks/index.js';
import type { CheckLists, ProjectOverride, RuleFile, RuleFileIssue } from './load-ruleset.js';
import { readRuleFile, ruleFileIssues, ruleFilePaths, shownPath } from './load-ruleset.js';
import type { Parameters } from './parameters.js';
import { DEFAULT_PARAMETERS, TRE_WIDE_PARAMETERS } from './parameters.js';
import { populationProblems } from './populations.js';

/** The classes of problem lint reports; tests and CI match on these. */
export const LINT_CODES = {
  /** The file is not valid YAML/JSON, or the directory has no default file. */
  unreadable: 'unreadable',
  /** The file does not match the rule-file schema (a missing or mistyped field). */
  schema: 'schema',
  /** A parameter name airlock does not know. */
  unknown_parameter: 'unknown_parameter',
  /** A check id airlock does not know. */
  unknown_check: 'unknown_check',
  /** A parameter outside its allowed range, or parameters that contradict each other. */
  out_of_range: 'out_of_range',
  /** Two override files for one project. */
  duplicate_project: 'duplicate_project',
  /** A check enabled for an output kind no check module of that id reads. */
  inapplicable_check: 'inapplicable_check',
  /** A project override that makes a rule less strict than the default (a warning). */
  weaker_override: 'weaker_override',
  /** A dataset that two populations claim (sdc-rules.md "Differencing"). */
  population_overlap: 'population_overlap',
  /** Datasets no population declares are accepted, each as its own population (a warning). */
  unknown_datasets_accepted: 'unknown_datasets_accepted',
  /** A unit namespace naming a population the rule file does not declare (a warning). */
  unknown_population: 'unknown_population',
} as const;
export type LintCode = keyof typeof LINT_CODES;

export type LintSeverity = 'error' | 'warning';

/** One problem: where (file and JSON pointer), how bad, which class, and what. */
export interface LintProblem {
  severity: LintSeverity;
  code: LintCode;
  file: string;
  /** JSON pointer inside the file (`/parameters/threshold`); `/` for the whole file. */
  path: string;
  message: string;
}

export interface LintReport {
  problems: LintProblem[];
  errors: number;
  warnings: number;
  /** Files read (default first). */
  files: string[];
}

/** Parameters where a smaller value is less strict. */
const HIGHER_IS_STRICTER = ['threshold', 'k', 'l', 'dof_threshold', 'min_samples_leaf', 'nk_n', 'p'] as const;
/** Parameters where a larger value is less strict. */
const LOWER_IS_STRICTER = ['nk_k', 'saturation'] as const;
/** Booleans where `false` is less strict. */
const TRUE_IS_STRICTER = ['zeros_are_disclosive', 'check_missing_values', 'require_dataset', 'require_known_dataset'] as const;
/** Lists where removing an entry is less strict (the entries are what gets flagged). */
const MORE_IS_STRICTER = ['blocked_extensions', 'instance_based_families', 'unsafe_model_formats', 'tree_model_families'] as const;
/** Lists where adding an entry is less strict (the entries are what gets accepted). */
const FEWER_IS_STRICTER = ['safe_model_formats'] as const;

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

function didYouMean(value: string, known: readonly string[]): string {
  const best = known.map((k) => ({ k, d: editDistance(value, k) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= 3 ? ` (did you mean "${best.k}"?)` : '';
}

function valueAt(data: unknown, path: string): unknown {
  let v: unknown = data;
  for (const part of path.split('/').slice(1)) {
    if (part === '') continue;
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

/** Turns a schema issue into a lint problem of the right class, with a message a governance team can act on. */
function classify(file: string, data: unknown, issue: RuleFileIssue): LintProblem {
  const base = { severity: 'error' as const, file, path: issue.path };
  const value = valueAt(data, issue.path);
  if (/^\/checks\/[^/]+\/\d+$/.test(issue.path) && issue.keyword === 'enum') {
    return { ...base, code: 'unknown_check', message: `unknown check id ${JSON.stringify(value)}${typeof value === 'string' ? didYouMean(value, CHECK_ID_VALUES) : ''}` };
  }
  if (issue.path === '/checks' && issue.keyword === 'additionalProperties' && issue.property) {
    return { ...base, path: `/checks/${issue.property}`, code: 'schema', message: `unknown output kind "${issue.property}"${didYouMean(issue.property, OUTPUT_KIND_VALUES)}` };
  }
  if (issue.path === '/parameters' && issue.keyword === 'additionalProperties' && (TRE_WIDE_PARAMETERS as readonly string[]).includes(issue.property ?? '')) {
    return { ...base, path: `/parameters/${issue.property}`, code: 'schema', message: `${issue.property} describes the whole TRE: only the default rule file may set it` };
  }
  if (issue.path === '/parameters' && issue.keyword === 'additionalProperties' && issue.property) {
    return { ...base, path: `/parameters/${issue.property}`, code: 'unknown_parameter', message: `unknown parameter "${issue.property}"${didYouMean(issue.property, Object.keys(DEFAULT_PARAMETERS))}` };
  }
  if (issue.path.startsWith('/parameters/')) {
    return { ...base, code: 'out_of_range', message: `${issue.path.slice('/parameters/'.length)} = ${JSON.stringify(value)}: ${issue.message}` };
  }
  return { ...base, code: 'schema', message: issue.message };
}

/** Parameter combinations the schema cannot see that no output could ever satisfy. */
function contradictions(file: string, params: Parameters, own: Partial<Parameters>): LintProblem[] {
  const out: LintProblem[] = [];
  const where = (name: keyof Parameters) => (name in own ? `/parameters/${name}` : '/parameters');
  if (params.l > params.k) {
    out.push({ severity: 'error', code: 'out_of_range', file, path: where('l'), message: `l = ${params.l} exceeds k = ${params.k}: an equivalence class of k records could never hold l distinct values` });
  }
  const bothSafeAndUnsafe = params.safe_model_formats.filter((f) => params.unsafe_model_formats.includes(f));
  if (bothSafeAndUnsafe.length) {
    out.push({ severity: 'error', code: 'out_of_range', file, path: where('safe_model_formats'), message: `formats listed as both safe and unsafe: ${bothSafeAndUnsafe.join(', ')}` });
  }
  return out;
}

/** Checks listed for a kind that no module implements for that kind. */
function inapplicable(file: string, checks: CheckLists | undefined): LintProblem[] {
  const out: LintProblem[] = [];
  for (const kind of Object.keys(checks ?? {}) as OutputKind[]) {
    (checks?.[kind] ?? []).forEach((id: CheckId, i) => {
      if (!hasCheck(kind, id)) {
        out.push({ severity: 'error', code: 'inapplicable_check', file, path: `/checks/${kind}/${i}`, message: `check ${id} cannot apply to ${kind} outputs: no ${kind} check has that id, so it would never run` });
      }
    });
  }
  return out;
}

function weaker(file: string, o: ProjectOverride, def: Parameters, defChecks: CheckLists): LintProblem[] {
  const out: LintProblem[] = [];
  const p = o.parameters ?? {};
  const warn = (path: string, message: string) => out.push({ severity: 'warning', code: 'weaker_override', file, path, message: `project ${o.project}: ${message}` });
  for (const k of HIGHER_IS_STRICTER) if (p[k] !== undefined && p[k] < def[k]) warn(`/parameters/${k}`, `${k} ${p[k]} is lower (less strict) than the default ${def[k]}`);
  for (const k of LOWER_IS_STRICTER) if (p[k] !== undefined && p[k] > def[k]) warn(`/parameters/${k}`, `${k} ${p[k]} is higher (less strict) than the default ${def[k]}`);
  for (const k of TRUE_IS_STRICTER) if (p[k] === false && def[k]) warn(`/parameters/${k}`, `${k} is turned off; the default has it on`);
  if (p.differencing_scope === 'project' && def.differencing_scope === 'tre') {
    warn('/parameters/differencing_scope', 'differencing_scope project compares only with this project\'s releases; the default compares with every release of the population across the TRE');
  }
  for (const k of MORE_IS_STRICTER) {
    const list = p[k];
    if (!list) continue;
    const dropped = def[k].filter((v) => !list.includes(v));
    if (dropped.length) warn(`/parameters/${k}`, `${k} drops ${dropped.join(', ')} from the default list`);
  }
  for (const k of FEWER_IS_STRICTER) {
    const list = p[k];
    if (!list) continue;
    const added = list.filter((v) => !def[k].includes(v));
    if (added.length) warn(`/parameters/${k}`, `${k} adds ${added.join(', ')} to the default list`);
  }
  for (const kind of Object.keys(o.checks ?? {}) as OutputKind[]) {
    const mine = o.checks?.[kind] ?? [];
    const removed = (defChecks[kind] ?? []).filter((id) => !mine.includes(id));
    if (removed.length) warn(`/checks/${kind}`, `removes ${removed.join(', ')} from the ${kind} checks the default enables`);
  }
  return out;
}

/** The populations and unit namespaces of the default file (sdc-rules.md "Differencing"). */
function populationLint(file: string, def: RuleFile, params: Parameters): LintProblem[] {
  const out: LintProblem[] = populationProblems(def.populations ?? {}).map((p) => ({ severity: 'error', code: 'population_overlap', file, path: p.path, message: p.message }));
  if (!params.require_known_dataset) {
    out.push({
      severity: 'warning',
      code: 'unknown_datasets_accepted',
      file,
      path: 'require_known_dataset' in def.parameters ? '/parameters/require_known_dataset' : '/parameters',
      message: 'require_known_dataset is false: a dataset no population declares is differenced only against itself, so a new dataset name starts an empty history; declare every dataset in populations and set require_known_dataset: true',
    });
  }
  const declared = new Set(Object.keys(def.populations ?? {}));
  for (const [ns, pops] of Object.entries(params.unit_namespaces)) {
    pops.forEach((p, i) => {
      if (!declared.has(p)) out.push({ severity: 'warning', code: 'unknown_population', file, path: `/parameters/unit_namespaces/${ns}/${i}`, message: `unit namespace ${ns} names "${p}", which populations: does not declare (an undeclared dataset of that name is placed there)` });
    });
  }
  return out;
}

/**
 * Lints a rules directory: every file, every problem. Never throws for a problem in the rules;
 * they are all in the report.
 *
 * @example lintRules('rules').errors // 0
 */
export function lintRules(dir: string): LintReport {
  const problems: LintProblem[] = [];
  const files: string[] = [];
  let paths: { default: string; projects: string[] };
  try {
    paths = ruleFilePaths(dir);
  } catch (e) {
    const message = e instanceof AirlockError ? e.message : String(e);
    return { problems: [{ severity: 'error', code: 'unreadable', file: dir, path: '/', message }], errors: 1, warnings: 0, files };
  }
  const read = (path: string, as: 'default' | 'override'): { file: string; data: unknown; valid: boolean } => {
    const file = shownPath(path);
    files.push(file);
    let data: unknown;
    try {
      data = readRuleFile(path, file);
    } catch (e) {
      problems.push({ severity: 'error', code: 'unreadable', file, path: '/', message: e instanceof AirlockError ? e.message : String(e) });
      return { file, data: undefined, valid: false };
    }
    const issues = ruleFileIssues(data, as, file);
    problems.push(...issues.map((i) => classify(file, data, i)));
    return { file, data, valid: issues.length === 0 };
  };

  const def = read(paths.default, 'default');
  const defFile = def.valid ? (def.data as RuleFile) : null;
  const defParams: Parameters = { ...DEFAULT_PARAMETERS, ...(defFile?.parameters ?? {}) };
  if (defFile) {
    problems.push(...contradictions(def.file, defParams, defFile.parameters), ...inapplicable(def.file, defFile.checks), ...populationLint(def.file, defFile, defParams));
  }
  const seen = new Map<string, string>();
  for (const path of paths.projects) {
    const o = read(path, 'override');
    if (!o.valid) continue;
    const override = o.data as ProjectOverride;
    const prev = seen.get(override.project);
    if (prev) problems.push({ severity: 'error', code: 'duplicate_project', file: o.file, path: '/project', message: `project "${override.project}" already has overrides in ${prev}` });
    else seen.set(override.project, o.file);
    problems.push(...contradictions(o.file, { ...defParams, ...(override.parameters ?? {}) }, override.parameters ?? {}), ...inapplicable(o.file, override.checks));
    // Without a valid default there is nothing to be weaker than.
    if (defFile) problems.push(...weaker(o.file, override, defParams, defFile.checks));
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { problems, errors, warnings: problems.length - errors, files };
}

/**
 * One problem as a line: `file#/path: severity code: message`.
 *
 * @example formatLintProblem(p) // 'rules/projects/x.yaml#/parameters/threshold: warning weaker_override: …'
 */
export function formatLintProblem(p: LintProblem): string {
  return `${p.file}#${p.path}: ${p.severity} ${p.code}: ${p.message}`;
}
