/**
 * The table as a researcher would publish it: row variables down the side, one column per
 * column category (multi-variable keys joined with " / "), values in the cells and suppressed
 * or empty cells blank. Arquero does the shaping (a long columnar table pivoted wide), built
 * straight from the cell arrays without per-row objects; the text is written by `csvRow`, so
 * a label or variable name a spreadsheet would run as a formula (`=1+2`, `@SUM(A1)`) is
 * written as quoted text with a leading `'`.
 *
 * @example
 * publishableCsv(t, [12, null, 15, 20]);
 * // "region,F,M\nnorth,12,\nsouth,15,20\n"
 */
import * as aq from 'arquero';
import { csvRow } from '../../lib/csv-field.js';
import type { CellTable } from './cell-table.js';
import { cellCount } from './cell-table.js';

/** Name of the column that carries the column key while pivoting (never a data variable). */
const KEY = '\u0000column';
const VALUE = '\u0000value';

export function publishableCsv(t: CellTable, values: readonly (number | null)[]): string {
  const n = cellCount(t);
  const nCols = t.cols.keys.length;
  const columns: Record<string, unknown[]> = {};
  t.rows.vars.forEach((v, i) => (columns[v] = Array.from({ length: n }, (_, c) => t.rows.keys[Math.floor(c / nCols)][i])));
  columns[KEY] = Array.from({ length: n }, (_, c) => (t.cols.vars.length ? t.cols.keys[c % nCols].filter((x) => x !== '').join(' / ') : t.measure ?? t.statistic));
  columns[VALUE] = values.map((v) => (v === null || Number.isNaN(v) ? null : v));
  const long = aq.table(columns);
  const wide = t.rows.vars.length ? long.groupby(t.rows.vars).pivot(KEY, VALUE, { sort: false }) : long.pivot(KEY, VALUE, { sort: false });
  const names = wide.columnNames();
  const cols = names.map((name) => wide.array(name) as ArrayLike<string | number | null>);
  const lines = [csvRow(names)];
  for (let r = 0; r < wide.numRows(); r++) lines.push(csvRow(cols.map((col) => col[r])));
  return `${lines.join('\n')}\n`;
}
