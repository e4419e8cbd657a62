/**
 * Builds a `CellTable` from pre-aggregated cells and their evidence. The first label
 * variable becomes the row axis, the others the column axis; the cells must cover every
 * combination of the categories they use (a combination never observed is sent with count
 * 0), so secondary suppression sees the whole grid. A label `All` marks a margin. Variable
 * names and labels are compared after `normalise()` (`Region`/`region`, `North`/`north `
 * are one), and a margin is labelled exactly `All` whatever its spelling.
 *
 * Evidence is checked, never trusted (sdc-rules.md principle 2): a published value must agree
 * with its evidence (frequency: value = count; sum: value = sum; mean: value = sum ÷ count,
 * relative tolerance 1e-9), the evidence with itself (largest contributions, Σ|x|, min, max,
 * distinct, the negative flag), and every margin with the cells it covers
 * (`check-margins.ts`). Disagreement is `CELLS_INVALID`, naming the cell, its JSON pointer
 * and both numbers. A suppressed cell (`suppressed: true`) has no value; its evidence, when
 * sent, is still checked for consistency (it can make the input bad, never a check pass). A
 * declared structural zero (`structural_zero: true`) must be 0.
 *
 * @example
 * tableFromCells({ statistic: 'frequency', cells: [{ labels: { sex: 'F' }, count: 12 }] }, 2, '/outputs/0');
 */
import type { TableStatistic } from '../../domain.js';
import { AirlockError } from '../../errors.js';
import { compareValues, sameValue } from '../../lib/compare-ratio.js';
import { at, got, outOfRange } from '../../lib/invariant.js';
import { normalise } from '../../lib/normalise.js';
import type { ApiSchemas } from '../../api/openapi.js';
import type { TableCellProblem } from './check-margins.js';
import { checkMargins } from './check-margins.js';
import type { Axis, CellTable } from './cell-table.js';
import { MARGIN_LABEL } from './cell-table.js';
import { measureValuesFromEvidence } from './measure-values-from-evidence.js';

/** One pre-aggregated cell with its evidence, exactly as the contract (openapi.yaml `CellInput`) defines it. */
export type CellInput = ApiSchemas['CellInput'];

export interface CellsTableInput {
  statistic: TableStatistic;
  /**
   * The row variables (outermost first) and the column variables; default: the first label
   * variable is the row, the rest the columns. A table with margins on an axis of two
   * variables needs them named, so its cells form a full grid.
   */
  index?: string[];
  columns?: string[];
  /** The measure's name (differencing of values matches it across outputs; unnamed: matches none). */
  measure?: string | null;
  /** What the counts count, when they are distinct units (a margin may then be less than its cells' total). */
  unit?: string | null;
  cells: CellInput[];
}

/** Throws `CELLS_INVALID` for input cell `i`, naming it by its labels and pointer. */
export type CellProblem = (i: number, message: string) => never;

function axisOf(vars: string[], keys: Map<string, string[]>): Axis {
  const list = [...keys.values()];
  const margin = list.findIndex((k) => k.length > 0 && k[0] === MARGIN_LABEL);
  return { vars, keys: list, margin };
}

const isMarginLabel = (label: string): boolean => normalise(label) === 'all';

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * The variables of the table, from the first cell: normalised name → the name as first
 * written. Throws when one cell names a variable twice (`Sex` and `sex`).
 */
function variablesOf(cells: readonly CellInput[], bad: CellProblem): Map<string, string> {
  const vars = new Map<string, string>();
  const first = cells[0];
  // The caller refused an empty list; a first cell without labels is the client's to fix, not a crash.
  if (first === undefined || !hasLabels(first)) bad(0, 'a cell needs labels');
  for (const name of Object.keys(first.labels)) {
    const key = normalise(name);
    if (vars.has(key)) bad(0, `labels name the variable "${name}" twice`);
    vars.set(key, name);
  }
  if (vars.size === 0) bad(0, 'a cell needs at least one label');
  return vars;
}

