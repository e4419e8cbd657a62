/**
 * The `table` output kind: microdata + spec (the service computes the table) or
 * pre-aggregated cells with their evidence. Both become a `CellTable`; the decision carries
 * the computed table (its protected version, when cells fail, is `remedies/table-remedy.ts`'s).
 *
 * @example
 * const t = tableKind.parse({ name: 't1', kind: 'table', microdata: { format: 'csv', data: 'r,c\na,x\n' }, spec: { index: ['r'], columns: ['c'] } }, ctx);
 */
import type { TableStatistic } from '../../domain.js';
import { AirlockError } from '../../errors.js';
import { outOfRange } from '../../lib/invariant.js';
import type { Parameters } from '../../rules/parameters.js';
import type { OutputKindModule, ParseContext, RawOutput } from '../output-kind.js';
import type { CellTable } from './cell-table.js';
import type { PublishedCell, PublishedTable } from '../../lib/published-table.js';
import { cellCount, cellLabels, cellValue } from './cell-table.js';
import { populationTotal } from './published-table.js';
import type { Columnar, ColumnRequest } from './columnar.js';
import { readCsv } from './csv-reader.js';
import { readJsonRows } from './json-rows-reader.js';
import { buildTable } from './build-table.js';
import { assertFiniteTable } from './finite-table.js';
import type { CellsTableInput } from './table-from-cells.js';
import { tableFromCells } from './table-from-cells.js';
import type { TableSpecInput } from './table-spec.js';
import { columnRequest, normaliseSpec } from './table-spec.js';
import { tableEvidence, type TableEvidence } from './table-evidence.js';

/** Microdata as submitted: CSV text, JSON rows, or an already parsed columnar body. */
export interface MicrodataInput {
  format: 'csv' | 'json';
  data: string | unknown[];
}

/** How many largest contributions each cell keeps: enough for the NK rule and for p%. */
export function topKFor(params: Parameters): number {
  return Math.max(params.nk_n, 2);
}

/**
 * Reads microdata into columns, only those the request names.
 *
 * @example readMicrodata({ format: 'csv', data: 'a,b\n1,2\n' }, { categories: ['a'], numbers: [] }, ctx)
 */
export function readMicrodata(m: MicrodataInput | Columnar, request: ColumnRequest, ctx: ParseContext): Columnar {
  if ('columns' in m && m.columns instanceof Map) return m;
  const input = m as MicrodataInput;
  const pointer = `${ctx.pointer}/microdata/data`;
  try {
    if (input.format === 'csv') {
      if (typeof input.data !== 'string') throw new AirlockError('MICRODATA_INVALID', 'CSV microdata must be a string');
      return readCsv(input.data, request, { maxRows: ctx.limits.maxRows });
    }
    if (!Array.isArray(input.data)) throw new AirlockError('MICRODATA_INVALID', 'JSON microdata must be an array of row objects');
    if (input.data.length > ctx.limits.maxRows) throw new AirlockError('BODY_TOO_LARGE', `more than ${ctx.limits.maxRows} rows`);
    return readJsonRows(input.data, request);
  } catch (e) {
    if (e instanceof AirlockError) {
      // Point details at the output in the request; the readers only know relative places.
      throw new AirlockError(e.code, e.message, (e.details.length ? e.details : [{ message: e.message }]).map((d) => ({ ...d, pointer: pointer + (d.pointer ?? '') })), { cause: e });
    }
    throw e;
  }
}

interface TableOutput extends RawOutput {
  microdata?: MicrodataInput | Columnar;
  spec?: TableSpecInput;
  statistic?: TableStatistic;
  measure?: string;
  unit?: string;
  index?: string[];
  columns?: string[];
  cells?: CellsTableInput['cells'];
}

