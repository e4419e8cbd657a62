/**
 * What changes between two rule sets, as the rules each project would actually run under:
 * for the default and for every project named in either set, the parameters that differ and
 * the checks enabled or disabled per output kind. The first half of `airlock rules diff`; the
 * replay (`replay-decisions.ts`) is the second.
 *
 * @example
 * diffRulesets(loadRuleset('rules'), loadRuleset('candidate'))
 * // [{ scope: 'default', path: 'parameters.threshold', before: 10, after: 12 }]
 */
import type { OutputKind } from '../domain.js';
import { OUTPUT_KIND_VALUES } from '../domain.js';
import { canonicalJson } from '../signing/canonical-json.js';
import type { EffectiveRules, Ruleset } from './load-ruleset.js';
import type { Parameters } from './parameters.js';

/** One difference: where (`default` or `project:NAME`), what (`parameters.x`, `checks.table`), before and after. */
export interface RuleChange {
  scope: string;
  path: string;
  before: unknown;
  after: unknown;
}

/** A project no request is expected to use, to read the default rules through `resolve`. */
const NO_PROJECT = '\u0000default';

function effectiveChanges(scope: string, a: EffectiveRules, b: EffectiveRules): RuleChange[] {
  const out: RuleChange[] = [];
  for (const k of Object.keys({ ...a.params, ...b.params }) as (keyof Parameters)[]) {
    if (canonicalJson(a.params[k] ?? null) !== canonicalJson(b.params[k] ?? null)) out.push({ scope, path: `parameters.${k}`, before: a.params[k], after: b.params[k] });
  }
  for (const kind of OUTPUT_KIND_VALUES as OutputKind[]) {
    const before = a.checks[kind] ?? [];
    const after = b.checks[kind] ?? [];
    if (canonicalJson(before) !== canonicalJson(after)) out.push({ scope, path: `checks.${kind}`, before, after });
  }
  return out;
}

/**
 * The differences from `before` to `after`; empty when they have the same digest.
 *
 * @example diffRulesets(a, a) // []
 */
export function diffRulesets(before: Ruleset, after: Ruleset): RuleChange[] {
  if (before.digest === after.digest) return [];
  const out = effectiveChanges('default', before.resolve(NO_PROJECT), after.resolve(NO_PROJECT));
  // Populations (the default file's top-level key): each population whose datasets change.
  const pb = before.content.default.populations ?? {};
  const pa = after.content.default.populations ?? {};
  for (const name of [...new Set([...Object.keys(pb), ...Object.keys(pa)])].sort()) {
    if (canonicalJson(pb[name] ?? null) !== canonicalJson(pa[name] ?? null)) out.push({ scope: 'default', path: `populations.${name}`, before: pb[name] ?? null, after: pa[name] ?? null });
  }
  const projects = [...new Set([...before.content.projects, ...after.content.projects].map((o) => o.project))].sort();
  for (const p of projects) {
    const scope = `project:${p}`;
    const a = before.resolve(p);
    const b = after.resolve(p);
    if ((a.override === null) !== (b.override === null)) out.push({ scope, path: 'override', before: a.override !== null, after: b.override !== null });
    // Only what differs beyond the default's own change, so a default edit is not repeated per project.
    const own = effectiveChanges(scope, a, b).filter((c) => !out.some((d) => d.scope === 'default' && d.path === c.path && canonicalJson(d.after) === canonicalJson(c.after) && canonicalJson(d.before) === canonicalJson(c.before)));
    out.push(...own);
  }
  return out;
}
