/**
 * Builds a `CellTable` from pre-aggregated cells and their evidence. The first label
 * variable becomes the row axis, the others the column axis; the cells must cover every
 * combination of the categories they use (a combination never observed is sent with count
 * 0), so secondary suppression sees the whole grid. A label `All` marks a margin.
 *
 * @example
 * tableFromCells({ statistic: 'frequency', cells: [{ labels: { sex: 'F' }, count: 12 }] }, 2, '/outputs/0');
 */
import type { TableStatistic } from '../../domain.js';
import { AirlockError } from '../../errors.js';
import type { Axis, CellTable } from './cell-table.js';
import { MARGIN_LABEL } from './cell-table.js';

export interface CellInput {
  labels: Record<string, string>;
  count: number;
  /** The published value; defaults to count (frequency/count) or sum (sum) or sum/count (mean). */
  value?: number | null;
  sum?: number;
  /** Σ|x|, needed for dominance when some contribution is negative. */
  sum_abs?: number;
  /** Largest absolute contributions, descending. */
  top?: number[];
  negative?: boolean;
  missing?: number;
}

export interface CellsTableInput {
  statistic: TableStatistic;
  cells: CellInput[];
  /** The measure's name (differencing of values matches it across outputs). */
  measure?: string;
}

function axisOf(vars: string[], keys: Map<string, string[]>): Axis {
  const list = [...keys.values()];
  const margin = list.findIndex((k) => k.length > 0 && k[0] === MARGIN_LABEL);
  return { vars, keys: list, margin };
}

/** Parses and checks pre-aggregated cells; throws `CELLS_INVALID` with a pointer. */
export function tableFromCells(input: CellsTableInput, topK: number, pointer: string): CellTable {
  const bad = (i: number, message: string): never => {
    throw new AirlockError('CELLS_INVALID', `cell ${i}: ${message}`, [{ pointer: `${pointer}/cells/${i}`, message }]);
  };
  const { cells, statistic } = input;
  if (cells.length === 0) throw new AirlockError('CELLS_INVALID', 'a table needs at least one cell', [{ pointer: `${pointer}/cells`, message: 'empty' }]);
  const vars = Object.keys(cells[0].labels);
  if (vars.length === 0) bad(0, 'a cell needs at least one label');
  const rowVars = vars.slice(0, 1);
  const colVars = vars.slice(1);
  const rowKeys = new Map<string, string[]>();
  const colKeys = new Map<string, string[]>();
  const keyOf = (labels: string[]) => JSON.stringify(labels);
  cells.forEach((cell, i) => {
    const names = Object.keys(cell.labels);
    if (names.length !== vars.length || !vars.every((v) => v in cell.labels)) bad(i, `labels must name exactly the variables ${vars.join(', ')}`);
    const r = rowVars.map((v) => cell.labels[v]);
    const c = colVars.map((v) => cell.labels[v]);
    if (!rowKeys.has(keyOf(r))) rowKeys.set(keyOf(r), r);
    if (!colKeys.has(keyOf(c))) colKeys.set(keyOf(c), c);
  });
  const rows = axisOf(rowVars, rowKeys);
  const cols = axisOf(colVars, colKeys);
  const rowIndex = new Map([...rowKeys.keys()].map((k, i) => [k, i]));
  const colIndex = new Map([...colKeys.keys()].map((k, i) => [k, i]));
  const nC = cols.keys.length;
  const nCells = rows.keys.length * nC;

  const t: CellTable = {
    statistic,
    measure: statistic === 'frequency' ? null : (input.measure ?? 'value'),
    // An unnamed measure matches no other output's (differencing compares values of one measure only).
    ...(statistic !== 'frequency' && input.measure === undefined ? { anonymousMeasure: true } : {}),
    rows,
    cols,
    count: new Float64Array(nCells),
    records: new Float64Array(nCells),
    value: new Float64Array(nCells).fill(NaN),
    missing: new Float64Array(nCells),
    negative: new Uint8Array(nCells),
    sumAbs: new Float64Array(nCells),
    top: new Float64Array(nCells * topK),
    topK,
    evidence: new Uint8Array(nCells),
  };
  const filled = new Uint8Array(nCells);
  cells.forEach((cell, i) => {
    const idx = rowIndex.get(keyOf(rowVars.map((v) => cell.labels[v])))! * nC + colIndex.get(keyOf(colVars.map((v) => cell.labels[v])))!;
    if (filled[idx]) bad(i, 'two cells have the same labels');
    filled[idx] = 1;
    if (!Number.isInteger(cell.count) || cell.count < 0) bad(i, 'count must be a non-negative integer');
    const missing = cell.missing ?? 0;
    if (!Number.isInteger(missing) || missing < 0) bad(i, 'missing must be a non-negative integer');
    t.count[idx] = cell.count;
    t.records[idx] = cell.count + missing;
    t.missing[idx] = missing;
    t.negative[idx] = cell.negative ? 1 : 0;
    const top = cell.top ?? null;
    if (top) {
      if (top.length > cell.count) bad(i, 'more top contributions than contributors');
      for (let j = 0; j < top.length; j++) {
        if (!(top[j] >= 0)) bad(i, 'top contributions are absolute values (≥ 0)');
        if (j > 0 && top[j] > top[j - 1]) bad(i, 'top contributions must be in descending order');
        if (j < topK) t.top[idx * topK + j] = top[j];
      }
    }
    const total = cell.sum_abs ?? (cell.negative ? undefined : cell.sum);
    if (total !== undefined && top && top.reduce((a, b) => a + b, 0) > total * (1 + 1e-12) + 1e-12) bad(i, 'top contributions exceed the cell total');
    // Evidence is complete when every contribution that could matter is known: the top
    // `topK` (or all of them) and the absolute total.
    const enough = top !== null && top.length >= Math.min(cell.count, topK);
    if (enough && total !== undefined) {
      t.evidence[idx] = 1;
      t.sumAbs[idx] = total;
    } else if (statistic === 'frequency' || statistic === 'count') {
      t.evidence[idx] = 1;
    }
    t.value[idx] = cell.value !== undefined ? (cell.value ?? NaN) : defaultValue(statistic, cell);
  });
  const gap = filled.indexOf(0);
  if (gap >= 0) {
    const r = Math.floor(gap / nC);
    const labels = [...rows.keys[r], ...cols.keys[gap - r * nC]];
    throw new AirlockError('CELLS_INVALID', `no cell for (${labels.join(', ')}); send every combination, with count 0 where empty`, [
      { pointer: `${pointer}/cells`, message: 'incomplete grid' },
    ]);
  }
  return t;
}

function defaultValue(s: TableStatistic, cell: CellInput): number {
  if (s === 'frequency' || s === 'count') return cell.count;
  if (s === 'sum') return cell.sum ?? NaN;
  if (s === 'mean') return cell.sum !== undefined && cell.count > 0 ? cell.sum / cell.count : NaN;
  return NaN;
}
