/**
 * How many microdata rows (records) stand behind a parsed output, for the `airlock.table.rows`
 * metric and the `airlock.output.rows` span attribute. A size, never a value.
 *
 * @example outputRows({ kind: 'table', parsed: parsedTable }) // 58
 */
import type { ParsedOutput } from '../outputs/index.js';

/** Records in the table's inner cells (margins would count them twice); null for other kinds. */
export function outputRows(o: ParsedOutput): number | null {
  if (o.kind !== 'table') return null;
  const t = o.parsed;
  const nCols = t.cols.keys.length;
  let rows = 0;
  for (let r = 0; r < t.rows.keys.length; r++) {
    if (r === t.rows.margin) continue;
    for (let c = 0; c < nCols; c++) if (c !== t.cols.margin) rows += t.records[r * nCols + c] ?? 0;
  }
  return rows;
}
