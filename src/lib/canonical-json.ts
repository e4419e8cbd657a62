/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form of a JSON value that airlock
 * signs and hashes. Two parties holding equal values always produce equal bytes, whatever the
 * key order or number spelling they received, so a signature or chain hash can be checked by
 * anyone who re-canonicalises.
 *
 * - object keys sorted by UTF-16 code units (JavaScript's default string order);
 * - numbers in ECMAScript `Number.prototype.toString` form (`-0` → `0`, `1e+30`);
 * - strings escaped as `JSON.stringify` does (lower-case `\u00XX`), which RFC 8785 adopts;
 * - values JSON cannot carry are refused, not silently dropped or nulled: NaN, ±Infinity,
 *   bigint, functions, symbols, `undefined` inside arrays, lone UTF-16 surrogates (I-JSON),
 *   and cycles. `undefined` object members are omitted, as `JSON.stringify` does.
 *
 * Refusals throw `AirlockError('INVALID_REQUEST')` whose detail carries the JSON pointer of
 * the offending value; callers canonicalising server-made data (a decision, a record) should
 * treat that as an internal error.
 *
 * @example
 * canonicalJson({ b: [1.50, 'x'], a: null }); // '{"a":null,"b":[1.5,"x"]}'
 */
import { AirlockError } from '../errors.js';
import { pointerToken } from './pointer-token.js';

/**
 * The RFC 8785 canonical text of a JSON-compatible value.
 *
 * @example canonicalJson({ z: 1e30, a: -0 }) // '{"a":0,"z":1e+30}'
 */
export function canonicalJson(value: unknown): string {
  try {
    return fast(value, 0);
  } catch (e) {
    if (e !== BAIL) throw e;
  }
  // Something the fast writer does not handle: the careful writer gives the same text, or the
  // refusal with the JSON pointer of the offending value.
  const out: string[] = [];
  write(value, '', out, new Set());
  return out.join('');
}

/**
 * The canonical text of an object whose member values are already canonical texts (each from
 * `canonicalJson`): members are sorted as `canonicalJson` sorts them, `undefined` ones omitted.
 * Lets a caller that needs both a part's text and the whole's text serialise the part once.
 *
 * @example canonicalObjectOfParts({ b: '[1]', a: canonicalJson('x') }) // '{"a":"x","b":[1]}'
 */
export function canonicalObjectOfParts(parts: Readonly<Record<string, string | undefined>>): string {
  let s = '{';
  for (const k of Object.keys(parts).sort()) {
    const v = parts[k];
    if (v === undefined) continue;
    if (!wellFormed(k)) refuse(`/${pointerToken(k)}`, 'a string with a lone UTF-16 surrogate');
    s += `${s.length > 1 ? ',' : ''}${JSON.stringify(k)}:${v}`;
  }
  return `${s}}`;
}

/** Thrown by `fast` at anything unusual; never escapes `canonicalJson` (nor `canonicalJsonSliced`). */
export const BAIL = Symbol('canonical-json: use the careful writer');

/** Deeper than this the fast writer hands over (a cycle looks like endless depth). */
export const FAST_MAX_DEPTH = 256;

// ES2024's String.prototype.isWellFormed (Node ≥ 20): false exactly when a lone surrogate is present.
export const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * The canonical text of plain JSON data, on the hot path of every decision (signing and the
 * audit chain): no pointers or ancestor sets are built, and anything `write` would refuse or
 * treat specially (non-finite numbers, undefined array items, bigint, functions, toJSON, lone
 * surrogates, very deep or cyclic values) throws BAIL so `write` runs instead.
 */
export function fast(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      if (!wellFormed(value)) throw BAIL;
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw BAIL;
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw BAIL;
  }
  if (value === null) return 'null';
  if (depth > FAST_MAX_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function') throw BAIL;
  if (Array.isArray(value)) {
    let s = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === undefined) throw BAIL;
      s += i > 0 ? `,${fast(item, depth + 1)}` : fast(item, depth + 1);
    }
    return `${s}]`;
  }
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is exactly RFC 8785 §3.2.3.
  const keys = Object.keys(record).sort();
  let s = '{';
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    if (!wellFormed(k)) throw BAIL;
    s += `${s.length > 1 ? ',' : ''}${JSON.stringify(k)}:${fast(v, depth + 1)}`;
  }
  return `${s}}`;
}

/**
 * The canonical text as UTF-8 bytes: what is signed and hashed.
 *
 * @example canonicalJsonBytes({ a: '€' }).length // 10
 */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

// A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function refuse(pointer: string, what: string): never {
  throw new AirlockError('INVALID_REQUEST', `cannot canonicalise ${what} at ${pointer || '/'}`, [
    { pointer: pointer || '/', message: `${what} is not representable in canonical JSON (RFC 8785)` },
  ]);
}

function writeString(s: string, pointer: string, out: string[]): void {
  if (LONE_SURROGATE.test(s)) refuse(pointer, 'a string with a lone UTF-16 surrogate');
  out.push(JSON.stringify(s));
}

function write(value: unknown, pointer: string, out: string[], ancestors: Set<object>): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) refuse(pointer, String(value));
      // JSON.stringify of a finite number is exactly ECMAScript Number::toString, with -0 → 0.
      out.push(JSON.stringify(value));
      return;
    case 'string':
      writeString(value, pointer, out);
      return;
    case 'object':
      break;
    default:
      refuse(pointer, typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`);
  }
  const obj = value as object;
  // Honour toJSON (Date → ISO string) the way JSON.stringify does, so callers get no surprise.
  const withToJson = obj as { toJSON?: (key: string) => unknown };
  if (typeof withToJson.toJSON === 'function') {
    write(withToJson.toJSON(''), pointer, out, ancestors);
    return;
  }
  if (ancestors.has(obj)) refuse(pointer, 'a circular reference');
  ancestors.add(obj);
  if (Array.isArray(obj)) {
    out.push('[');
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) out.push(',');
      write(obj[i], `${pointer}/${i}`, out, ancestors);
    }
    out.push(']');
  } else {
    const record = obj as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined);
    // Default sort compares UTF-16 code units, which is exactly RFC 8785 §3.2.3.
    keys.sort();
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      const child = `${pointer}/${pointerToken(k)}`;
      writeString(k, child, out);
      out.push(':');
      write(record[k], child, out, ancestors);
    });
    out.push('}');
  }
  ancestors.delete(obj);
}
