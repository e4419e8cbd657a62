/**
 * Governance floors (sdc-rules.md, "Governance floors"): `floors.yaml` beside the rules, or
 * the file `AIRLOCK_FLOORS_FILE` names, is owned by whoever signs off the TRE's risk appetite
 * and sets the weakest value each parameter may take, and the checks that must stay enabled:
 *
 * ```yaml
 * owner: Data Governance Board        # optional, for the record
 * approved: 2026-11-29                # optional
 * parameters:
 *   threshold: 10                     # higher is stricter: at least 10
 *   nk_k: 0.9                         # lower is stricter: at most 0.9
 *   zeros_are_disclosive: true        # must stay on
 *   differencing_scope: tre           # ordered: at least `tre`
 *   blocked_extensions: [.pkl, .pickle, .joblib]   # protective list: each must stay listed
 *   safe_model_formats: [onnx, pmml, json]         # exemption list: nothing beyond these
 * checks:
 *   table: [min_count, nk_dominance, p_percent, differencing]   # must stay enabled
 * ```
 *
 * Which way is "weaker" comes from `protection-direction.ts`. A rule set whose default, or a
 * project override, is weaker than a floor is refused when it loads (start-up stops; a live
 * reload keeps the rules in force), and `rules lint` reports it as `below_floor`.
 *
 * @example
 * const floors = readFloors('rules/floors.yaml', 'rules/floors.yaml');
 * floorViolations(floors, content, { default: 'rules/default.yaml', projects: new Map() }) // []
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';
import { AirlockError } from '../errors.js';
import { CHECK_LISTS_SCHEMA } from './check-lists-schema.js';
// Types only: load-ruleset imports this module, so a value import back would be a cycle.
import type { CheckLists } from './check-lists-schema.js';
import type { ProjectOverride, RuleFile, RuleFileIssue } from './load-ruleset.js';
import { DEFAULT_PARAMETERS, PARAMETERS_SCHEMA } from './parameters.js';
import type { Comparison } from './protection-direction.js';
import { CHECK_LIST_DIRECTION, compareList, compareParameter, directionOf, show, showList } from './protection-direction.js';

/** How a value falls short of its floor, in words. */
function shortfall(name: string, floor: unknown, actual: unknown, c: Comparison, floorsFile: string): string {
  const kind = name.startsWith('checks.') ? CHECK_LIST_DIRECTION.kind : directionOf(name).kind;
  if (kind === 'protective') return `${name} must include ${showList(c.entries ?? [])} (the floor in ${floorsFile} requires ${showList(floor as unknown[])})`;
  if (kind === 'exemption') return `${name} may list no more than the floor in ${floorsFile} allows (${showList(floor as unknown[]) || 'nothing'}); it also lists ${showList(c.entries ?? [])}`;
  return `${name} ${show(actual)} is below the floor ${show(floor)} set in ${floorsFile}${c.why ? ` (${c.why})` : ''}`;
}

/** Floors as loaded: the file they came from (as shown in messages) and their content. */
export interface Floors {
  file: string;
  content: FloorsFile;
}

/** One way a rule set is below a floor: where (file and JSON pointer), for which scope, and what. */
export interface FloorViolation {
  file: string;
  path: string;
  /** `default` or `project:NAME`. */
  scope: string;
  message: string;
}

// Typed as every parameter's schema: which ones have a direction is known only at run time, and a
// wider type is safe (FloorsFile then admits every parameter name, each with its own value type).
const FLOOR_PARAMETERS = Object.fromEntries(Object.entries(PARAMETERS_SCHEMA.properties).filter(([name]) => directionOf(name).kind !== 'unordered')) as typeof PARAMETERS_SCHEMA.properties;

/** JSON Schema of a floors file: parameters as in rule files (only those with a direction), checks as in rule files. */
export const FLOORS_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    description: { type: 'string' },
    /** Who signed the floors off. */
    owner: { type: 'string' },
    /** When (free text, e.g. a date). */
    approved: { type: 'string' },
    /** The weakest value each named parameter may take. */
    parameters: { type: 'object', additionalProperties: false, properties: FLOOR_PARAMETERS },
    /** Per output kind, checks that must stay enabled. */
    checks: CHECK_LISTS_SCHEMA,
  },
} as const;

/** A floors file, as validated: derived from its schema, so the two cannot drift. */
export type FloorsFile = FromSchema<typeof FLOORS_FILE_SCHEMA>;

const validateFloors = new Ajv({ allErrors: true, strict: true }).compile<FloorsFile>(FLOORS_FILE_SCHEMA);

/** The names a floors file may have beside the default rule file. */
export const FLOORS_FILE_NAMES = ['floors.yaml', 'floors.yml', 'floors.json'] as const;

/**
 * The floors file in force: `configured` when given (it must exist: a floors file that went
 * missing must not silently lift the floors), else `floors.*` in the rules directory, else null.
 *
 * @example findFloorsFile('rules') // 'rules/floors.yaml' or null
 */
