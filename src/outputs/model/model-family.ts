/**
 * Which model family a submitted name means. Libraries and people spell one family many
 * ways (`DecisionTreeClassifier`, `rpart`, `decision tree`, `sklearn.tree.DecisionTreeRegressor`),
 * and a check that only knew `decision_tree` would let every other spelling through. The
 * rules' `model_family_aliases` maps each family to its names; names are compared by
 * `nameKey` (normalised, letters and digits only). A qualified name that is not listed as
 * it is (`sklearn.ensemble.RandomForestClassifier`, `e1071::svm`) is looked up by its last
 * part after `::`, then after `.`. Entries of `instance_based_families` and
 * `tree_model_families` are recognised families too, and may themselves be aliases.
 *
 * @example
 * resolveFamily('KNeighborsClassifier', DEFAULT_PARAMETERS) // { name: 'KNeighborsClassifier', family: 'knn', recognised: true }
 * familyListed(DEFAULT_PARAMETERS.instance_based_families, 'knn', DEFAULT_PARAMETERS) // true
 */
import { nameKey } from '../../lib/name-key.js';
import type { Parameters } from '../../rules/parameters.js';
import { normaliseName } from '../read-fields.js';

/** A submitted family name and what it resolves to. */
export interface ResolvedFamily {
  /** As submitted. */
  name: string;
  /** The canonical family (a key of `model_family_aliases`), or the normalised name when unrecognised. */
  family: string;
  recognised: boolean;
}

type FamilyIndex = Map<string, string>;

const indexes = new WeakMap<object, FamilyIndex>();

/** nameKey → canonical family, built once per parameter object. */
function familyIndex(p: Parameters): FamilyIndex {
  const cached = indexes.get(p);
  if (cached) return cached;
  const index: FamilyIndex = new Map();
  for (const [family, aliases] of Object.entries(p.model_family_aliases)) {
    index.set(nameKey(family), family);
    for (const alias of aliases) if (!index.has(nameKey(alias))) index.set(nameKey(alias), family);
  }
  // A family only listed by risk is still a family airlock knows.
  for (const listed of [...p.instance_based_families, ...p.tree_model_families]) {
    if (!index.has(nameKey(listed))) index.set(nameKey(listed), normaliseName(listed));
  }
  indexes.set(p, index);
  return index;
}

/** The name, then its last part after `::`, then that part's last part after `.`. */
function candidates(name: string): string[] {
  const out = [name];
  const colons = name.lastIndexOf('::');
  const afterColons = colons < 0 ? name : name.slice(colons + 2);
  if (afterColons !== name) out.push(afterColons);
  const dot = afterColons.lastIndexOf('.');
  if (dot >= 0 && dot < afterColons.length - 1) out.push(afterColons.slice(dot + 1));
  return out;
}

/**
 * The family a submitted name means under the rules' alias table.
 *
 * @example resolveFamily('sklearn.tree.DecisionTreeClassifier', DEFAULT_PARAMETERS).family // 'decision_tree'
 */
export function resolveFamily(name: string, p: Parameters): ResolvedFamily {
  const index = familyIndex(p);
  for (const c of candidates(name)) {
    const family = index.get(nameKey(c));
    if (family !== undefined) return { name, family, recognised: true };
  }
  return { name, family: normaliseName(name), recognised: false };
}

/**
 * Whether a rule list of families (which may use aliases) names the canonical `family`.
 *
 * @example familyListed(['KNeighborsClassifier'], 'knn', DEFAULT_PARAMETERS) // true
 */
export function familyListed(list: readonly string[], family: string, p: Parameters): boolean {
  return list.some((entry) => resolveFamily(entry, p).family === family || nameKey(entry) === nameKey(family));
}

/**
 * Every alias that two families claim (the rule set is ambiguous there); for `rules lint`.
 *
 * @example ambiguousAliases({ a: ['x'], b: ['X'] }) // [{ alias: 'X', families: ['a', 'b'] }]
 */
export function ambiguousAliases(aliases: Readonly<Record<string, readonly string[]>>): { alias: string; families: string[] }[] {
  const owners = new Map<string, { alias: string; families: Set<string> }>();
  for (const [family, names] of Object.entries(aliases)) {
    for (const alias of [family, ...names]) {
      const k = nameKey(alias);
      const o = owners.get(k) ?? { alias, families: new Set<string>() };
      o.families.add(family);
      owners.set(k, o);
    }
  }
  return [...owners.values()].filter((o) => o.families.size > 1).map((o) => ({ alias: o.alias, families: [...o.families].sort() }));
}
