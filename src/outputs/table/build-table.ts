/**
 * Builds a `CellTable` from columnar microdata in one pass over the rows: per cell the
 * record count, the non-missing count, sum, Σ|x|, the largest absolute contributions, a
 * negative flag and the missing count, all in typed arrays. Margins are merged from the
 * interior cells afterwards (top-k of a union is the top-k of the parts' top-ks), so they
 * cost O(cells), not another pass over the rows.
 *
 * @example
 * const t = buildTable(columnar, normaliseSpec({ index: 'r', columns: 'c' }, '/spec'), { topK: 2, maxCells: 1e5 });
 */
import type { TableStatistic } from '../../domain.js';
import { AirlockError } from '../../errors.js';
import type { Axis, CellTable } from './cell-table.js';
import { MARGIN_LABEL } from './cell-table.js';
import type { CategoryColumn, Columnar, NumberColumn } from './columnar.js';
import type { TableSpec } from './table-spec.js';

export interface BuildOptions {
  /** How many largest contributions to keep per cell (at least nk_n and 2). */
  topK: number;
  maxCells: number;
}

interface AxisPlan {
  axis: Axis;
  /** Per variable: code → position among that variable's observed categories. */
  remap: Int32Array[];
  /** Per variable: number of observed categories (the radix). */
  radix: number[];
}

const collator = new Intl.Collator('en', { numeric: true });

function categoryColumn(data: Columnar, name: string): CategoryColumn {
  const col = data.columns.get(name);
  if (!col || col.type !== 'category') throw new AirlockError('UNKNOWN_COLUMN', `the microdata has no column "${name}"`);
  return col;
}

/**
 * Observed categories per variable among the rows with no missing dimension, sorted so that
 * tables are deterministic; an axis is their cartesian product.
 */
function planAxis(vars: string[], cols: CategoryColumn[], valid: Uint8Array, margins: boolean): AxisPlan {
  const remap: Int32Array[] = [];
  const labels: string[][] = [];
  cols.forEach((col) => {
    const seen = new Uint8Array(col.dict.length);
    const { codes } = col;
    for (let i = 0; i < codes.length; i++) if (valid[i]) seen[codes[i]] = 1;
    const observed: number[] = [];
    seen.forEach((s, code) => s && observed.push(code));
    observed.sort((a, b) => collator.compare(col.dict[a], col.dict[b]));
    const map = new Int32Array(col.dict.length).fill(-1);
    observed.forEach((code, pos) => (map[code] = pos));
    remap.push(map);
    labels.push(observed.map((c) => col.dict[c]));
  });
  let keys: string[][] = [[]];
  for (const l of labels) keys = keys.flatMap((k) => l.map((x) => [...k, x]));
  if (vars.length === 0) keys = [[]];
  let margin = -1;
  if (margins && vars.length > 0) {
    margin = keys.length;
    keys.push(vars.map((_, i) => (i === 0 ? MARGIN_LABEL : '')));
  }
  return { axis: { vars, keys, margin }, remap, radix: labels.map((l) => l.length) };
}

/** Per-row position on an axis (mixed radix over its variables); −1 for excluded rows. */
function positions(plan: AxisPlan, cols: CategoryColumn[], valid: Uint8Array, n: number): Int32Array {
  const pos = new Int32Array(n);
  for (let v = 0; v < cols.length; v++) {
    const { codes } = cols[v];
    const map = plan.remap[v];
    const radix = plan.radix[v];
    for (let i = 0; i < n; i++) pos[i] = valid[i] ? pos[i] * radix + map[codes[i]] : -1;
  }
  return pos;
}

/** Accumulators for one table, flat typed arrays indexed by cell. */
class Accumulator {
  readonly records: Float64Array;
  readonly count: Float64Array;
  readonly sum: Float64Array;
  readonly sumAbs: Float64Array;
  readonly top: Float64Array;
  readonly negative: Uint8Array;
  readonly missing: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  /** Welford mean and M2, for std (numerically stable where Σx² − n·mean² is not). */
  readonly mean: Float64Array;
  readonly m2: Float64Array;

