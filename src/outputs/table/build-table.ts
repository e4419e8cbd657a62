/**
 * Builds a `CellTable` from columnar microdata in one pass over the rows: per cell the
 * record count, sum, Σ|x|, the largest absolute contributions, a negative flag and the
 * missing count, all in typed arrays. The pass indexes cells by the variables' raw dictionary
 * codes, so it needs no pass before it (to find which categories occur) and no per-row cell
 * array; the raw cells are then mapped onto the sorted table, and margins merged from the
 * interior cells (top-k of a union is the top-k of the parts' top-ks). Everything after the
 * pass costs O(cells), not O(rows).
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

/**
 * Raw cell spaces up to this size are accumulated directly even when `maxCells` is smaller:
 * the accumulators stay small, and an oversized table is refused after the pass.
 */
const MIN_RAW_CELLS = 1 << 16;
/** Above this, raw cells are compacted whatever `maxCells` allows: the raw space is not the table. */
const MAX_RAW_CELLS = 1 << 24;

const collator = new Intl.Collator('en', { numeric: true });

function categoryColumn(data: Columnar, name: string): CategoryColumn {
  const col = data.columns.get(name);
  if (!col || col.type !== 'category') throw new AirlockError('UNKNOWN_COLUMN', `the microdata has no column "${name}"`);
  return col;
}

/** One axis planned: its keys, and per variable the table position of each raw code. */
interface AxisPlan {
  axis: Axis;
  /** Per variable: raw code → position among that variable's observed categories (−1: none). */
  remap: Int32Array[];
  /** Per variable: number of observed categories (the radix of the axis position). */
  radix: number[];
}

/**
 * Observed categories per variable (`present[v][code]`), sorted so that tables are
 * deterministic; an axis is their cartesian product, plus the margin.
 */
