/**
 * How findings name an equivalence class: a number and where it first occurs, never its
 * values.
 *
 * @example classRef(r, 2) // 'class#3 (first at row 17)'
 */
export function classRef(r, c) {
    return `class#${c + 1} (first at row ${r.classes.firstRow[c] + 1})`;
}
//# sourceMappingURL=records-output.js.map