/**
 * What changes between two rule sets, as the rules each project would actually run under:
 * for the default and for every project named in either set, the parameters that differ and
 * the checks enabled or disabled per output kind — each with its effect on protection
 * (`weakens`, `strengthens`, `neutral`, `unknown`; `protection-direction.ts`). Governance
 * floors that move are changes too (scope `floors`): lowering a floor weakens. Anything else
 * in the default file (keys added by later versions, such as populations) is reported as a
 * change of unknown effect rather than ignored. The first half of `airlock rules diff`; the
 * replay (`governance/replay-decisions.ts`) is the second.
 *
 * @example
 * diffRulesets(loadRuleset('rules'), loadRuleset('candidate'))
 * // [{ scope: 'default', path: 'parameters.threshold', before: 10, after: 12, effect: 'strengthens', detail: 'threshold 10 → 12 (higher is stricter)' }]
 */
import type { OutputKind } from '../domain.js';
import { OUTPUT_KIND_VALUES } from '../domain.js';
import { canonicalJson } from '../lib/canonical-json.js';
import type { EffectiveRules, Ruleset, RulesetContent } from './load-ruleset.js';
import type { Parameters } from './parameters.js';
import type { Comparison, Effect } from './protection-direction.js';
import { CHECK_LIST_DIRECTION, compareList, compareParameter, show } from './protection-direction.js';

/** One difference: where (`default`, `project:NAME`, `floors`), what (`parameters.x`, `checks.table`), before and after, and its effect. */
export interface RuleChange {
  scope: string;
  path: string;
  before: unknown;
  after: unknown;
  effect: Effect;
  /** What changed, in words, and why it has that effect. */
  detail: string;
}

/** A project no request is expected to use, to read the default rules through `resolve`. */
const NO_PROJECT = '\u0000default';

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

function change(scope: string, path: string, before: unknown, after: unknown, c: Comparison): RuleChange {
  return { scope, path, before, after, effect: c.effect, detail: c.detail };
}

function checkListChange(scope: string, kind: string, before: readonly string[], after: readonly string[]): RuleChange {
  return change(scope, `checks.${kind}`, before, after, compareList(`checks.${kind}`, CHECK_LIST_DIRECTION.kind as 'protective', before, after));
}

function effectiveChanges(scope: string, a: EffectiveRules, b: EffectiveRules): RuleChange[] {
  const out: RuleChange[] = [];
  for (const k of Object.keys({ ...a.params, ...b.params }) as (keyof Parameters)[]) {
    const before: unknown = a.params[k];
    const after: unknown = b.params[k];
    if (same(before, after)) continue;
    if (isMap(before) && isMap(after)) {
      // A table parameter (model_family_aliases): only the entries that changed.
      for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
        if (!same(before[key], after[key])) out.push(change(scope, `parameters.${k}.${key}`, before[key] ?? null, after[key] ?? null, compareParameter(k, before[key], after[key])));
      }
    } else out.push(change(scope, `parameters.${k}`, before, after, compareParameter(k, before, after)));
  }
  for (const kind of OUTPUT_KIND_VALUES as OutputKind[]) {
    const before = a.checks[kind] ?? [];
    const after = b.checks[kind] ?? [];
    if (!same(before, after)) out.push(checkListChange(scope, kind, before, after));
  }
  return out;
}

/** The governance floors that moved: a lower floor (a weaker bound) weakens. */
function floorChanges(a: RulesetContent['floors'], b: RulesetContent['floors']): RuleChange[] {
  const out: RuleChange[] = [];
  const pa = (a?.parameters ?? {}) as Record<string, unknown>;
  const pb = (b?.parameters ?? {}) as Record<string, unknown>;
  for (const k of Object.keys({ ...pa, ...pb })) {
    if (same(pa[k], pb[k])) continue;
    const c: Comparison =
      pb[k] === undefined
        ? { effect: 'weakens', detail: `the floor on ${k} (${show(pa[k])}) is removed` }
        : pa[k] === undefined
          ? { effect: 'strengthens', detail: `a floor on ${k} (${show(pb[k])}) is added` }
          : compareParameter(k, pa[k], pb[k]);
    out.push(change('floors', `parameters.${k}`, pa[k], pb[k], c));
  }
  for (const kind of OUTPUT_KIND_VALUES as OutputKind[]) {
    const before = a?.checks?.[kind] ?? [];
    const after = b?.checks?.[kind] ?? [];
    if (!same(before, after)) out.push(checkListChange('floors', kind, before, after));
  }
  return out;
}

/** Keys of the default file besides those compared above, compared as opaque values. */
const COMPARED = new Set(['name', 'version', 'description', 'parameters', 'checks', 'populations']);

function otherChanges(a: RulesetContent['default'], b: RulesetContent['default']): RuleChange[] {
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  return Object.keys({ ...ra, ...rb })
    .filter((k) => !COMPARED.has(k) && !same(ra[k], rb[k]))
    .map((k) => change('default', k, ra[k], rb[k], { effect: 'unknown', detail: `${k} changed (airlock cannot tell whether this weakens protection)` }));
}

/**
 * The differences from `before` to `after`; empty when they have the same digest.
 *
 * @example diffRulesets(a, a) // []
 */
export function diffRulesets(before: Ruleset, after: Ruleset): RuleChange[] {
  if (before.digest === after.digest) return [];
  const out = effectiveChanges('default', before.resolve(NO_PROJECT), after.resolve(NO_PROJECT));
  out.push(...otherChanges(before.content.default, after.content.default));
  // Populations (the default file's top-level key): each population whose datasets change. A
  // dataset moved between populations changes what is compared with what: differencing replay
  // (`rules diff --replay`) shows its effect.
  const pb = before.content.default.populations ?? {};
  const pa = after.content.default.populations ?? {};
  for (const name of [...new Set([...Object.keys(pb), ...Object.keys(pa)])].sort()) {
    if (!same(pb[name], pa[name])) {
      out.push(change('default', `populations.${name}`, pb[name] ?? null, pa[name] ?? null, { effect: 'unknown', detail: `population ${name}: ${show(pb[name] ?? [])} → ${show(pa[name] ?? [])} (see the differencing replay)` }));
    }
  }
  const projects = [...new Set([...before.content.projects, ...after.content.projects].map((o) => o.project))].sort();
  for (const p of projects) {
    const scope = `project:${p}`;
    const a = before.resolve(p);
    const b = after.resolve(p);
    if ((a.override === null) !== (b.override === null)) {
      const detail = `project ${p}'s override is ${b.override === null ? 'removed: it now runs under the default' : 'added'}`;
      out.push({ scope, path: 'override', before: a.override !== null, after: b.override !== null, effect: 'neutral', detail });
    }
    // Only what differs beyond the default's own change, so a default edit is not repeated per project.
    const own = effectiveChanges(scope, a, b).filter((c) => !out.some((d) => d.scope === 'default' && d.path === c.path && same(d.after, c.after) && same(d.before, c.before)));
    out.push(...own);
  }
  out.push(...floorChanges(before.content.floors, after.content.floors));
  return out;
}

/**
 * The changes that weaken protection (or may: `unknown`), for lint, reload logs and CI gates.
 *
 * @example weakenings(diffRulesets(old, next)).map((c) => c.detail)
 */
export function weakenings(changes: readonly RuleChange[]): RuleChange[] {
  return changes.filter((c) => c.effect === 'weakens' || c.effect === 'unknown');
}