function planAxis(vars: string[], cols: CategoryColumn[], present: Uint8Array[], margins: boolean): AxisPlan {
  const remap: Int32Array[] = [];
  const labels: string[][] = [];
  cols.forEach((col, v) => {
    const observed: number[] = [];
    present[v].forEach((s, code) => s && observed.push(code));
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

/** Accumulators for one table, flat typed arrays indexed by cell. */
class Accumulator {
  readonly records: Float64Array;
  readonly count: Float64Array;
  readonly sum: Float64Array;
  readonly sumAbs: Float64Array;
  readonly top: Float64Array;
  readonly negative: Uint8Array;
  readonly missing: Float64Array;
  /** Only for min/max tables: other tables do not pay for them per row. */
  readonly min: Float64Array;
  readonly max: Float64Array;
  /** Welford mean and M2, for std (numerically stable where Σx² − n·mean² is not). */
  readonly mean: Float64Array;
  readonly m2: Float64Array;

  constructor(
    readonly nCells: number,
    readonly k: number,
    readonly extremes: boolean,
    readonly moments: boolean,
  ) {
    this.records = new Float64Array(nCells);
    this.count = new Float64Array(nCells);
    this.sum = new Float64Array(nCells);
    this.sumAbs = new Float64Array(nCells);
    this.top = new Float64Array(nCells * k);
    this.negative = new Uint8Array(nCells);
    this.missing = new Float64Array(nCells);
    this.min = new Float64Array(extremes ? nCells : 0).fill(Infinity);
    this.max = new Float64Array(extremes ? nCells : 0).fill(-Infinity);
    this.mean = new Float64Array(moments ? nCells : 0);
    this.m2 = new Float64Array(moments ? nCells : 0);
  }

  /** The per-row statistics that only some tables need; `n` is the cell's count so far. */
  addRare(cell: number, x: number, n: number): void {
    if (this.extremes) {
      if (x < this.min[cell]) this.min[cell] = x;
      if (x > this.max[cell]) this.max[cell] = x;
    }
    if (this.moments) {
      const d = x - this.mean[cell];
      this.mean[cell] += d / n;
      this.m2[cell] += d * (x - this.mean[cell]);
    }
  }

  /** Folds cell `from` of `src` into cell `into` (raw cells into the table, cells into margins). */
  merge(into: number, from: number, src: Accumulator = this): void {
    const nA = this.count[into];
    const nB = src.count[from];
    this.records[into] += src.records[from];
    this.missing[into] += src.missing[from];
    this.count[into] = nA + nB;
    this.sum[into] += src.sum[from];
    this.sumAbs[into] += src.sumAbs[from];
    this.negative[into] |= src.negative[from];
    if (this.extremes) {
      if (src.min[from] < this.min[into]) this.min[into] = src.min[from];
      if (src.max[from] > this.max[into]) this.max[into] = src.max[from];
    }
    for (let i = 0; i < this.k; i++) {
      const a = src.top[from * this.k + i];
      if (a === 0) break;
      insertTop(this.top, into * this.k, this.k, a);
    }
    if (this.moments && nB > 0) {
      // Chan et al.'s parallel combination of means and M2.
      const n = nA + nB;
      const d = src.mean[from] - this.mean[into];
      this.mean[into] += (d * nB) / n;
      this.m2[into] += src.m2[from] + (d * d * nA * nB) / n;
    }
  }
}

/** Inserts `a` into the descending list `top[base, base + k)` when it is large enough. */
function insertTop(top: Float64Array, base: number, k: number, a: number): void {
  let j = base + k - 1;
  if (a <= top[j]) return;
  while (j > base && top[j - 1] < a) {
    top[j] = top[j - 1];
    j--;
  }
  top[j] = a;
}

/** Per-row raw cell (mixed radix over the variables' codes); −1 where a variable is missing. */
function rawCells(dims: CategoryColumn[], n: number): Int32Array {
  const key = new Int32Array(n);
  for (const { codes, dict } of dims) {
    const radix = dict.length;
    for (let i = 0; i < n; i++) {
      const k = key[i];
      const c = codes[i];
      key[i] = k < 0 || c < 0 ? -1 : k * radix + c;
    }
  }
  return key;
}

/**
 * The pass over the rows. Cells are raw: mixed radix over the dictionary codes. One or two
 * variables (nearly every table) are indexed inline; more go through `rawCells` first.
 */
function accumulate(acc: Accumulator, dims: CategoryColumn[], values: Float64Array | null, n: number): void {
  const keys = dims.length > 2 ? rawCells(dims, n) : null;
  const c0 = dims[0].codes;
  const c1 = dims.length === 2 ? dims[1].codes : null;
  const r1 = dims.length === 2 ? dims[1].dict.length : 1;
  const { records, missing, sum, sumAbs, negative, top, k } = acc;
  const rare = acc.extremes || acc.moments;
  for (let i = 0; i < n; i++) {
    let cell: number;
    if (keys !== null) {
      cell = keys[i];
      if (cell < 0) continue;
    } else {
      cell = c0[i];
      if (cell < 0) continue;
      if (c1 !== null) {
        const b = c1[i];
        if (b < 0) continue;
        cell = cell * r1 + b;
      }
    }
    records[cell]++;
    if (values === null) continue;
    const x = values[i];
    if (x !== x) {
      missing[cell]++;
      continue;
    }
    sum[cell] += x;
    let a = x;
    if (x < 0) {
      a = -x;
      negative[cell] = 1;
    }
    sumAbs[cell] += a;
    const base = cell * k;
    if (a > top[base + k - 1]) insertTop(top, base, k, a);
    if (rare) acc.addRare(cell, x, records[cell] - missing[cell]);
  }
  for (let c = 0; c < acc.nCells; c++) acc.count[c] = values === null ? records[c] : records[c] - missing[c];
}

/** Which categories of each variable occur in a counted row: the digits of non-empty raw cells. */
function presentCategories(acc: Accumulator, dims: CategoryColumn[]): Uint8Array[] {
  const present = dims.map((d) => new Uint8Array(d.dict.length));
  for (let raw = 0; raw < acc.nCells; raw++) {
    if (acc.records[raw] === 0) continue;
    let rest = raw;
    for (let v = dims.length - 1; v >= 0; v--) {
      const radix = dims[v].dict.length;
      present[v][rest % radix] = 1;
      rest = Math.floor(rest / radix);
    }
  }
  return present;
}

/** Observed categories of each variable among rows with no missing variable (a pass per variable). */
function presentInRows(dims: CategoryColumn[], n: number): Uint8Array[] {
  const valid = new Uint8Array(n).fill(1);
  for (const { codes } of dims) for (let i = 0; i < n; i++) if (codes[i] < 0) valid[i] = 0;
  return dims.map(({ codes, dict }) => {
    const seen = new Uint8Array(dict.length);
    for (let i = 0; i < n; i++) if (valid[i]) seen[codes[i]] = 1;
    return seen;
  });
}

function tooLarge(nCells: number, maxCells: number): AirlockError {
  return new AirlockError('TABLE_TOO_LARGE', `the table would have ${nCells} cells; the limit is ${maxCells}`);
}

/**
 * When the dictionaries' product is large (many categories, or categories that occur only in
 * rows excluded for a missing variable), checks the table's real size first and re-codes the
 * variables to their observed categories, so the raw space is at most the table.
 */
function compactDims(dims: CategoryColumn[], n: number, maxCells: number, axisSizes: (observed: number[]) => number): CategoryColumn[] {
  const present = presentInRows(dims, n);
  const observed = present.map((p) => p.reduce((a, b) => a + b, 0));
  const nCells = axisSizes(observed);
  if (nCells > maxCells) throw tooLarge(nCells, maxCells);
  return dims.map((col, v) => {
    const map = new Int32Array(col.dict.length).fill(-1);
    const dict: string[] = [];
    present[v].forEach((s, code) => {
      if (s) {
        map[code] = dict.length;
        dict.push(col.dict[code]);
      }
    });
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = col.codes[i] < 0 ? -1 : map[col.codes[i]];
    return { type: 'category', codes, dict };
  });
}

/** Position of each non-empty raw cell in the table (−1 for empty raw cells). */
function tableCells(acc: Accumulator, dims: CategoryColumn[], rowPlan: AxisPlan, colPlan: AxisPlan, nC: number): Int32Array {
  const nRowVars = rowPlan.remap.length;
  const remap = [...rowPlan.remap, ...colPlan.remap];
  const radix = [...rowPlan.radix, ...colPlan.radix];
  const out = new Int32Array(acc.nCells).fill(-1);
  for (let raw = 0; raw < acc.nCells; raw++) {
    if (acc.records[raw] === 0) continue;
    let rest = raw;
    const digit = new Array<number>(dims.length);
    for (let v = dims.length - 1; v >= 0; v--) {
      const r = dims[v].dict.length;
      digit[v] = remap[v][rest % r];
      rest = Math.floor(rest / r);
    }
    let row = 0;
    let col = 0;
    for (let v = 0; v < dims.length; v++) {
      if (v < nRowVars) row = row * radix[v] + digit[v];
      else col = col * radix[v] + digit[v];
    }
    out[raw] = row * nC + col;
  }
  return out;
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

  const axisSize = (observed: number[], vars: number) => (vars === 0 ? 1 : observed.reduce((a, b) => a * b, 1) + (spec.margins ? 1 : 0));
  let dims = [...rowCols, ...colCols];
  const rawSize = dims.reduce((a, d) => a * d.dict.length, 1);
  if (rawSize > Math.min(Math.max(opts.maxCells, MIN_RAW_CELLS), MAX_RAW_CELLS)) {
    const nRowVars = rowCols.length;
    dims = compactDims(dims, n, opts.maxCells, (o) => axisSize(o.slice(0, nRowVars), nRowVars) * axisSize(o.slice(nRowVars), o.length - nRowVars));
  }
  const statistic = spec.statistic;
  const raw = new Accumulator(
    dims.reduce((a, d) => a * d.dict.length, 1),
    opts.topK,
    statistic === 'min' || statistic === 'max',
    statistic === 'std',
  );
  accumulate(raw, dims, measure ? measure.values : null, n);

  const present = presentCategories(raw, dims);
  const nRowVars = rowCols.length;
  const rowPlan = planAxis(spec.index, dims.slice(0, nRowVars), present.slice(0, nRowVars), spec.margins);
  const colPlan = planAxis(spec.columns, dims.slice(nRowVars), present.slice(nRowVars), spec.margins);
  const nR = rowPlan.axis.keys.length;
  const nC = colPlan.axis.keys.length;
  const nCells = nR * nC;
  if (nCells > opts.maxCells) throw tooLarge(nCells, opts.maxCells);

  const cellOfRaw = tableCells(raw, dims, rowPlan, colPlan, nC);
  const acc = new Accumulator(nCells, opts.topK, raw.extremes, raw.moments);
  for (let r = 0; r < raw.nCells; r++) if (cellOfRaw[r] >= 0) acc.merge(cellOfRaw[r], r, raw);

  const rowM = rowPlan.axis.margin;
  const colM = colPlan.axis.margin;
  if (colM >= 0) for (let r = 0; r < nR; r++) if (r !== rowM) for (let c = 0; c < nC; c++) if (c !== colM) acc.merge(r * nC + colM, r * nC + c);
  if (rowM >= 0) for (let c = 0; c < nC; c++) for (let r = 0; r < nR; r++) if (r !== rowM) acc.merge(rowM * nC + c, r * nC + c);

  let medians: Float64Array | null = null;
  if (statistic === 'median' && measure) {
    // Medians need the values themselves: a second pass, for this statistic only.
    const cellOf = rawCells(dims, n);
    for (let i = 0; i < n; i++) if (cellOf[i] >= 0) cellOf[i] = cellOfRaw[cellOf[i]];
    medians = cellMedians(cellOf, measure.values, { nR, nC, rowM, colM }, nCells);
  }
  const value = new Float64Array(nCells);
  for (let c = 0; c < nCells; c++) value[c] = publishedValue(statistic, acc, c, measure !== null, medians);

  return {
    statistic,
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
