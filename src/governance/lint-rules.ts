/**
 * `airlock rules lint`: everything wrong with a rules directory, file by file, before it is
 * loaded by a service. Unlike `loadRuleset`, which stops at the first bad file, lint reads
 * every file and reports every problem with the file and the JSON pointer inside it:
 * - errors (the service would refuse the set, or a rule can never take effect): syntax, schema,
 *   unknown parameters or check ids, parameters out of range, a project named twice, a check
 *   enabled for an output kind it cannot apply to;
 * - errors too: a value below a governance floor (`floors.yaml`, or the floors file given),
 *   and a floors file that does not parse or match its schema;
 * - warnings (allowed, but a governance team should mean it): a project override weaker than
 *   the default; a default weaker than airlock's reference defaults (sdc-rules.md: threshold
 *   10, the blocked extensions, …), so `threshold: 1` or `blocked_extensions: []` in
 *   default.yaml is named; and, with a previous rule set to compare with, every change that
 *   weakens protection (or may: a change airlock cannot rank). Which way is weaker comes from
 *   `protection-direction.ts`; an override's `model_family_aliases` is judged name by name
 *   (a name it newly recognises, moves to another family, or no longer recognises as a risky
 *   family).
 * A model family name listed under two families in `model_family_aliases` is an error.
 *
 * @example
 * const report = lintRules('rules');
 * for (const p of report.problems) console.log(formatLintProblem(p));
 * process.exitCode = report.errors > 0 ? 1 : 0;
 */
import { distance } from 'fastest-levenshtein';
import type { CheckId, OutputKind } from '../domain.js';
import { CHECK_ID_VALUES, OUTPUT_KIND_VALUES } from '../domain.js';
import { AirlockError } from '../errors.js';
import { hasCheck } from '../checks/index.js';
import { ambiguousAliases, familyListed, resolveFamily } from '../outputs/model/model-family.js';
import { diffRulesets, weakenings } from '../rules/diff-rulesets.js';
import type { Floors, FloorsFile } from '../rules/floors.js';
import { findFloorsFile, floorsFileIssues, floorViolations } from '../rules/floors.js';
import type { CheckLists, ProjectOverride, RuleFile, RuleFileIssue, Ruleset } from '../rules/load-ruleset.js';
import { inspectRuleset, readRuleFile, ruleFileIssues, ruleFilePaths, shownPath } from '../rules/load-ruleset.js';
import type { Parameters } from '../rules/parameters.js';
import { DEFAULT_PARAMETERS, TRE_WIDE_PARAMETERS } from '../rules/parameters.js';
import { populationProblems } from '../rules/populations.js';
import { compareList, compareParameter, showList } from '../rules/protection-direction.js';

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
  /** The default is less strict than airlock's reference defaults (a warning). */
  weaker_default: 'weaker_default',
  /** A change from the previous rule set that weakens protection, or may (a warning). */
  weakened: 'weakened',
  /** A value below a governance floor: the service would refuse the set. */
  below_floor: 'below_floor',
  /** The content changed since the previous rule set but its `version:` did not (a warning). */
  version_unchanged: 'version_unchanged',
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

/**
 * Extensions whose files carry data a person should see: auto-releasing them lets tables,
 * listings and archives leave without the checks their own output kinds would get.
 */
const DATA_EXTENSIONS = new Set(['.csv', '.tsv', '.tab', '.txt', '.dat', '.json', '.xlsx', '.xls', '.ods', '.zip', '.tar', '.gz', '.tgz', '.bz2', '.parquet', '.feather', '.sqlite', '.db', '.h5', '.npy']);

