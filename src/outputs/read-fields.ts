/**
 * Typed reading of one JSON object of a submitted output. The request schema has already
 * been validated, but output kinds are also used directly (tests, the CLI), so each parser
 * re-reads its fields through this and fails closed: anything missing or of the wrong type
 * throws the kind's error code with the JSON pointer of the offending field.
 *
 * @example
 * const f = readFields(raw, '/outputs/0', 'PLOT_INVALID');
 * const n = f.count('n'); // throws PLOT_INVALID at /outputs/0/n unless a non-negative integer
 */
import { isObject } from '../lib/is-object.js';
import type { ErrorCode } from '../errors.js';
import { AirlockError } from '../errors.js';

/**
 * Throws `code` for the field at `pointer`, with the pointer in the details.
 *
 * @example invalid('PLOT_INVALID', '/outputs/0/bins', 'needs at least one bin');
 */
export function invalid(code: ErrorCode, pointer: string, message: string): never {
  throw new AirlockError(code, `${pointer}: ${message}`, [{ pointer, message }]);
}

/** A JSON object's fields, read with the types a parser expects. */
export interface Fields {
  /** The JSON pointer of this object. */
  pointer: string;
  /** The JSON pointer of one of its fields. */
  at(key: string): string;
  has(key: string): boolean;
  string(key: string): string;
  optString(key: string): string | undefined;
  /** A finite number. */
  number(key: string): number;
  optNumber(key: string): number | undefined;
  /** An integer ≥ `min` (0 by default): counts of records, parameters, degrees of freedom. */
  integer(key: string, min?: number): number;
  optInteger(key: string, min?: number): number | undefined;
  /** A non-negative integer count of records. */
  count(key: string): number;
  optBoolean(key: string): boolean | undefined;
  array(key: string): unknown[];
  optArray(key: string): unknown[] | undefined;
  optObject(key: string): Record<string, unknown> | undefined;
  /** A non-empty string, or a list of them (each once): column names given as one or many. */
  optNames(key: string): string[] | undefined;
  /** The fields of each element of an array field, which must all be objects. */
  objects(key: string): Fields[];
}

export { isObject } from '../lib/is-object.js';

/**
 * Reads the fields of `value`, which must be a JSON object, throwing `code` otherwise.
 *
 * @example readFields({ n: 3 }, '/outputs/1', 'SUMMARY_INVALID').count('n') // 3
 */
export function readFields(value: unknown, pointer: string, code: ErrorCode): Fields {
  if (!isObject(value)) invalid(code, pointer, 'must be an object');
  const obj = value;
  const at = (key: string): string => `${pointer}/${key}`;
  const present = (key: string): boolean => obj[key] !== undefined && obj[key] !== null;
  const need = (key: string): unknown => (present(key) ? obj[key] : invalid(code, at(key), 'is required'));
  const asString = (key: string): string => {
    const v = need(key);
    if (typeof v !== 'string' || v.trim() === '') invalid(code, at(key), 'must be a non-empty string');
    return v;
  };
  const asNumber = (key: string): number => {
    const v = need(key);
    if (typeof v !== 'number' || !Number.isFinite(v)) invalid(code, at(key), 'must be a finite number');
    return v;
  };
  const asInteger = (key: string, min = 0): number => {
    const v = asNumber(key);
    if (!Number.isInteger(v)) invalid(code, at(key), `must be an integer (got ${v})`);
    if (v < min) invalid(code, at(key), `must be at least ${min} (got ${v})`);
    return v;
  };
  const asArray = (key: string): unknown[] => {
    const v = need(key);
    if (!Array.isArray(v)) invalid(code, at(key), 'must be an array');
    return v;
  };
  const fields: Fields = {
    pointer,
    at,
    has: present,
    string: asString,
    optString: (key) => (present(key) ? asString(key) : undefined),
    number: asNumber,
    optNumber: (key) => (present(key) ? asNumber(key) : undefined),
    integer: asInteger,
    optInteger: (key, min) => (present(key) ? asInteger(key, min) : undefined),
    count: (key) => asInteger(key, 0),
    optBoolean: (key) => {
      if (!present(key)) return undefined;
      const v = obj[key];
      return typeof v === 'boolean' ? v : invalid(code, at(key), 'must be true or false');
    },
    array: asArray,
    optArray: (key) => (present(key) ? asArray(key) : undefined),
    optObject: (key) => {
      if (!present(key)) return undefined;
      const v = obj[key];
      return isObject(v) ? v : invalid(code, at(key), 'must be an object');
    },
    objects: (key) => asArray(key).map((item, i) => readFields(item, `${at(key)}/${i}`, code)),
    optNames: (key) => {
      if (!present(key)) return undefined;
      if (typeof obj[key] === 'string') return [asString(key)];
      const names = asArray(key).map((v, i) => (typeof v === 'string' && v.trim() !== '' ? v : invalid(code, `${at(key)}/${i}`, 'must be a non-empty name')));
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup !== undefined) invalid(code, at(key), `"${dup}" is named twice`);
      return names;
    },
  };
  return fields;
}

/**
 * The elements of an array field, bounded by a configured limit (so a huge plot or summary
 * cannot exhaust memory), and non-empty unless `allowEmpty`.
 *
 * @example boundedObjects(f, 'bins', limits.maxCells, 'BINS_INVALID')
 */
export function boundedObjects(f: Fields, key: string, max: number, code: ErrorCode, allowEmpty = false): Fields[] {
  const list = f.array(key);
  if (!allowEmpty && list.length === 0) invalid(code, f.at(key), 'must not be empty');
  if (list.length > max) invalid(code, f.at(key), `has ${list.length} entries, more than the configured limit of ${max}`);
  return f.objects(key);
}

/**
 * A list field of finite numbers in strictly increasing order (bin edges, reported times):
 * `code` for an element that is no finite number, `orderCode` for one not above the one
 * before it, each at the element's pointer.
 *
 * @example increasingNumbers([0, 10, 20], '/outputs/0/spec/edges', 'edges', 'BINS_INVALID') // [0, 10, 20]
 */
export function increasingNumbers(list: readonly unknown[], pointer: string, what: string, code: ErrorCode, orderCode: ErrorCode = code): number[] {
  const numbers: number[] = [];
  list.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return invalid(code, `${pointer}/${i}`, 'must be a finite number');
    const prev = numbers[i - 1];
    if (prev !== undefined && !(v > prev)) invalid(orderCode, `${pointer}/${i}`, `${what} must be strictly increasing`);
    numbers.push(v);
  });
  return numbers;
}

/**
 * A family or format name as rule files list it: lower case, words joined by `_`, no
 * leading dot (`"Random Forest"` → `random_forest`, `".ONNX"` → `onnx`).
 *
 * @example normaliseName(' K-Nearest Neighbours ') // 'k_nearest_neighbours'
 */
export function normaliseName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^\.+/, '')
    .replace(/[\s-]+/g, '_');
}