  constructor(readonly nCells: number, readonly k: number, readonly moments: boolean) {
    this.records = new Float64Array(nCells);
    this.count = new Float64Array(nCells);
    this.sum = new Float64Array(nCells);
    this.sumAbs = new Float64Array(nCells);
    this.top = new Float64Array(nCells * k);
    this.negative = new Uint8Array(nCells);
    this.missing = new Float64Array(nCells);
    this.min = new Float64Array(nCells).fill(Infinity);
    this.max = new Float64Array(nCells).fill(-Infinity);
    this.mean = new Float64Array(moments ? nCells : 0);
    this.m2 = new Float64Array(moments ? nCells : 0);
  }

  /** Inserts |x| into the cell's descending top-k list. */
  pushTop(cell: number, a: number): void {
    const k = this.k;
    const top = this.top;
    const base = cell * k;
    if (a <= top[base + k - 1]) return;
    let j = base + k - 1;
    while (j > base && top[j - 1] < a) {
      top[j] = top[j - 1];
      j--;
    }
    top[j] = a;
  }

  addValue(cell: number, x: number): void {
    this.count[cell]++;
    this.sum[cell] += x;
    const a = x < 0 ? -x : x;
    this.sumAbs[cell] += a;
    if (x < 0) this.negative[cell] = 1;
    if (x < this.min[cell]) this.min[cell] = x;
    if (x > this.max[cell]) this.max[cell] = x;
    this.pushTop(cell, a);
    if (this.moments) {
      const d = x - this.mean[cell];
      this.mean[cell] += d / this.count[cell];
      this.m2[cell] += d * (x - this.mean[cell]);
    }
  }

  /** Folds cell `from` into cell `into` (for margins). */
  merge(into: number, from: number): void {
    const nA = this.count[into];
    const nB = this.count[from];
    this.records[into] += this.records[from];
    this.missing[into] += this.missing[from];
    this.count[into] = nA + nB;
    this.sum[into] += this.sum[from];
    this.sumAbs[into] += this.sumAbs[from];
    this.negative[into] |= this.negative[from];
    if (this.min[from] < this.min[into]) this.min[into] = this.min[from];
    if (this.max[from] > this.max[into]) this.max[into] = this.max[from];
    for (let i = 0; i < this.k; i++) {
      const a = this.top[from * this.k + i];
      if (a === 0) break;
      this.pushTop(into, a);
    }
    if (this.moments && nB > 0) {
      // Chan et al.'s parallel combination of means and M2.
      const n = nA + nB;
      const d = this.mean[from] - this.mean[into];
      this.mean[into] += (d * nB) / n;
      this.m2[into] += this.m2[from] + (d * d * nA * nB) / n;
    }
  }
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  const m = values.length >> 1;
  return values.length % 2 ? values[m] : (values[m - 1] + values[m]) / 2;
}

/** Per-cell medians need the values themselves: bucket row indices by cell (counting sort). */
function cellMedians(cellOf: Int32Array, measure: Float64Array, plan: { nR: number; nC: number; rowM: number; colM: number }, nCells: number): Float64Array {
  const out = new Float64Array(nCells).fill(NaN);
  const buckets: number[][] = Array.from({ length: nCells }, () => []);
  const { nC, rowM, colM } = plan;
  for (let i = 0; i < cellOf.length; i++) {
    const cell = cellOf[i];
    const x = measure[i];
    if (cell < 0 || Number.isNaN(x)) continue;
    buckets[cell].push(x);
    const r = Math.floor(cell / nC);
    const c = cell - r * nC;
    if (colM >= 0) buckets[r * nC + colM].push(x);
    if (rowM >= 0) buckets[rowM * nC + c].push(x);
    if (rowM >= 0 && colM >= 0) buckets[rowM * nC + colM].push(x);
  }
  buckets.forEach((b, cell) => b.length && (out[cell] = median(b)));
  return out;
}

