/**
 * Populations (sdc-rules.md "Differencing → Populations and scope"): governance declares which
 * datasets are drawn from one population in the default rule file's top-level `populations:`
 * key, e.g. `{ cohort: [cohort, cohort-v2, "cohort-2026-*"] }`. Every table, summary and plot
 * belongs to the population of its request's `dataset`, and differencing compares it with the
 * releases of that population, whatever dataset name they were made under.
 *
 * Dataset names and patterns are compared after `normalise()` (so `Cohort-V2 ` is
 * `cohort-v2`): a re-cased dataset name must not open a second, empty history. A pattern's `*`
 * matches any run of characters (including none) and `?` exactly one; nothing else is special.
 * A dataset no population lists is its own population (or `review` when governance requires
 * declared datasets); a dataset two populations claim cannot be placed, so differencing gets
 * `review` rather than comparing with only one of them (and `rules lint` reports the overlap).
 *
 * Each population's units live in a unit namespace (parameter `unit_namespaces`; the default
 * namespace otherwise), within which unit-mode differencing compares sets across populations.
 *
 * @example
 * const pops = populationIndex({ cohort: ['cohort', 'cohort-2026-*'] }, {});
 * pops.resolve('Cohort-2026-03') // { status: 'declared', key: 'p:cohort', name: 'cohort', namespace: 'default' }
 */
import { normalise } from '../lib/normalise.js';
import { at } from '../lib/invariant.js';

/** The namespace of populations that `unit_namespaces` does not list. */
export const DEFAULT_UNIT_NAMESPACE = 'default';

/** Where a dataset's outputs are compared. */
export interface PopulationRef {
  /** `declared`: listed in `populations:`; `undeclared`: its own population. */
  status: 'declared' | 'undeclared';
  /**
   * The population's identity in the history: `p:<name>` for a declared population,
   * `d:<normalised dataset>` for an undeclared dataset (so the two can never collide).
   */
  key: string;
  /** The population's name (declared) or the normalised dataset name (undeclared). */
  name: string;
  /** The unit namespace its unit sets are compared in. */
  namespace: string;
}

/** A dataset that two or more populations claim. */
export interface AmbiguousDataset {
  status: 'ambiguous';
  /** The populations whose patterns match it. */
  populations: string[];
}

export interface PopulationIndex {
  /** The population of a dataset (as the request names it). */
  resolve(dataset: string): PopulationRef | AmbiguousDataset;
  /** The declared population names, sorted. */
  names(): string[];
  /** Whether a stored dataset name belongs to population `key` (for history lookups across dataset names). */
  contains(key: string, dataset: string): boolean;
}

interface Matcher {
  population: string;
  pattern: string;
  /** A literal (normalised) name, or a compiled pattern. */
  literal: string | null;
  regex: RegExp | null;
}

/**
 * Whether a (normalised) pattern contains a wildcard.
 *
 * @example isPattern('cohort-*') // true
 */
export function isPattern(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/**
 * A dataset pattern as an anchored regular expression over normalised names.
 *
 * @example patternRegex('cohort-2026-*').test('cohort-2026-03') // true
 */
export function patternRegex(pattern: string): RegExp {
  const body = [...normalise(pattern)].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'su');
}

/**
 * The population index of a rule set: `populations` from the default rule file, `namespaces`
 * from the `unit_namespaces` parameter.
 *
 * @example populationIndex({ cohort: ['cohort'] }, { linked: ['cohort'] }).resolve('cohort').namespace // 'linked'
 */
export function populationIndex(populations: Readonly<Record<string, readonly string[]>> | undefined, namespaces: Readonly<Record<string, readonly string[]>>): PopulationIndex {
  const matchers: Matcher[] = [];
  const byName = populations ?? {};
  const declared = Object.keys(byName).sort();
  for (const population of declared) {
    for (const raw of byName[population] ?? []) {
      const pattern = normalise(raw);
      matchers.push({ population, pattern, literal: isPattern(pattern) ? null : pattern, regex: isPattern(pattern) ? patternRegex(pattern) : null });
    }
  }
  const namespaceOf = new Map<string, string>();
  for (const ns of Object.keys(namespaces).sort()) for (const p of namespaces[ns] ?? []) if (!namespaceOf.has(p)) namespaceOf.set(p, ns);
  const cache = new Map<string, PopulationRef | AmbiguousDataset>();

  const resolve = (dataset: string): PopulationRef | AmbiguousDataset => {
    const name = normalise(dataset);
    const hit = cache.get(name);
    if (hit) return hit;
    const found = new Set<string>();
    for (const m of matchers) if (m.literal === name || m.regex?.test(name)) found.add(m.population);
    let out: PopulationRef | AmbiguousDataset;
    if (found.size > 1) out = { status: 'ambiguous', populations: [...found].sort() };
    else if (found.size === 1) {
      const p = at([...found], 0);
      out = { status: 'declared', key: `p:${p}`, name: p, namespace: namespaceOf.get(p) ?? DEFAULT_UNIT_NAMESPACE };
    } else {
      out = { status: 'undeclared', key: `d:${name}`, name, namespace: namespaceOf.get(name) ?? DEFAULT_UNIT_NAMESPACE };
    }
    // Bounded: dataset names come from requests.
    if (cache.size >= 10_000) cache.clear();
    cache.set(name, out);
    return out;
  };

  return {
    resolve,
    names: () => [...declared],
    contains(key, dataset) {
      const r = resolve(dataset);
      return r.status !== 'ambiguous' && r.key === key;
    },
  };
}

/** A problem with the `populations:` key that `rules lint` reports. */
export interface PopulationProblem {
  /** JSON pointer inside the default rule file. */
  path: string;
  message: string;
}

/**
 * Datasets that two populations claim: a name listed in two populations, or a literal name of
 * one population that another's pattern matches. (Two patterns that could both match some
 * future name are not decidable here; at run time such a dataset gets `review`.)
 *
 * @example populationProblems({ a: ['x'], b: ['x'] })[0].message // 'dataset "x" is in populations a and b'
 */
export function populationProblems(populations: Readonly<Record<string, readonly string[]>>): PopulationProblem[] {
  const out: PopulationProblem[] = [];
  const names = Object.keys(populations).sort();
  const literalOwner = new Map<string, { population: string; index: number }>();
  for (const p of names) {
    (populations[p] ?? []).forEach((raw, index) => {
      const n = normalise(raw);
      if (isPattern(n)) return;
      const prev = literalOwner.get(n);
      if (prev && prev.population !== p) out.push({ path: `/populations/${p}/${index}`, message: `dataset "${n}" is in populations ${prev.population} and ${p}: a dataset belongs to one population` });
      else if (!prev) literalOwner.set(n, { population: p, index });
    });
  }
  for (const p of names) {
    (populations[p] ?? []).forEach((raw, index) => {
      const n = normalise(raw);
      if (!isPattern(n)) return;
      const re = patternRegex(n);
      for (const [literal, owner] of literalOwner) {
        if (owner.population !== p && re.test(literal)) {
          out.push({ path: `/populations/${p}/${index}`, message: `pattern "${n}" of population ${p} matches dataset "${literal}" of population ${owner.population}: a dataset belongs to one population` });
        }
      }
    });
  }
  return out;
}