/**
 * The variables in axis order: `index` then `columns` when the input names them (every label
 * variable exactly once), else as the first cell lists them.
 */
function orderedVariables(vars: Map<string, string>, input: CellsTableInput, pointer: string): Map<string, string> {
  if (input.index === undefined && input.columns === undefined) return vars;
  const index = input.index ?? [];
  const columns = input.columns ?? [];
  const bad = (message: string): never => {
    throw new AirlockError('CELLS_INVALID', message, [{ pointer: `${pointer}/${input.index === undefined ? 'columns' : 'index'}`, message }]);
  };
  if (index.length === 0) bad('`index` names at least one row variable');
  const out = new Map<string, string>();
  for (const name of [...index, ...columns]) {
    const key = normalise(name);
    if (!vars.has(key)) bad(`"${name}" is not a label variable of the cells`);
    if (out.has(key)) bad(`"${name}" is named twice in index and columns`);
    out.set(key, got(vars, key));
  }
  if (out.size !== vars.size) bad(`index and columns must name every label variable: ${[...vars.values()].join(', ')}`);
  return out;
}

/** A cell's labels in variable order (normalised names), with margins spelt exactly `All`. */
function labelsInOrder(cell: CellInput, vars: Map<string, string>, i: number, bad: CellProblem): string[] {
  const byVar = new Map<string, string>();
  for (const [name, label] of Object.entries(cell.labels)) {
    const key = normalise(name);
    if (!vars.has(key) || byVar.has(key)) bad(i, `labels must name exactly the variables ${[...vars.values()].join(', ')}`);
    if (typeof label !== 'string') bad(i, `the label of "${name}" must be a string`);
    byVar.set(key, isMarginLabel(label) ? MARGIN_LABEL : label);
  }
  if (byVar.size !== vars.size) bad(i, `labels must name exactly the variables ${[...vars.values()].join(', ')}`);
  return [...vars.keys()].map((v) => got(byVar, v));
}

/**
 * Whether a cell has a labels object. The request schema says so already, but a caller that
 * skipped it (the CLI, a test, a replay) must still be refused rather than crash: read as unknown.
 */
function hasLabels(cell: unknown): boolean {
  const labels: unknown = typeof cell === 'object' && cell !== null ? (cell as { labels?: unknown }).labels : undefined;
  return typeof labels === 'object' && labels !== null;
}