function didYouMean(value: string, known: readonly string[]): string {
  const best = known.map((k) => ({ k, d: distance(value, k) })).sort((x, y) => x.d - y.d)[0];
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
    // A misspelt entry of a list with fixed values (identifier_detectors: [nhs_numbr]).
    const hint = issue.keyword === 'enum' && typeof value === 'string' && issue.allowed ? didYouMean(value, issue.allowed) : '';
    return { ...base, code: 'out_of_range', message: `${issue.path.slice('/parameters/'.length)} = ${JSON.stringify(value)}: ${issue.message}${hint}` };
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
  const releasedAndBlocked = params.auto_release_file_extensions.filter((e) => params.blocked_extensions.includes(e));
  if (releasedAndBlocked.length) {
    out.push({ severity: 'error', code: 'out_of_range', file, path: where('auto_release_file_extensions'), message: `extensions both blocked and auto-released: ${releasedAndBlocked.join(', ')} (blocked wins; remove them from one list)` });
  }
  const dataExtensions = (own.auto_release_file_extensions ?? []).filter((e) => DATA_EXTENSIONS.has(e));
  if (dataExtensions.length) {
    out.push({ severity: 'warning', code: 'weaker_override', file, path: '/parameters/auto_release_file_extensions', message: `auto-releasing ${dataExtensions.join(', ')} lets tables, listings and archives leave without a person looking (only small counts and identifiers stop them); send tables as table outputs instead` });
  }
  for (const a of ambiguousAliases(params.model_family_aliases)) {
    out.push({ severity: 'error', code: 'out_of_range', file, path: where('model_family_aliases'), message: `model family name "${a.alias}" is listed under ${a.families.join(' and ')}: a model so named could be judged as either` });
  }
  return out;
}

/** Output kinds a default rule file leaves without a check that sends files to a person. */
function unreviewedFiles(file: string, checks: CheckLists): LintProblem[] {
  // Without a file list no check applies to files, and an output no check applied to is reviewed.
  const fileChecks = checks.file;
  if (!fileChecks || fileChecks.includes('file_content')) return [];
  return [{ severity: 'warning', code: 'weaker_override', file, path: '/checks/file', message: 'file_content is not enabled for files: a file that passes file_type and formula_cells would be released without anyone looking at it' }];
}

/**
 * An override's alias table, compared with the default's, name by name: names it newly
 * recognises (the default sends them to review), moves to another family, or no longer
 * recognises as an instance-based or tree family (such models would go to review instead of
 * failing).
 */
