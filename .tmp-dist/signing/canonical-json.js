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
/**
 * The RFC 8785 canonical text of a JSON-compatible value.
 *
 * @example canonicalJson({ z: 1e30, a: -0 }) // '{"a":0,"z":1e+30}'
 */
export function canonicalJson(value) {
    const out = [];
    write(value, '', out, new Set());
    return out.join('');
}
/**
 * The canonical text as UTF-8 bytes: what is signed and hashed.
 *
 * @example canonicalJsonBytes({ a: '€' }).length // 10
 */
export function canonicalJsonBytes(value) {
    return new TextEncoder().encode(canonicalJson(value));
}
// A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function refuse(pointer, what) {
    throw new AirlockError('INVALID_REQUEST', `cannot canonicalise ${what} at ${pointer || '/'}`, [
        { pointer: pointer || '/', message: `${what} is not representable in canonical JSON (RFC 8785)` },
    ]);
}
function writeString(s, pointer, out) {
    if (LONE_SURROGATE.test(s))
        refuse(pointer, 'a string with a lone UTF-16 surrogate');
    out.push(JSON.stringify(s));
}
function escapePointer(token) {
    return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
function write(value, pointer, out, ancestors) {
    if (value === null) {
        out.push('null');
        return;
    }
    switch (typeof value) {
        case 'boolean':
            out.push(value ? 'true' : 'false');
            return;
        case 'number':
            if (!Number.isFinite(value))
                refuse(pointer, String(value));
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
    const obj = value;
    // Honour toJSON (Date → ISO string) the way JSON.stringify does, so callers get no surprise.
    const withToJson = obj;
    if (typeof withToJson.toJSON === 'function') {
        write(withToJson.toJSON(''), pointer, out, ancestors);
        return;
    }
    if (ancestors.has(obj))
        refuse(pointer, 'a circular reference');
    ancestors.add(obj);
    if (Array.isArray(obj)) {
        out.push('[');
        for (let i = 0; i < obj.length; i++) {
            if (i > 0)
                out.push(',');
            write(obj[i], `${pointer}/${i}`, out, ancestors);
        }
        out.push(']');
    }
    else {
        const record = obj;
        const keys = Object.keys(record).filter((k) => record[k] !== undefined);
        // Default sort compares UTF-16 code units, which is exactly RFC 8785 §3.2.3.
        keys.sort();
        out.push('{');
        keys.forEach((k, i) => {
            if (i > 0)
                out.push(',');
            const child = `${pointer}/${escapePointer(k)}`;
            writeString(k, child, out);
            out.push(':');
            write(record[k], child, out, ancestors);
        });
        out.push('}');
    }
    ancestors.delete(obj);
}
//# sourceMappingURL=canonical-json.js.map