/** Parses and checks pre-aggregated cells; throws `CELLS_INVALID` with a pointer. */
export function tableFromCells(input: CellsTableInput, topK: number, pointer: string): CellTable {
  const { cells, statistic } = input;
  const problem: CellProblem = (i, message) => {
    const labels = cells[i] && typeof cells[i].labels === 'object' ? ` ${JSON.stringify(cells[i].labels)}` : '';
    throw new AirlockError('CELLS_INVALID', `cell ${i}${labels}: ${message}`, [{ pointer: `${pointer}/cells/${i}`, message }]);
  };
  if (cells.length === 0) throw new AirlockError('CELLS_INVALID', 'a table needs at least one cell', [{ pointer: `${pointer}/cells`, message: 'empty' }]);
  if (statistic === 'frequency' && input.measure) {
    throw new AirlockError('CELLS_INVALID', 'a frequency table has no measure', [{ pointer: `${pointer}/measure`, message: 'frequency tables count records' }]);
  }
  const vars = orderedVariables(variablesOf(cells, problem), input, pointer);
  const names = [...vars.values()];
  const nRowVars = input.index?.length ?? 1;
  const rowVars = names.slice(0, nRowVars);
  const colVars = names.slice(nRowVars);
  const rowKeys = new Map<string, string[]>();
  const colKeys = new Map<string, string[]>();
  // Keys are normalised, so two spellings of one category are one row; the first spelling is shown.
  const keyOf = (labels: string[]) => JSON.stringify(labels.map((l) => normalise(l)));
  const ordered = cells.map((cell, i) => {
    if (!hasLabels(cell)) problem(i, 'a cell needs labels');
    const labels = labelsInOrder(cell, vars, i, problem);
    const r = labels.slice(0, nRowVars);
    const c = labels.slice(nRowVars);
    if (!rowKeys.has(keyOf(r))) rowKeys.set(keyOf(r), r);
    if (!colKeys.has(keyOf(c))) colKeys.set(keyOf(c), c);
    return labels;
  });
  const rows = axisOf(rowVars, rowKeys);
  const cols = axisOf(colVars, colKeys);
  const rowIndex = new Map([...rowKeys.keys()].map((k, i) => [k, i]));
  const colIndex = new Map([...colKeys.keys()].map((k, i) => [k, i]));
  const nC = cols.keys.length;
  const nCells = rows.keys.length * nC;

  const t: CellTable = {
    statistic,
    source: 'cells',
    measure: statistic === 'frequency' ? null : (input.measure ?? 'value'),
    // An unnamed measure matches no other output's (differencing compares values of one measure only).
    ...(statistic !== 'frequency' && (input.measure === undefined || input.measure === null) ? { anonymousMeasure: true } : {}),
    unit: input.unit ?? null,
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
    min: new Float64Array(nCells).fill(NaN),
    max: new Float64Array(nCells).fill(NaN),
    distinct: new Float64Array(nCells).fill(NaN),
    measureValues: { values: 'unknown' },
    suppressed: new Uint8Array(nCells),
    declaredZero: new Uint8Array(nCells),
    evidenceTrusted: false,
    units: null,
  };
  // Per table cell: its input cell, and its sum (given, or implied by its value) for the margin and indicator checks.
  const source = new Int32Array(nCells).fill(-1);
  const sums = new Float64Array(nCells).fill(NaN);
  cells.forEach((cell, i) => {
    const labels = at(ordered, i);
    const idx = got(rowIndex, keyOf(labels.slice(0, nRowVars))) * nC + got(colIndex, keyOf(labels.slice(nRowVars)));
    const before = source[idx] ?? outOfRange();
    if (before >= 0) problem(i, `two cells have the same labels (cells ${before} and ${i})`);
    source[idx] = i;
    sums[idx] = readCell(t, idx, cell, (message) => problem(i, message));
  });
  const gap = source.indexOf(-1);
  if (gap >= 0) {
    const r = Math.floor(gap / nC);
    const labels = [...at(rows.keys, r), ...at(cols.keys, gap - r * nC)];
    throw new AirlockError('CELLS_INVALID', `no cell for (${labels.join(', ')}); send every combination, with count 0 where empty`, [
      { pointer: `${pointer}/cells`, message: 'incomplete grid' },
    ]);
  }
  // Every table cell has its input cell now (the gap check above).
  const problemAt: TableCellProblem = (cell, message) => problem(source[cell] ?? outOfRange(), message);
  checkMargins(t, sums, problemAt);
  t.measureValues = measureValuesFromEvidence(t, sums, problemAt);
  return t;
}

/**
 * Reads one cell into table cell `idx`, checking its value against its evidence and the
 * evidence against itself. Returns the cell's sum (given, or implied by its value; NaN
 * when unknown).
 */
