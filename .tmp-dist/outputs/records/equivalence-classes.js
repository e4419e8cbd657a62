/** Above this many possible (class, category) pairs, a Map numbers them instead of an array. */
const DENSE_LIMIT = 1 << 22;
/**
 * Splits each class by one more code column (codes −1…card−1); returns the new class count.
 * `classOf` is rewritten in place.
 */
export function refineClasses(classOf, nClasses, codes, card) {
    const radix = card + 1;
    let next = 0;
    if (nClasses * radix <= DENSE_LIMIT) {
        const ids = new Int32Array(nClasses * radix).fill(-1);
        for (let i = 0; i < classOf.length; i++) {
            const key = classOf[i] * radix + codes[i] + 1;
            let id = ids[key];
            if (id < 0)
                id = ids[key] = next++;
            classOf[i] = id;
        }
    }
    else {
        // Keys stay below rows × (categories + 1) ≤ 2^53, so they are exact as numbers.
        const ids = new Map();
        for (let i = 0; i < classOf.length; i++) {
            const key = classOf[i] * radix + codes[i] + 1;
            let id = ids.get(key);
            if (id === undefined)
                ids.set(key, (id = next++));
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
export function equivalenceClasses(columns, nRows) {
    const classOf = new Int32Array(nRows);
    let count = nRows > 0 ? 1 : 0;
    for (const col of columns)
        count = refineClasses(classOf, count, col.codes, col.dict.length);
    const sizes = new Int32Array(count);
    const firstRow = new Int32Array(count).fill(-1);
    for (let i = 0; i < nRows; i++) {
        const c = classOf[i];
        if (sizes[c]++ === 0)
            firstRow[c] = i;
    }
    return { count, classOf, sizes, firstRow };
}
/**
 * Distinct values of `column` within each class (a missing value counts as one value).
 *
 * @example distinctPerClass(ec, diagnosisColumn)[0] // 1: class 0 shares one diagnosis
 */
export function distinctPerClass(ec, column) {
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
export function rowsInSmallClasses(ec, k) {
    let rows = 0;
    for (let c = 0; c < ec.count; c++)
        if (ec.sizes[c] < k)
            rows += ec.sizes[c];
    return rows;
}
//# sourceMappingURL=equivalence-classes.js.map