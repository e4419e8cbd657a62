/**
 * The key under which names that rule files list are matched: a column name against
 * `sensitive_attributes`, a model family against `model_family_aliases`, a hyperparameter
 * against `leaf_size_hyperparameters`. It is `normalise()` (the one normalisation) with
 * every character that is not a letter or a digit removed, so the spellings a library, a
 * language or a person uses for one name meet: `ICD-10`, `icd_10` and `ICD 10`;
 * `min.bucket` and `minbucket`; `KNeighborsClassifier` and `kneighbors_classifier`.
 *
 * Names only, never data values: values are compared with `normalise()` alone.
 *
 * @example
 * nameKey('Cause of Death') === nameKey('cause_of_death') // true
 * nameKey('e1071::svm') // 'e1071svm'
 */
import { normalise } from './normalise.js';

const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;

/**
 * The matching key of a name.
 *
 * @example nameKey(' Random-Forest ') // 'randomforest'
 */
export function nameKey(name: string): string {
  return normalise(name).replace(NOT_LETTER_OR_DIGIT, '');
}

/**
 * A set of names as keys, for repeated membership tests.
 *
 * @example nameKeys(['diagnosis', 'ICD-10']).has(nameKey('icd10')) // true
 */
export function nameKeys(names: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const n of names) out.add(nameKey(n));
  return out;
}
