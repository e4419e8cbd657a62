/**
 * `Columnar` microdata as plain arrays, so reader tests compare whole results with one
 * `toEqual`: category columns as labels (`null` = missing), number columns as numbers
 * (`NaN` = missing).
 *
 * @example plainColumns(readCsv('a\nx\n', { categories: ['a'], numbers: [] })); // { nRows: 1, a: ['x'] }
 */
import type { Columnar } from '../../src/outputs/table/columnar.js';

export interface PlainColumns {
  nRows: number;
  [name: string]: unknown;
}

/** See the module doc. */
export function plainColumns(c: Columnar): PlainColumns {
  const out: PlainColumns = { nRows: c.nRows };
  for (const [name, col] of c.columns) {
    out[name] = col.type === 'category' ? [...col.codes].map((k) => (k < 0 ? null : col.dict[k])) : [...col.values];
  }
  return out;
}
