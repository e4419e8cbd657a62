import { AirlockError } from '../errors.js';
/**
 * Throws `code` for the field at `pointer`, with the pointer in the details.
 *
 * @example invalid('PLOT_INVALID', '/outputs/0/bins', 'needs at least one bin');
 */
export function invalid(code, pointer, message) {
    throw new AirlockError(code, `${pointer}: ${message}`, [{ pointer, message }]);
}
/**
 * Whether a value is a plain JSON object (not an array, not null).
 *
 * @example isObject({ a: 1 }) // true
 */
export function isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
/**
 * Reads the fields of `value`, which must be a JSON object, throwing `code` otherwise.
 *
 * @example readFields({ n: 3 }, '/outputs/1', 'SUMMARY_INVALID').count('n') // 3
 */
export function readFields(value, pointer, code) {
    if (!isObject(value))
        invalid(code, pointer, 'must be an object');
    const obj = value;
    const at = (key) => `${pointer}/${key}`;
    const present = (key) => obj[key] !== undefined && obj[key] !== null;
    const need = (key) => (present(key) ? obj[key] : invalid(code, at(key), 'is required'));
    const asString = (key) => {
        const v = need(key);
        if (typeof v !== 'string' || v.trim() === '')
            invalid(code, at(key), 'must be a non-empty string');
        return v;
    };
    const asNumber = (key) => {
        const v = need(key);
        if (typeof v !== 'number' || !Number.isFinite(v))
            invalid(code, at(key), 'must be a finite number');
        return v;
    };
    const asInteger = (key, min = 0) => {
        const v = asNumber(key);
        if (!Number.isInteger(v))
            invalid(code, at(key), `must be an integer (got ${v})`);
        if (v < min)
            invalid(code, at(key), `must be at least ${min} (got ${v})`);
        return v;
    };
    const asArray = (key) => {
        const v = need(key);
        if (!Array.isArray(v))
            invalid(code, at(key), 'must be an array');
        return v;
    };
    const fields = {
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
            if (!present(key))
                return undefined;
            const v = obj[key];
            return typeof v === 'boolean' ? v : invalid(code, at(key), 'must be true or false');
        },
        array: asArray,
        optArray: (key) => (present(key) ? asArray(key) : undefined),
        optObject: (key) => {
            if (!present(key))
                return undefined;
            const v = obj[key];
            return isObject(v) ? v : invalid(code, at(key), 'must be an object');
        },
        objects: (key) => asArray(key).map((item, i) => readFields(item, `${at(key)}/${i}`, code)),
    };
    return fields;
}
/**
 * The elements of an array field, bounded by a configured limit (so a huge plot or summary
 * cannot exhaust memory), and non-empty unless `allowEmpty`.
 *
 * @example boundedObjects(f, 'bins', limits.maxCells, 'BINS_INVALID')
 */
export function boundedObjects(f, key, max, code, allowEmpty = false) {
    const list = f.array(key);
    if (!allowEmpty && list.length === 0)
        invalid(code, f.at(key), 'must not be empty');
    if (list.length > max)
        invalid(code, f.at(key), `has ${list.length} entries, more than the configured limit of ${max}`);
    return f.objects(key);
}
/**
 * A family or format name as rule files list it: lower case, words joined by `_`, no
 * leading dot (`"Random Forest"` → `random_forest`, `".ONNX"` → `onnx`).
 *
 * @example normaliseName(' K-Nearest Neighbours ') // 'k_nearest_neighbours'
 */
export function normaliseName(name) {
    return name
        .trim()
        .toLowerCase()
        .replace(/^\.+/, '')
        .replace(/[\s-]+/g, '_');
}
//# sourceMappingURL=read-fields.js.map