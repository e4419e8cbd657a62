/**
 * Tiny inline tables for tests: rows as objects, built through the real readers and builder,
 * so check tests exercise the same path as the service.
 *
 * @example const t = tinyTable([{ r: 'a', c: 'x', v: 5 }], { index: 'r', columns: 'c', values: 'v', aggfunc: 'sum' });
 */
import type { CellTable } from '../../src/outputs/table/cell-table.js';
import { cellCount, cellLabels } from '../../src/outputs/table/cell-table.js';
import { buildTable } from '../../src/outputs/table/build-table.js';
import { readJsonRows } from '../../src/outputs/table/json-rows-reader.js';
import type { TableSpecInput } from '../../src/outputs/table/table-spec.js';
import { columnRequest, normaliseSpec } from '../../src/outputs/table/table-spec.js';
import type { Parameters } from '../../src/rules/parameters.js';
import { DEFAULT_PARAMETERS } from '../../src/rules/parameters.js';

export function tinyTable(rows: Record<string, string | number | null>[], spec: TableSpecInput, topK = 2): CellTable {
  const s = normaliseSpec(spec, '/spec');
  const data = readJsonRows(rows, columnRequest(s));
  return buildTable(data, s, { topK, maxCells: 10_000 });
}

/** `n` identical rows. */
export function repeat<T>(n: number, row: T): T[] {
  return Array.from({ length: n }, () => ({ ...row }));
}

/** Parameters with overrides. */
export function params(over: Partial<Parameters> = {}): Parameters {
  return { ...DEFAULT_PARAMETERS, ...over };
}

export const ctx = { output: 't', project: 'p', dataset: null };

/** Labels of a table's cells as "a|x" strings, to find a cell by its labels in assertions. */
export function cellByLabels(t: CellTable, labels: string): number {
  const n = cellCount(t);
  for (let c = 0; c < n; c++) if (Object.values(cellLabels(t, c)).join('|') === labels) return c;
  throw new Error(`no cell ${labels}`);
}