function publishedValue(s: TableStatistic, acc: Accumulator, cell: number, hasMeasure: boolean, medians: Float64Array | null): number {
  const n = acc.count[cell];
  switch (s) {
    case 'frequency':
      return acc.records[cell];
    case 'count':
      return acc.records[cell] === 0 ? NaN : n;
    case 'sum':
      return acc.records[cell] === 0 ? NaN : acc.sum[cell];
    case 'mean':
      return n === 0 ? NaN : acc.sum[cell] / n;
    case 'min':
      return n === 0 ? NaN : acc.min[cell];
    case 'max':
      return n === 0 ? NaN : acc.max[cell];
    case 'std':
      return n < 2 ? NaN : Math.sqrt(acc.m2[cell] / (n - 1));
    case 'median':
      return medians ? medians[cell] : NaN;
    default:
      return hasMeasure ? NaN : acc.records[cell];
  }
}

/**
 * Computes the table a spec describes from columnar microdata. Throws `UNKNOWN_COLUMN`
 * when the spec names a column the data does not have, `TABLE_TOO_LARGE` above `maxCells`.
 */
export function buildTable(data: Columnar, spec: TableSpec, opts: BuildOptions): CellTable {
  const n = data.nRows;
  const rowCols = spec.index.map((v) => categoryColumn(data, v));
  const colCols = spec.columns.map((v) => categoryColumn(data, v));
  let measure: NumberColumn | null = null;
  if (spec.values !== null) {
    const m = data.columns.get(spec.values);
    if (!m || m.type !== 'number') throw new AirlockError('UNKNOWN_COLUMN', `the microdata has no measure column "${spec.values}"`);
    measure = m;
  }

  const valid = new Uint8Array(n).fill(1);
  for (const col of [...rowCols, ...colCols]) {
    const { codes } = col;
    for (let i = 0; i < n; i++) if (codes[i] < 0) valid[i] = 0;
  }
  const rowPlan = planAxis(spec.index, rowCols, valid, spec.margins);
  const colPlan = planAxis(spec.columns, colCols, valid, spec.margins);
  const nR = rowPlan.axis.keys.length;
  const nC = colPlan.axis.keys.length;
  const nCells = nR * nC;
  if (nCells > opts.maxCells) {
    throw new AirlockError('TABLE_TOO_LARGE', `the table would have ${nCells} cells; the limit is ${opts.maxCells}`);
  }

  const rowPos = positions(rowPlan, rowCols, valid, n);
  const colPos = colCols.length ? positions(colPlan, colCols, valid, n) : null;
  const cellOf = new Int32Array(n);
  for (let i = 0; i < n; i++) cellOf[i] = rowPos[i] < 0 ? -1 : rowPos[i] * nC + (colPos ? colPos[i] : 0);

  const acc = new Accumulator(nCells, opts.topK, spec.statistic === 'std');
  const records = acc.records;
  if (measure) {
    const values = measure.values;
    for (let i = 0; i < n; i++) {
      const cell = cellOf[i];
      if (cell < 0) continue;
      records[cell]++;
      const x = values[i];
      if (x !== x) acc.missing[cell]++;
      else acc.addValue(cell, x);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const cell = cellOf[i];
      if (cell >= 0) records[cell]++;
    }
  }

  const rowM = rowPlan.axis.margin;
  const colM = colPlan.axis.margin;
  if (colM >= 0) for (let r = 0; r < nR; r++) if (r !== rowM) for (let c = 0; c < nC; c++) if (c !== colM) acc.merge(r * nC + colM, r * nC + c);
  if (rowM >= 0) for (let c = 0; c < nC; c++) for (let r = 0; r < nR; r++) if (r !== rowM) acc.merge(rowM * nC + c, r * nC + c);

  if (!measure) acc.count.set(acc.records);
  const medians = spec.statistic === 'median' && measure ? cellMedians(cellOf, measure.values, { nR, nC, rowM, colM }, nCells) : null;
  const value = new Float64Array(nCells);
  for (let c = 0; c < nCells; c++) value[c] = publishedValue(spec.statistic, acc, c, measure !== null, medians);

  return {
    statistic: spec.statistic,
    measure: spec.values,
    rows: rowPlan.axis,
    cols: colPlan.axis,
    count: acc.count,
    records: acc.records,
    value,
    missing: acc.missing,
    negative: acc.negative,
    sumAbs: acc.sumAbs,
    top: acc.top,
    topK: opts.topK,
    evidence: new Uint8Array(nCells).fill(1),
  };
}
