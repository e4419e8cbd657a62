/**
 * Which way each rule parameter protects: the one table that `rules lint`, `rules diff`,
 * live reload and governance floors read to tell a change that weakens protection from one
 * that strengthens it. Adding a parameter is one line here (a test fails until it has one).
 *
 * Directions:
 * - `higher` / `lower`: a number, where the higher (lower) value is stricter;
 * - `true`: a boolean where `true` is stricter;
 * - `ordered`: one of a list of values, weakest first;
 * - `protective`: a list whose entries each add protection (blocked extensions, sensitive
 *   attributes, the checks enabled for a kind): removing an entry weakens, adding strengthens;
 * - `exemption`: a list whose entries each exempt something from a check (formats accepted
 *   as safe, extensions released without review, structural zeros): adding an entry weakens;
 * - `unordered`: a value whose changes cannot be ranked (aliases); every change is reported
 *   as possibly weakening, and no floor can be set for it.
 * List entries are compared after `normalise()` (objects, such as structural-zero label sets,
 * with their keys and text values normalised), so re-spelling an entry is no change.
 *
 * @example
 * compareParameter('threshold', 10, 5) // { effect: 'weakens', detail: 'threshold 10 → 5 (lower is less strict)' }
 */
import { normalise } from '../lib/normalise.js';
import { canonicalJson } from '../lib/canonical-json.js';

export type Direction =
  | { kind: 'higher' }
  | { kind: 'lower' }
  | { kind: 'true' }
  | { kind: 'ordered'; weakestFirst: readonly string[] }
  | { kind: 'protective' }
  | { kind: 'exemption' }
  | { kind: 'unordered' };

const HIGHER: Direction = { kind: 'higher' };
const LOWER: Direction = { kind: 'lower' };
const TRUE: Direction = { kind: 'true' };
const PROTECTIVE: Direction = { kind: 'protective' };
const EXEMPTION: Direction = { kind: 'exemption' };

/**
 * Every parameter a rule file may set, and which way it protects. Entries for parameters this
 * build does not have yet (arriving from other work) are harmless: they are only read for
 * parameters that appear in a rule set.
 */
export const PARAMETER_DIRECTIONS: Readonly<Record<string, Direction>> = Object.freeze({
  threshold: HIGHER,
  k: HIGHER,
  l: HIGHER,
  dof_threshold: HIGHER,
  min_samples_leaf: HIGHER,
  nk_n: HIGHER,
  p: HIGHER,
  round_base: HIGHER,
  // Rounding alone is the weakest protection (a rounding-only risk appetite); both the strongest.
  protection: { kind: 'ordered', weakestFirst: ['round', 'suppress', 'both'] },
  // Neither scheme is stronger in general (midpoint6's intervals are 6 wide, nearest's round_base).
  rounding_scheme: { kind: 'unordered' },
  nk_k: LOWER,
  saturation: LOWER,
  zeros_are_disclosive: TRUE,
  check_missing_values: TRUE,
  require_dataset: TRUE,
  require_known_dataset: TRUE,
  differencing_scope: { kind: 'ordered', weakestFirst: ['project', 'tre'] },
  blocked_extensions: PROTECTIVE,
  instance_based_families: PROTECTIVE,
  unsafe_model_formats: PROTECTIVE,
  tree_model_families: PROTECTIVE,
  sensitive_attributes: PROTECTIVE,
  direct_identifier_columns: PROTECTIVE,
  identifier_detectors: PROTECTIVE,
  safe_model_formats: EXEMPTION,
  auto_release_file_extensions: EXEMPTION,
  structural_zeros: EXEMPTION,
  leaf_size_hyperparameters: EXEMPTION,
  require_unit: TRUE,
  model_family_aliases: { kind: 'unordered' },
  unit_namespaces: { kind: 'unordered' },
});

/** The checks enabled for an output kind protect like a protective list. */
export const CHECK_LIST_DIRECTION: Direction = PROTECTIVE;

/** What a change does to protection. */
export type Effect = 'weakens' | 'strengthens' | 'neutral' | 'unknown';

export interface Comparison {
  effect: Effect;
  /** One line a governance team can read: what changed and why it counts as it does. */
  detail: string;
  /** For a list that weakens: the entries that weaken it (dropped protections, added exemptions). */
  entries?: unknown[];
  /** For a single value: which way it protects (`higher is stricter`, `turned off`, …). */
  why?: string;
}

function ranked(effect: Effect, change: string, why: string): Comparison {
  return { effect, detail: `${change} (${why})`, why };
}

