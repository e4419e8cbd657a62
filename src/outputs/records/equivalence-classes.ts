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
import { outOfRange } from '../../lib/invariant.js';

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

/** Above this many possible (class, category) pairs, pairs are found by sorting instead of a lookup array. */
const DENSE_LIMIT = 1 << 22;

/**
 * Splits each class by one more code column (codes −1…card−1); returns the new class count.
 * `classOf` is rewritten in place, numbered in order of first appearance.
 */
export function refineClasses(classOf: Int32Array, nClasses: number, codes: Int32Array, card: number): number {
  const radix = card + 1;
  if (nClasses * radix <= DENSE_LIMIT) {
    const ids = new Int32Array(nClasses * radix).fill(-1);
    let next = 0;
    for (let i = 0; i < classOf.length; i++) {
      const key = (classOf[i] ?? outOfRange()) * radix + (codes[i] ?? outOfRange()) + 1;
      let id = ids[key] ?? outOfRange();
      if (id < 0) id = ids[key] = next++;
      classOf[i] = id;
    }
    return next;
  }
  return refineBySorting(classOf, nClasses, codes, radix);
}

/**
 * The sparse case (many classes × many categories): two stable counting sorts group the rows
 * by (class, code), O(rows + classes + categories) with typed arrays and no hashing; the
 * groups are then renumbered in order of first appearance.
 */
function refineBySorting(classOf: Int32Array, nClasses: number, codes: Int32Array, radix: number): number {
  const n = classOf.length;
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  const byCode = countingSort(rows, (i) => (codes[i] ?? outOfRange()) + 1, radix);
  const byPair = countingSort(byCode, (i) => classOf[i] ?? outOfRange(), nClasses);
  const group = new Int32Array(n);
  let groups = 0;
  for (let j = 0; j < n; j++) {
    const i = byPair[j] ?? outOfRange();
    if (j > 0) {
      const prev = byPair[j - 1] ?? outOfRange();
      if (classOf[prev] !== classOf[i] || codes[prev] !== codes[i]) groups++;
    }
    group[i] = groups;
  }
  const renumber = new Int32Array(n > 0 ? groups + 1 : 0).fill(-1);
  let next = 0;
  for (let i = 0; i < n; i++) {
    const g = group[i] ?? outOfRange();
    let id = renumber[g] ?? outOfRange();
    if (id < 0) id = renumber[g] = next++;
    classOf[i] = id;
  }
  return next;
}

/** `rows` stably sorted by `key(row)` ∈ [0, buckets). */
function countingSort(rows: Int32Array, key: (row: number) => number, buckets: number): Int32Array {
  const start = new Int32Array(buckets + 1);
  for (const row of rows) {
    const b = key(row) + 1;
    start[b] = (start[b] ?? outOfRange()) + 1;
  }
  for (let b = 0; b < buckets; b++) start[b + 1] = (start[b + 1] ?? outOfRange()) + (start[b] ?? outOfRange());
  const out = new Int32Array(rows.length);
  for (const row of rows) {
    const b = key(row);
    const slot = start[b] ?? outOfRange();
    start[b] = slot + 1;
    out[slot] = row;
  }
  return out;
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
    const c = classOf[i] ?? outOfRange();
    const size = sizes[c] ?? outOfRange();
    sizes[c] = size + 1;
    if (size === 0) firstRow[c] = i;
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
    const pair = pairOf[i] ?? outOfRange();
    if (!seen[pair]) {
      seen[pair] = 1;
      const c = ec.classOf[i] ?? outOfRange();
      distinct[c] = (distinct[c] ?? outOfRange()) + 1;
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
  for (let c = 0; c < ec.count; c++) {
    const size = ec.sizes[c] ?? outOfRange();
    if (size < k) rows += size;
  }
  return rows;
}
