/**
 * Equivalence classes of record-level data: the rows that share one combination of
 * quasi-identifier values. Each column refines the classes of the columns before it with a
 * combined code per row (class × (categories + 1) + category), re-numbered densely after each
 * column so codes stay small; the whole computation is a few typed arrays, never an object
 * per row. A missing value is a value of its own: it is as visible in the released file.
 *
 * @example
 * const ec = equivalenceClasses([sexColumn, ageBandColumn], nRows);
 * ec.sizes[ec.classOf[0]]; // how many rows share row 0's combination
 */
import type { CategoryColumn } from '../table/columnar.js';

export interface EquivalenceClasses {
  /** Number of classes. */
  count: number;
  /** Class of each row, numbered 0… in order of first appearance. */
  classOf: Int32Array;
  /** Rows per class. */
  sizes: Int32Array;
  /** First row (0-based) of each class. */
  firstRow: Int32Array;
}

/** Above this many possible (class, category) pairs, a Map numbers them instead of an array. */
const DENSE_LIMIT = 1 << 22;

/**
 * Splits each class by one more code column (codes −1…card−1); returns the new class count.
 * `classOf` is rewritten in place.
 */
export function refineClasses(classOf: Int32Array, nClasses: number, codes: Int32Array, card: number): number {
  const radix = card + 1;
  let next = 0;
  if (nClasses * radix <= DENSE_LIMIT) {
    const ids = new Int32Array(nClasses * radix).fill(-1);
    for (let i = 0; i < classOf.length; i++) {
      const key = classOf[i] * radix + codes[i] + 1;
      let id = ids[key];
      if (id < 0) id = ids[key] = next++;
      classOf[i] = id;
    }
  } else {
    // Keys stay below rows × (categories + 1) ≤ 2^53, so they are exact as numbers.
    const ids = new Map<number, number>();
    for (let i = 0; i < classOf.length; i++) {
      const key = classOf[i] * radix + codes[i] + 1;
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = next++));
      classOf[i] = id;
    }
  }
  return next;
}

/**
 * The equivalence classes of `nRows` rows over the given columns (all rows form one class
 * when there are no columns).
 *
 * @example equivalenceClasses([col], 3).count // 2 when col.codes is [0, 1, 0]
 */
export function equivalenceClasses(columns: readonly CategoryColumn[], nRows: number): EquivalenceClasses {
  const classOf = new Int32Array(nRows);
  let count = nRows > 0 ? 1 : 0;
  for (const col of columns) count = refineClasses(classOf, count, col.codes, col.dict.length);
  const sizes = new Int32Array(count);
  const firstRow = new Int32Array(count).fill(-1);
  for (let i = 0; i < nRows; i++) {
    const c = classOf[i];
    if (sizes[c]++ === 0) firstRow[c] = i;
  }
  return { count, classOf, sizes, firstRow };
}

/**
 * Distinct values of `column` within each class (a missing value counts as one value).
 *
 * @example distinctPerClass(ec, diagnosisColumn)[0] // 1: class 0 shares one diagnosis
 */
export function distinctPerClass(ec: EquivalenceClasses, column: CategoryColumn): Int32Array {
  const pairOf = ec.classOf.slice();
  const pairs = refineClasses(pairOf, ec.count, column.codes, column.dict.length);
  const seen = new Uint8Array(pairs);
  const distinct = new Int32Array(ec.count);
  for (let i = 0; i < pairOf.length; i++) {
    if (!seen[pairOf[i]]) {
      seen[pairOf[i]] = 1;
      distinct[ec.classOf[i]]++;
    }
  }
  return distinct;
}

/**
 * Rows that fall in classes smaller than `k`.
 *
 * @example rowsInSmallClasses(ec, 10) // 17
 */
export function rowsInSmallClasses(ec: EquivalenceClasses, k: number): number {
  let rows = 0;
  for (let c = 0; c < ec.count; c++) if (ec.sizes[c] < k) rows += ec.sizes[c];
  return rows;
}
