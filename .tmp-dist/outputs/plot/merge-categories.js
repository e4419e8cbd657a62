/** The label of the combined category. */
export const OTHER_LABEL = 'Other';
/** The merged categories, or null when all of them together hold fewer than `threshold`. */
export function mergeCategories(categories, threshold) {
    const min = Math.max(threshold, 1);
    // An existing "Other" is pooled first, so the result never has two of them.
    const pool = categories.filter((c) => c.count < min || c.label === OTHER_LABEL);
    if (pool.length === 0)
        return { categories: [...categories], merged: [] };
    const rest = categories.filter((c) => !pool.includes(c)).sort((a, b) => a.count - b.count);
    let total = pool.reduce((a, c) => a + c.count, 0);
    while (total < min && rest.length) {
        const c = rest.shift();
        pool.push(c);
        total += c.count;
    }
    if (total < min)
        return null;
    const kept = categories.filter((c) => !pool.includes(c));
    return { categories: [...kept, { label: OTHER_LABEL, count: total }], merged: pool.filter((c) => c.label !== OTHER_LABEL).map((c) => c.label) };
}
//# sourceMappingURL=merge-categories.js.map