function readCell(t: CellTable, idx: number, cell: CellInput, bad: (message: string) => never): number {
  const { statistic, topK } = t;
  const suppressed = cell.suppressed === true;
  for (const k of ['value', 'sum', 'sum_abs', 'min', 'max'] as const) {
    const v = cell[k];
    if (v !== undefined && v !== null && !finite(v)) bad(`${k} must be a finite number`);
  }
  const count = cell.count;
  if (count === undefined) {
    if (!suppressed) bad('count is required (only a suppressed cell may leave it out)');
  } else if (!Number.isInteger(count) || count < 0) bad('count must be a non-negative integer');
  const n = count ?? NaN;
  const missing = cell.missing ?? 0;
  if (!Number.isInteger(missing) || missing < 0) bad('missing must be a non-negative integer');
  t.count[idx] = n;
  t.records[idx] = n + missing;
  t.missing[idx] = missing;
  const negative = cell.negative === true;
  t.negative[idx] = negative ? 1 : 0;

  if (suppressed) {
    if (cell.value !== undefined && cell.value !== null) bad(`a suppressed cell has no value (got ${cell.value})`);
    if (cell.structural_zero) bad('a structural zero is not suppressed: its value is known to be 0');
    t.suppressed[idx] = 1;
  }
  const sum = cellSum(statistic, cell, n, bad);
  if (!suppressed) t.value[idx] = publishedValue(statistic, cell, n, sum, bad);
  if (cell.structural_zero) {
    if (n !== 0 || missing !== 0) bad(`the cell is declared a structural zero but has ${n + missing} records`);
    t.declaredZero[idx] = 1;
  }

  const top = cell.top ?? null;
  if (top) {
    if (!Array.isArray(top)) bad('top must be an array');
    if (top.length > n) bad(`more top contributions (${top.length}) than contributors (${n})`);
    let previous = Infinity;
    let j = 0;
    // for…of, not forEach: a hole in a sparse array (a caller that skipped the schema) is read
    // as undefined and refused, not skipped.
    for (const a of top) {
      if (!finite(a) || a < 0) bad('top contributions are absolute values (≥ 0)');
      if (a > previous) bad('top contributions must be in descending order');
      previous = a;
      if (j < topK) t.top[idx * topK + j] = a;
      j++;
    }
  }
  if (cell.sum_abs !== undefined) {
    if (cell.sum_abs < 0) bad(`sum_abs ${cell.sum_abs} is negative`);
    if (!Number.isNaN(sum) && compareValues(Math.abs(sum), cell.sum_abs) > 0) bad(`sum_abs ${cell.sum_abs} is less than |sum| ${Math.abs(sum)}`);
    if (!negative && !Number.isNaN(sum) && !sameValue(cell.sum_abs, sum)) {
      bad(`sum_abs ${cell.sum_abs} differs from sum ${sum} although no contribution is negative`);
    }
  }
  if (!negative && sum < 0) bad(`sum ${sum} is negative although no contribution is declared negative`);
  const total = cell.sum_abs ?? (negative || Number.isNaN(sum) ? undefined : sum);
  if (total !== undefined && top && compareValues(top.reduce((a, b) => a + b, 0), total) > 0) bad(`the top contributions add up to more than the cell total ${total}`);
  // Evidence is complete when every contribution that could matter is known: the top
  // `topK` (or all of them) and the absolute total.
  const enough = top !== null && top.length >= Math.min(n, topK);
  if (enough && total !== undefined) {
    t.evidence[idx] = 1;
    t.sumAbs[idx] = total;
  } else if (statistic === 'frequency' || statistic === 'count') {
    t.evidence[idx] = 1;
  }
  readRange(t, idx, cell, { n, sum, negative, top }, bad);
  return sum;
}

/** The cell's sum: given, or implied by a sum cell's value or a mean cell's value × count. */
function cellSum(statistic: TableStatistic, cell: CellInput, n: number, bad: (message: string) => never): number {
  if (cell.sum !== undefined) {
    if (n === 0 && cell.sum !== 0) bad(`sum ${cell.sum} but the cell has no contributors`);
    return cell.sum;
  }
  const v = cell.value;
  if (v === undefined || v === null) return n === 0 ? 0 : NaN;
  if (statistic === 'sum') return v;
  if (statistic === 'mean' && n > 0) return v * n;
  return NaN;
}