function weakerAliases(own: Readonly<Record<string, readonly string[]>> | undefined, def: Parameters, p: Parameters): string[] {
  if (!own) return [];
  const risky = (family: string) => familyListed(def.instance_based_families, family, def) || familyListed(def.tree_model_families, family, def);
  const names = new Set<string>();
  for (const table of [own, def.model_family_aliases]) for (const [family, list] of Object.entries(table)) for (const n of [family, ...list]) names.add(n);
  const found = { recognised: [] as string[], moved: [] as string[], dropped: [] as string[] };
  for (const name of names) {
    const was = resolveFamily(name, def);
    const now = resolveFamily(name, p);
    if (!was.recognised && now.recognised) found.recognised.push(`"${name}" (as ${now.family})`);
    else if (was.recognised && now.recognised && was.family !== now.family) found.moved.push(`"${name}" to ${now.family} instead of ${was.family}`);
    else if (was.recognised && !now.recognised && risky(was.family)) found.dropped.push(`"${name}" as ${was.family}`);
  }
  // An override replaces the whole table, so a short one may drop hundreds of names: list a few.
  const some = (xs: string[]) => (xs.length > 5 ? `${xs.slice(0, 5).join(', ')} and ${xs.length - 5} more` : xs.join(', '));
  return [
    found.recognised.length ? `recognises ${some(found.recognised)}, which the default sends to review` : '',
    found.moved.length ? `maps ${some(found.moved)}` : '',
    found.dropped.length ? `no longer recognises ${some(found.dropped)} (such models go to review instead of failing; an override replaces the default table)` : '',
  ].filter(Boolean);
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

/** The warnings for every parameter `own` sets (or every parameter of `base`, with `all`) that is weaker than in `base`. */
function weakerParams(own: Record<string, unknown>, base: Record<string, unknown>, warn: (path: string, message: string) => void, what: string): void {
  for (const k of Object.keys(own)) {
    if (!Object.hasOwn(base, k)) continue;
    const c = compareParameter(k, base[k], own[k]);
    if (c.effect === 'weakens') warn(`/parameters/${k}`, `${c.detail}: less strict than ${what}`);
    else if (c.effect === 'unknown') warn(`/parameters/${k}`, `${c.detail}; compare with ${what}`);
  }
}

function weaker(file: string, o: ProjectOverride, def: Parameters, defChecks: CheckLists): LintProblem[] {
  const out: LintProblem[] = [];
  const p = o.parameters ?? {};
  const aliases = weakerAliases(p.model_family_aliases, def, { ...def, ...p });
  if (aliases.length) out.push({ severity: 'warning', code: 'weaker_override', file, path: '/parameters/model_family_aliases', message: `project ${o.project}: model_family_aliases ${aliases.join('; ')}` });
  const warn = (path: string, message: string) => out.push({ severity: 'warning', code: 'weaker_override', file, path, message: `project ${o.project}: ${message}` });
  // The alias table is judged name by name above; every other parameter by its direction.
  const { model_family_aliases: _aliases, ...rest } = p;
  weakerParams(rest as Record<string, unknown>, def as unknown as Record<string, unknown>, warn, 'the default');
  for (const kind of Object.keys(o.checks ?? {}) as OutputKind[]) {
    const c = compareList(`checks.${kind}`, 'protective', defChecks[kind] ?? [], o.checks?.[kind] ?? []);
    if (c.effect === 'weakens') warn(`/checks/${kind}`, `removes ${showList(c.entries ?? [])} from the ${kind} checks the default enables`);
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

/** The default file's parameters that are weaker than airlock's reference defaults (sdc-rules.md). */
function weakerThanReference(file: string, def: RuleFile): LintProblem[] {
  const out: LintProblem[] = [];
  const warn = (path: string, message: string) => out.push({ severity: 'warning', code: 'weaker_default', file, path, message });
  weakerParams(def.parameters as Record<string, unknown>, DEFAULT_PARAMETERS as unknown as Record<string, unknown>, warn, "airlock's reference default (sdc-rules.md)");
  return out;
}

/** Every change from `previous` to `current` that weakens protection (or may), placed in the file that makes it. */
function weakenedSince(previous: Ruleset, current: Ruleset, files: { default: string; projects: Map<string, string>; floors: string | null; dir: string }): LintProblem[] {
  return weakenings(diffRulesets(previous, current)).map((c) => {
    const project = c.scope.startsWith('project:') ? c.scope.slice('project:'.length) : null;
    const file = project !== null ? (files.projects.get(project) ?? `${files.dir}/projects (override of ${project} removed)`) : c.scope === 'floors' ? (files.floors ?? `${files.dir} (floors file removed)`) : files.default;
    const path = c.path === 'override' ? '/' : `/${c.path.replace('.', '/')}`;
    return { severity: 'warning', code: 'weakened', file, path, message: `${c.scope}: ${c.detail}${c.effect === 'unknown' ? '' : ' — weaker than the previous rule set'}` };
  });
}

/**
 * Lints a rules directory: every file, every problem. Never throws for a problem in the rules;
 * they are all in the report.
 *
 * @example lintRules('rules').errors // 0
 */
export interface LintOptions {
  /** The floors file; default: `floors.*` in the rules directory, if any. */
  floorsFile?: string | null;
  /** A rules directory holding the previous rule set: every change from it that weakens protection is a warning. */
  previous?: string;
}

export function lintRules(dir: string, opts: LintOptions = {}): LintReport {
  const problems: LintProblem[] = [];
  const files: string[] = [];
  let paths: { default: string; projects: string[] };
  try {
    paths = ruleFilePaths(dir);
  } catch (e) {
    const message = e instanceof AirlockError ? e.message : String(e);
    return { problems: [{ severity: 'error', code: 'unreadable', file: dir, path: '/', message }], errors: 1, warnings: 0, files };
  }
  const read = (path: string, as: 'default' | 'override') => readLinted(path, files, problems, (data, file) => ruleFileIssues(data, as, file));

  const def = read(paths.default, 'default');
  const defFile = def.valid ? (def.data as RuleFile) : null;
  const defParams: Parameters = { ...DEFAULT_PARAMETERS, ...(defFile?.parameters ?? {}) };
  if (defFile) {
    problems.push(...contradictions(def.file, defParams, defFile.parameters), ...inapplicable(def.file, defFile.checks), ...unreviewedFiles(def.file, defFile.checks), ...populationLint(def.file, defFile, defParams));
  }
  if (defFile) problems.push(...weakerThanReference(def.file, defFile));
  const seen = new Map<string, string>();
  const overrides: ProjectOverride[] = [];
  let projectsValid = true;
  for (const path of paths.projects) {
    const o = read(path, 'override');
    if (!o.valid) {
      projectsValid = false;
      continue;
    }
    const override = o.data as ProjectOverride;
    overrides.push(override);
    const prev = seen.get(override.project);
    if (prev) problems.push({ severity: 'error', code: 'duplicate_project', file: o.file, path: '/project', message: `project "${override.project}" already has overrides in ${prev}` });
    else seen.set(override.project, o.file);
    problems.push(...contradictions(o.file, { ...defParams, ...(override.parameters ?? {}) }, override.parameters ?? {}), ...inapplicable(o.file, override.checks));
    // Without a valid default there is nothing to be weaker than.
    if (defFile) problems.push(...weaker(o.file, override, defParams, defFile.checks));
  }

  const floors = readFloorsFor(dir, opts.floorsFile, files, problems);
  if (floors && defFile) {
    problems.push(
      ...floorViolations(floors, { default: defFile, projects: overrides }, { default: def.file, projects: seen }).map((v) => ({ severity: 'error' as const, code: 'below_floor' as const, file: v.file, path: v.path, message: v.message })),
    );
  }
  if (opts.previous !== undefined && defFile && projectsValid && problems.every((p) => p.severity !== 'error' || p.code === 'below_floor')) {
    try {
      const previous = inspectRuleset(opts.previous).ruleset;
      const current = inspectRuleset(dir, opts.floorsFile === undefined ? {} : { floorsFile: opts.floorsFile }).ruleset;
      problems.push(...weakenedSince(previous, current, { default: def.file, projects: seen, floors: floors?.file ?? null, dir: shownPath(dir) }));
      // Decisions name the rule set by name, version and digest: a new digest under an old
      // version tells a reader two different rule sets are the same one.
      if (previous.digest !== current.digest && previous.version === current.version) {
        problems.push({ severity: 'warning', code: 'version_unchanged', file: def.file, path: '/version', message: `the rules changed (digest ${previous.digest.slice(0, 12)} → ${current.digest.slice(0, 12)}) but version is still "${current.version}": raise it` });
      }
    } catch (e) {
      problems.push({ severity: 'error', code: 'unreadable', file: shownPath(opts.previous), path: '/', message: `the previous rule set cannot be read: ${e instanceof AirlockError ? e.message : String(e)}` });
    }
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { problems, errors, warnings: problems.length - errors, files };
}

/** Reads one file and checks it with `issuesOf`; its problems go into `problems`, its shown name into `files`. */
function readLinted(path: string, files: string[], problems: LintProblem[], issuesOf: (data: unknown, file: string) => RuleFileIssue[]): { file: string; data: unknown; valid: boolean } {
  const file = shownPath(path);
  files.push(file);
  let data: unknown;
  try {
    data = readRuleFile(path, file);
  } catch (e) {
    problems.push({ severity: 'error', code: 'unreadable', file, path: '/', message: e instanceof AirlockError ? e.message : String(e) });
    return { file, data: undefined, valid: false };
  }
  const issues = issuesOf(data, file);
  problems.push(...issues.map((i) => classify(file, data, i)));
  return { file, data, valid: issues.length === 0 };
}

/** Reads and checks the floors file, if there is one; its problems go into `problems`. */
function readFloorsFor(dir: string, configured: string | null | undefined, files: string[], problems: LintProblem[]): Floors | null {
  let path: string | null;
  try {
    path = findFloorsFile(dir, configured);
  } catch (e) {
    problems.push({ severity: 'error', code: 'unreadable', file: configured ?? dir, path: '/', message: e instanceof AirlockError ? e.message : String(e) });
    return null;
  }
  if (!path) return null;
  const r = readLinted(path, files, problems, floorsFileIssues);
  return r.valid ? { file: r.file, content: r.data as FloorsFile } : null;
}

/**
 * One problem as a line: `file#/path: severity code: message`.
 *
 * @example formatLintProblem(p) // 'rules/projects/x.yaml#/parameters/threshold: warning weaker_override: …'
 */
export function formatLintProblem(p: LintProblem): string {
  return `${p.file}#${p.path}: ${p.severity} ${p.code}: ${p.message}`;
}
