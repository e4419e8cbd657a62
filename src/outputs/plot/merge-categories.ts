/**
 * Bars or pie slices that pass `min_count` (and `zeros`): every category below the
 * threshold goes into one "Other" category, and if that is still too small the smallest
 * passing categories join it until it is not.
 *
 * @example mergeCategories([{ label: 'a', count: 30 }, { label: 'b', count: 3 }, { label: 'c', count: 12 }], 10)
 * // { categories: [{ label: 'a', count: 30 }, { label: 'Other', count: 15 }], merged: ['b', 'c'] }
 */
import type { CategoryCount } from './plot-output.js';

/** The label of the combined category. */
export const OTHER_LABEL = 'Other';

export interface MergedCategories {
  categories: CategoryCount[];
  /** Labels folded into `Other`. */
  merged: string[];
}

/** The merged categories, or null when all of them together hold fewer than `threshold`. */
export function mergeCategories(categories: readonly CategoryCount[], threshold: number): MergedCategories | null {
  const min = Math.max(threshold, 1);
  // An existing "Other" is pooled first, so the result never has two of them.
  const pool = categories.filter((c) => c.count < min || c.label === OTHER_LABEL);
  if (pool.length === 0) return { categories: [...categories], merged: [] };
  const rest = categories.filter((c) => !pool.includes(c)).sort((a, b) => a.count - b.count);
  let total = pool.reduce((a, c) => a + c.count, 0);
  while (total < min) {
    const c = rest.shift();
    if (c === undefined) break;
    pool.push(c);
    total += c.count;
  }
  if (total < min) return null;
  const kept = categories.filter((c) => !pool.includes(c));
  return { categories: [...kept, { label: OTHER_LABEL, count: total }], merged: pool.filter((c) => c.label !== OTHER_LABEL).map((c) => c.label) };
}
