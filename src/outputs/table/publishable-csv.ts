/**
 * The table as a researcher would publish it: row variables down the side, one column per
 * column category (multi-variable keys joined with " / "), values in the cells and suppressed
 * or empty cells blank. The cells are already a row-major grid (row keys × column keys), so
 * each line is written straight from it: no object is ever keyed by a label or variable name
 * (a pivot keyed that way loses a `__proto__` column and prints `constructor` as a function),
 * and two column keys that join to the same text stay two columns. The text is written by
 * `csvRow`, so a label or variable name a spreadsheet would run as a formula (`=1+2`,
 * `@SUM(A1)`) is written as quoted text with a leading `'`.
 *
 * @example
 * publishableCsv(t, [12, null, 15, 20]);
 * // "region,F,M\nnorth,12,\nsouth,15,20\n"
 */
import { csvRow } from '../../lib/csv-field.js';
import type { CellTable } from './cell-table.js';

export function publishableCsv(t: CellTable, values: readonly (number | null)[]): string {
  const nCols = t.cols.keys.length;
  const header = t.cols.vars.length ? t.cols.keys.map((k) => k.filter((x) => x !== '').join(' / ')) : [t.measure ?? t.statistic];
  const lines = [csvRow([...t.rows.vars, ...header])];
  t.rows.keys.forEach((key, r) => {
    const row = values.slice(r * nCols, (r + 1) * nCols).map((v) => (v === null || Number.isNaN(v) ? null : v));
    lines.push(csvRow([...(t.rows.vars.length ? key : []), ...row]));
  });
  return `${lines.join('\n')}\n`;
}
