/** Records in the table's inner cells (margins would count them twice); null for other kinds. */
export function outputRows(kind, parsed) {
    if (kind !== 'table')
        return null;
    const t = parsed;
    const nCols = t.cols.keys.length;
    let rows = 0;
    for (let r = 0; r < t.rows.keys.length; r++) {
        if (r === t.rows.margin)
            continue;
        for (let c = 0; c < nCols; c++)
            if (c !== t.cols.margin)
                rows += t.records[r * nCols + c] ?? 0;
    }
    return rows;
}
//# sourceMappingURL=output-rows.js.map