export function findFloorsFile(dir: string, configured?: string | null): string | null {
  const isFile = (p: string) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (configured) {
    if (!isFile(configured)) throw new AirlockError('RULES_INVALID', `${configured}: the configured floors file does not exist`, [{ pointer: configured, message: 'missing floors file' }]);
    return configured;
  }
  return FLOORS_FILE_NAMES.map((n) => join(dir, n)).find(isFile) ?? null;
}

/**
 * The schema problems of a parsed floors file (none when it is valid).
 *
 * @example floorsFileIssues({ parameters: { threshold: 0 } }, 'floors.yaml')[0].path // '/parameters/threshold'
 */
export function floorsFileIssues(data: unknown, shownAs: string): RuleFileIssue[] {
  if (validateFloors(data)) return [];
  return (validateFloors.errors ?? []).map((e) => {
    const path = e.instancePath || '/';
    const property = e.params.additionalProperty ? String(e.params.additionalProperty) : undefined;
    const extra = property && path === '/parameters' && Object.hasOwn(DEFAULT_PARAMETERS, property) ? ' (airlock cannot rank its values, so it can have no floor)' : property ? ` (${property})` : '';
    return { pointer: `${shownAs}#${path}`, path, message: `${e.message ?? 'invalid'}${extra}`, keyword: e.keyword, ...(property ? { property } : {}) };
  });
}

/**
 * Every way the rules are weaker than the floors: the default's effective parameters (the
 * built-in defaults where default.yaml is silent) and checks, and each project override's own
 * parameters and check lists. `files` says how each file is shown (project name → file).
 *
 * @example floorViolations({ file: 'floors.yaml', content: { parameters: { threshold: 10 } } }, content, files)
 */
export function floorViolations(floors: Floors, content: { default: RuleFile; projects: readonly ProjectOverride[] }, files: { default: string; projects: ReadonlyMap<string, string> }): FloorViolation[] {
  const out: FloorViolation[] = [];
  const params = floors.content.parameters ?? {};
  const checks = floors.content.checks ?? {};
  const base: Record<string, unknown> = { ...DEFAULT_PARAMETERS, ...content.default.parameters };
  const scopes = [
    { scope: 'default', file: files.default, own: content.default.parameters as Record<string, unknown>, effective: base, checks: content.default.checks, all: true },
    ...content.projects.map((o) => ({
      scope: `project:${o.project}`,
      file: files.projects.get(o.project) ?? o.project,
      own: (o.parameters ?? {}) as Record<string, unknown>,
      effective: { ...base, ...(o.parameters ?? {}) } as Record<string, unknown>,
      checks: o.checks ?? {},
      all: false,
    })),
  ];
  for (const s of scopes) {
    for (const [name, floor] of Object.entries(params)) {
      // An override is answerable only for what it sets; the rest is the default's.
      if (!s.all && !Object.hasOwn(s.own, name)) continue;
      const c = compareParameter(name, floor, s.effective[name]);
      if (c.effect !== 'weakens' && c.effect !== 'unknown') continue;
      const origin = Object.hasOwn(s.own, name) ? '' : ' (not set, so the built-in default applies)';
      out.push({ file: s.file, path: `/parameters/${name}`, scope: s.scope, message: `${shortfall(name, floor, s.effective[name], c, floors.file)}${origin}` });
    }
    for (const [kind, required] of Object.entries(checks)) {
      const enabled = (s.checks as CheckLists)[kind as keyof CheckLists];
      if (!s.all && enabled === undefined) continue;
      const c = compareList(`checks.${kind}`, CHECK_LIST_DIRECTION.kind as 'protective', required, enabled ?? []);
      if (c.effect === 'weakens') out.push({ file: s.file, path: `/checks/${kind}`, scope: s.scope, message: shortfall(`checks.${kind}`, required, enabled ?? [], c, floors.file) });
    }
  }
  return out;
}

/** How `belowFloors` errors begin (`isBelowFloors` tells them from other invalid rules). */
const BELOW_FLOORS = 'below the governance floors';

/**
 * Whether an error is `belowFloors`'s: the set was refused for going below a floor.
 *
 * @example isBelowFloors(belowFloors(violations)) // true
 */
export function isBelowFloors(e: AirlockError): boolean {
  return e.code === 'RULES_INVALID' && e.message.startsWith(BELOW_FLOORS);
}

/**
 * `RULES_INVALID` for a rule set below its floors, naming every violation with file and path.
 *
 * @example throw belowFloors(violations);
 */
export function belowFloors(violations: readonly FloorViolation[]): AirlockError {
  return new AirlockError(
    'RULES_INVALID',
    `${BELOW_FLOORS}: ${violations.map((v) => `${v.file}#${v.path} ${v.message}`).join('; ')}`,
    violations.map((v) => ({ pointer: `${v.file}#${v.path}`, message: v.message })),
  );
}
