/**
 * Records keyed by labels and variable names, which come from submitters: a plain `{}` would
 * turn `__proto__` into a prototype change (the label vanishes) and answer `constructor` or
 * `toString` with `Object.prototype`'s members. Objects made here have no prototype, so every
 * key is an own data property and a missing key reads `undefined`. `JSON.stringify`, spread
 * and canonical JSON see the same own keys as for a plain object.
 *
 * @example
 * const labels = recordFrom([['__proto__', 'a'], ['sex', 'F']]);
 * JSON.stringify(labels) // '{"__proto__":"a","sex":"F"}'
 */

/**
 * An empty record without a prototype.
 *
 * @example const out = nullRecord<string>(); out['__proto__'] = 'a'; Object.keys(out) // ['__proto__']
 */
export function nullRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * A prototype-free record from entries (later entries win, as in `Object.fromEntries`).
 *
 * @example recordFrom([['constructor', 'x']]).constructor // 'x'
 */
export function recordFrom<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out = nullRecord<T>();
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/**
 * A prototype-free copy of a record (own enumerable keys only), e.g. of labels parsed from
 * JSON, so later reads of absent keys (`constructor`) are `undefined`, not inherited members.
 *
 * @example ownRecord({ a: '1' }).toString // undefined
 */
export function ownRecord<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return recordFrom(Object.entries(record));
}

/**
 * Gives every `labels` record inside `value` back its missing prototype-freedom: a structured
 * clone (what a worker thread's answer is) rebuilds null-prototype objects as ordinary ones,
 * so a variable named `constructor` missing from one cell's labels would read
 * `Object.prototype.constructor` instead of `undefined`. Typed arrays are skipped; own keys
 * and their order are untouched. Returns `value`.
 *
 * @example const e = labelsWithoutPrototype(structuredClone(evaluated));
 */
export function labelsWithoutPrototype<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === 'labels' && x !== null && typeof x === 'object' && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype) Object.setPrototypeOf(x, null);
      stack.push(x);
    }
  }
  return value;
}
