/**
 * Internal invariants: what the code around guarantees but the types cannot say (an index
 * inside its array, a key that was just inserted). With `noUncheckedIndexedAccess` every index
 * read may be `undefined`; where that cannot happen, these helpers say so once and fail
 * closed if it ever does, instead of a `!` that would let `undefined` flow on silently.
 *
 * An `InvariantError` is a bug, never the client's fault: it is no `AirlockError`, so the
 * error handler answers `INTERNAL` (500, no decision made) and logs it.
 *
 * @example
 * const first = at(rows, 0); // throws InvariantError on an empty array
 * invariant(total >= 0, 'a count is never negative');
 */
export class InvariantError extends Error {
  constructor(message: string) {
    super(`internal invariant broken: ${message}`);
    this.name = 'InvariantError';
  }
}

/**
 * Asserts a condition the surrounding code guarantees.
 *
 * @example invariant(k < top.length, 'k is within the top-k list');
 */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/**
 * `items[index]` where the index is known to be in range: throws `InvariantError` when it is
 * not. An element that is `undefined` inside the range is returned as it is.
 *
 * @example at([10, 20], 1) // 20
 * @example at([10, 20], 2) // throws InvariantError
 */
export function at<T>(items: ArrayLike<T>, index: number): T {
  const v = items[index];
  if (v === undefined && !(Number.isInteger(index) && index >= 0 && index < items.length)) {
    throw new InvariantError(`index ${index} is outside 0..${items.length - 1}`);
  }
  return v as T;
}

/**
 * `map.get(key)` where the key is known to be present: throws `InvariantError` when it is not.
 *
 * @example got(new Map([['a', 1]]), 'a') // 1
 */
export function got<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const v = map.get(key);
  if (v === undefined && !map.has(key)) throw new InvariantError(`no entry for ${String(key)}`);
  return v as V;
}

/**
 * `items[index] += by` where the index is known to be in range: throws `InvariantError` when
 * it is not (a plain `+=` would write nothing past the end of a typed array, and count wrong).
 *
 * @example const counts = new Float64Array(2); addAt(counts, 1, 1); // counts: [0, 1]
 */
export function addAt(items: { [index: number]: number; readonly length: number }, index: number, by: number): void {
  // Its own read, not `at`'s: `at` is shared by every array type, and this runs in hot loops.
  items[index] = (items[index] ?? outOfRange()) + by;
}

/**
 * `record[key]` where the key is known to be there: throws `InvariantError` when it is not.
 *
 * @example entry({ sex: 'F' }, 'sex') // 'F'
 */
export function entry<T>(record: Readonly<Record<string, T>>, key: string): T {
  const v = record[key];
  if (v === undefined && !Object.hasOwn(record, key)) throw new InvariantError(`no field ${JSON.stringify(key)}`);
  return v as T;
}

/**
 * Throws `InvariantError` for an element read that came back `undefined`: written
 * `xs[i] ?? outOfRange()` in hot loops over typed arrays, where it keeps the read inline and as
 * fast as a plain one (a shared helper's read would see every array type and slow down).
 * Only for arrays whose elements are never `null` or `undefined`: numbers, and in the same
 * loops the rows or lists they are kept in (an elimination's `Float64Array[]`, a graph's
 * adjacency lists), where `??` cannot mistake a real element for a missing one.
 *
 * @example const x = counts[i] ?? outOfRange();
 */
export function outOfRange(): never {
  throw new InvariantError('an element read past the end of its array');
}