/** The published value of a cell, checked against its evidence (relative tolerance 1e-9). */
function publishedValue(statistic: TableStatistic, cell: CellInput, n: number, sum: number, bad: (message: string) => never): number {
  const v = cell.value;
  const given = v !== undefined && v !== null;
  switch (statistic) {
    case 'frequency':
    case 'count':
      if (given && v !== n) bad(`value ${v} does not match its count ${n}`);
      if (v === null && n !== 0) bad(`value is null but the count is ${n}`);
      return n;
    case 'sum':
      if (given && cell.sum !== undefined && !sameValue(v, cell.sum)) bad(`value ${v} does not match its sum ${cell.sum}`);
      if (v === null && n !== 0) bad(`value is null but the cell has ${n} contributors`);
      return given ? v : n === 0 && cell.sum === undefined ? NaN : sum;
    case 'mean':
      if (n === 0) {
        if (given) bad(`value ${v} but the cell has no contributors (a mean of nothing is null)`);
        return NaN;
      }
      if (given && cell.sum !== undefined && !sameValue(v, cell.sum / n)) {
        bad(`value ${v} does not match its sum ÷ count = ${cell.sum} ÷ ${n} = ${cell.sum / n}`);
      }
      return given ? v : Number.isNaN(sum) ? NaN : sum / n;
    default:
      if (n === 0 && given) bad(`value ${v} but the cell has no contributors`);
      if (statistic === 'std' && given && v < 0) bad(`a standard deviation cannot be negative (${v})`);
      if (statistic === 'min' && given && cell.min !== undefined && !sameValue(v, cell.min)) bad(`value ${v} does not match its min ${cell.min}`);
      if (statistic === 'max' && given && cell.max !== undefined && !sameValue(v, cell.max)) bad(`value ${v} does not match its max ${cell.max}`);
      if (statistic === 'median' && given && ((cell.min !== undefined && compareValues(v, cell.min) < 0) || (cell.max !== undefined && compareValues(v, cell.max) > 0))) {
        bad(`median ${v} lies outside its min ${cell.min} and max ${cell.max}`);
      }
      return given ? v : NaN;
  }
}

/** `min`, `max` and `distinct` evidence: consistent with each other, the count, the sum, the signs and the largest contribution. */
function readRange(t: CellTable, idx: number, cell: CellInput, known: { n: number; sum: number; negative: boolean; top: number[] | null }, bad: (message: string) => never): void {
  const { n, sum, negative, top } = known;
  const { min, max, distinct } = cell;
  if (distinct !== undefined) {
    if (!Number.isInteger(distinct) || distinct < 0) bad('distinct must be a non-negative integer');
    if (n === 0 && distinct !== 0) bad(`distinct ${distinct} but the cell has no contributors`);
    if (n > 0 && (distinct < 1 || distinct > n)) bad(`distinct ${distinct} must lie between 1 and the count ${n}`);
    t.distinct[idx] = distinct;
  }
  if (min === undefined && max === undefined) return;
  if (n === 0) bad('min/max but the cell has no contributors');
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (lo > hi) bad(`min ${min} is greater than max ${max}`);
  if (!negative && lo < 0) bad(`min ${min} is negative although no contribution is declared negative`);
  if (negative && min !== undefined && min >= 0) bad(`the cell declares a negative contribution but its min is ${min}`);
  if (min !== undefined && max !== undefined) {
    const same = sameValue(min, max);
    if (n === 1 && !same) bad(`one contributor, but min ${min} differs from max ${max}`);
    if (distinct === 1 && !same) bad(`distinct 1, but min ${min} differs from max ${max}`);
    if (distinct !== undefined && distinct >= 2 && same) bad(`distinct ${distinct}, but min and max are both ${min}`);
    const largest = top?.[0];
    if (largest !== undefined && !sameValue(largest, Math.max(Math.abs(min), Math.abs(max)))) {
      bad(`the largest contribution ${largest} is neither |min| ${Math.abs(min)} nor |max| ${Math.abs(max)}`);
    }
  }
  if (!Number.isNaN(sum) && n > 0) {
    if (min !== undefined && compareValues(sum, n * min) < 0) bad(`sum ${sum} is less than count × min = ${n} × ${min}`);
    if (max !== undefined && compareValues(sum, n * max) > 0) bad(`sum ${sum} is more than count × max = ${n} × ${max}`);
  }
  if (min !== undefined) t.min[idx] = min;
  if (max !== undefined) t.max[idx] = max;
}