/**
 * The direction of a parameter; `unordered` for one the table does not know.
 *
 * @example directionOf('nk_k') // { kind: 'lower' }
 */
export function directionOf(parameter: string): Direction {
  return Object.hasOwn(PARAMETER_DIRECTIONS, parameter) ? PARAMETER_DIRECTIONS[parameter]! : { kind: 'unordered' };
}

/** A list entry's identity: normalised text, or the canonical form of a normalised object. */
function entryKey(entry: unknown): string {
  if (typeof entry === 'string') return `s:${normalise(entry)}`;
  if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(entry)) out[normalise(k)] = typeof v === 'string' ? normalise(v) : v;
    return `o:${canonicalJson(out)}`;
  }
  return `j:${canonicalJson(entry ?? null)}`;
}

/** A value as messages show it: text bare, anything else as JSON. */
export const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
/** List entries as messages show them. */
export const showList = (xs: readonly unknown[]): string => xs.map(show).join(', ');

/** Entries of `a` whose normalised identity is not in `b`. */
function missingFrom(a: readonly unknown[], b: readonly unknown[]): unknown[] {
  const keys = new Set(b.map(entryKey));
  return a.filter((x) => !keys.has(entryKey(x)));
}

/**
 * How a list changed, for a list of the given kind: entries removed from a protective list,
 * or added to an exemption list, weaken.
 *
 * @example compareList('safe_model_formats', 'exemption', ['onnx'], ['onnx', 'pickle']).effect // 'weakens'
 */
export function compareList(name: string, kind: 'protective' | 'exemption', before: readonly unknown[], after: readonly unknown[]): Comparison {
  const removed = missingFrom(before, after);
  const added = missingFrom(after, before);
  const [weakening, strengthening] = kind === 'protective' ? [removed, added] : [added, removed];
  const verb = (xs: unknown[], how: string) => (xs.length ? `${how} ${showList(xs)}` : '');
  const what = kind === 'protective' ? { weak: 'drops', strong: 'adds' } : { weak: 'adds', strong: 'drops' };
  if (weakening.length) {
    const also = strengthening.length ? `; also ${verb(strengthening, what.strong)}` : '';
    const why = kind === 'protective' ? 'each entry adds protection' : 'each entry is exempted from a check';
    return { effect: 'weakens', detail: `${name} ${verb(weakening, what.weak)} (${why})${also}`, entries: weakening };
  }
  if (strengthening.length) return { effect: 'strengthens', detail: `${name} ${verb(strengthening, what.strong)}` };
  return { effect: 'neutral', detail: `${name} unchanged (after normalisation)` };
}

/**
 * What changing `parameter` from `before` to `after` does to protection. `before` may be a
 * previous set's value, a reference default, or a governance floor: "weakens" then means the
 * value is weaker than it.
 *
 * @example compareParameter('blocked_extensions', ['.pkl', '.svg'], ['.svg']).effect // 'weakens'
 */
export function compareParameter(parameter: string, before: unknown, after: unknown): Comparison {
  const d = directionOf(parameter);
  if (canonicalJson(before ?? null) === canonicalJson(after ?? null)) return { effect: 'neutral', detail: `${parameter} unchanged` };
  const change = `${parameter} ${show(before)} → ${show(after)}`;
  switch (d.kind) {
    case 'higher':
    case 'lower': {
      if (typeof before !== 'number' || typeof after !== 'number') break;
      const weaker = d.kind === 'higher' ? after < before : after > before;
      return ranked(weaker ? 'weakens' : 'strengthens', change, `${d.kind} is stricter`);
    }
    case 'true':
      if (typeof before !== 'boolean' || typeof after !== 'boolean') break;
      return ranked(after ? 'strengthens' : 'weakens', change, after ? 'turned on' : 'turned off');
    case 'ordered': {
      const a = d.weakestFirst.indexOf(String(before));
      const b = d.weakestFirst.indexOf(String(after));
      if (a < 0 || b < 0) break;
      return ranked(b < a ? 'weakens' : 'strengthens', change, `from weakest: ${d.weakestFirst.join(' < ')}`);
    }
    case 'protective':
    case 'exemption':
      if (!Array.isArray(before) || !Array.isArray(after)) break;
      return compareList(parameter, d.kind, before, after);
    case 'unordered':
      break;
  }
  return { effect: 'unknown', detail: `${change} (airlock cannot tell whether this weakens protection)` };
}
