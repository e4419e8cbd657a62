/** The label margins carry, on every variable of the axis (outermost first, then ""). */
export const MARGIN_LABEL = 'All';
/** Number of cells of a table. */
export function cellCount(t) {
    return t.rows.keys.length * t.cols.keys.length;
}
/** Row-major index of the cell at (row, col). */
export function cellIndex(t, row, col) {
    return row * t.cols.keys.length + col;
}
/**
 * The labels of a cell as `{ variable: category }`. On an axis with two variables a margin
 * key is `["All", ""]`, so its labels are `{ a: "All", b: "" }`.
 *
 * @example cellLabels(t, 0) // { region: 'north', year: '2021' }
 */
export function cellLabels(t, cell) {
    const nCols = t.cols.keys.length;
    const r = Math.floor(cell / nCols);
    const c = cell - r * nCols;
    const out = {};
    t.rows.vars.forEach((v, i) => (out[v] = t.rows.keys[r][i]));
    t.cols.vars.forEach((v, i) => (out[v] = t.cols.keys[c][i]));
    return out;
}
/** The published value of a cell as JSON (`null` for empty). */
export function cellValue(t, cell) {
    const v = t.value[cell];
    return Number.isNaN(v) ? null : v;
}
/** The i-th largest absolute contribution of a cell (0 when there are fewer). */
export function topContribution(t, cell, i) {
    return i < t.topK ? t.top[cell * t.topK + i] : 0;
}
//# sourceMappingURL=cell-table.js.map