function parseTable(raw: RawOutput, ctx: ParseContext): CellTable {
  const out = raw as TableOutput;
  const topK = topKFor(ctx.params);
  if (out.cells !== undefined) {
    if (out.microdata !== undefined || out.spec !== undefined) {
      throw new AirlockError('SPEC_INVALID', 'a table has either microdata + spec or cells, not both', [{ pointer: ctx.pointer, message: 'both given' }]);
    }
    const input: CellsTableInput = { statistic: out.statistic ?? 'frequency', measure: out.measure ?? null, unit: out.unit ?? null, cells: out.cells };
    if (out.index !== undefined) input.index = out.index;
    if (out.columns !== undefined) input.columns = out.columns;
    const t = tableFromCells(input, topK, ctx.pointer);
    if (ctx.protection) {
      // Only airlock's own verified token makes the suppressed cells' evidence usable by the audit.
      t.protection = ctx.protection;
      t.evidenceTrusted = ctx.protection.trusted;
    }
    if (cellCount(t) > ctx.limits.maxCells) throw new AirlockError('TABLE_TOO_LARGE', `the table has ${cellCount(t)} cells; the limit is ${ctx.limits.maxCells}`);
    assertFiniteTable(t, ctx.pointer, { computed: false });
    return t;
  }
  if (out.microdata === undefined || out.spec === undefined) {
    throw new AirlockError('SPEC_INVALID', 'a table needs microdata and a spec, or cells', [{ pointer: ctx.pointer, message: 'missing microdata/spec or cells' }]);
  }
  const spec = normaliseSpec(out.spec, `${ctx.pointer}/spec`);
  const data = readMicrodata(out.microdata, columnRequest(spec), ctx);
  const t = buildTable(data, spec, { topK, maxCells: ctx.limits.maxCells, pointer: ctx.pointer });
  assertFiniteTable(t, ctx.pointer, { computed: true });
  return t;
}

/** A cell as the computed table shows it: published, or suppressed (nothing but its labels). */
export type ShownCell = (PublishedCell & { suppressed?: never }) | { labels: Record<string, string>; value: null; count: null; suppressed: true };

/** The computed table a decision shows (the contract's `ComputedTable`). */
export interface TableJson {
  statistic: TableStatistic;
  index: string[];
  columns: string[];
  measure: string | null;
  unit?: string;
  cells: ShownCell[];
}

const tableJsonCache = new WeakMap<CellTable, TableJson>();

/**
 * The computed table as JSON: every cell with its labels, value and count. Built once per
 * table: the decision presents it and the audit store keeps its cells when it is released.
 */
export function tableJson(t: CellTable): TableJson {
  const cached = tableJsonCache.get(t);
  if (cached) return cached;
  const json = buildTableJson(t);
  tableJsonCache.set(t, json);
  return json;
}

function buildTableJson(t: CellTable): TableJson {
  const n = cellCount(t);
  const cells = new Array<ShownCell>(n);
  for (let c = 0; c < n; c++) {
    // A suppressed cell is shown as suppressed: its value and evidence are never published.
    cells[c] = t.suppressed[c] ? { labels: cellLabels(t, c), value: null, count: null, suppressed: true } : { labels: cellLabels(t, c), value: cellValue(t, c), count: t.count[c] ?? outOfRange() };
  }
  const json: TableJson = { statistic: t.statistic, index: t.rows.vars, columns: t.cols.vars, measure: t.measure, cells };
  if (t.unit !== null) json.unit = t.unit;
  return json;
}

export const tableKind: OutputKindModule<CellTable, PublishedTable, TableEvidence> = {
  kind: 'table',
  parse: parseTable,
  present: (t) => ({ table: tableJson(t) }),
  evidence: tableEvidence,
  releasable(t) {
    // Suppressed cells are not published, so an attacker has only the others: differencing
    // compares what was released, and a suppressed cell's evidence is never stored.
    const cells = tableJson(t).cells.filter((c): c is PublishedCell => !c.suppressed);
    const dims = [...t.rows.vars, ...t.cols.vars].sort();
    // The population total is stored with the table, so later totals of the dataset compare without reading its cells.
    return { dims, statistic: t.statistic, measure: t.measure, cells, total: populationTotal({ dims, cells }) };
  },
};
