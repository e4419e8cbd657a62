import { cellCount, cellLabels, cellValue } from '../outputs/table/cell-table.js';
import { passed } from './check.js';
/** Indices of the cells a rule flags. */
export function flaggedCells(rule, t, p) {
    const out = [];
    const n = cellCount(t);
    for (let c = 0; c < n; c++)
        if (rule.flag(t, c, p) !== null)
            out.push(c);
    return out;
}
/** Builds a table check from a per-cell rule. */
export function tableCellCheck(rule) {
    return {
        id: rule.id,
        kind: 'table',
        rule,
        run(t, p) {
            if (!rule.applies(t, p))
                return [];
            const cells = [];
            const n = cellCount(t);
            for (let c = 0; c < n; c++) {
                const reason = rule.flag(t, c, p);
                if (reason !== null)
                    cells.push({ labels: cellLabels(t, c), value: cellValue(t, c), count: t.count[c], reason });
            }
            if (cells.length === 0)
                return [passed(rule.id, rule.passMessage(p))];
            return [{ check: rule.id, status: rule.status, message: rule.message(cells.length, p), remedy: rule.remedy(p), cells }];
        },
    };
}
/** "1 cell" / "3 cells": findings are read by researchers, so plurals matter. */
export function cellsWord(n) {
    return n === 1 ? '1 cell' : `${n} cells`;
}
//# sourceMappingURL=table-cell-check.js.map