/**
 * Builds a `CellTable` from columnar microdata in one pass over the rows: per cell the
 * record count, sum, Σ|x|, the largest absolute contributions, the smallest and largest value
 * (`all_same`), a negative flag and the missing count, all in typed arrays. The pass indexes
 * cells by the variables' raw dictionary codes, so it needs no pass before it (to find which
 * categories occur) and no per-row cell array; the raw cells are then mapped onto the sorted
 * table, and margins merged from the interior cells (top-k of a union is the top-k of the
 * parts' top-ks). Everything after the pass costs O(cells), not O(rows).
 *
 * With a unit column (`spec.unit`, sdc-rules.md "Units") the contributors are units, not
 * rows: each unit's rows in a cell are added up into the unit's total, and every count,
 * statistic and dominance figure is over those totals. The rows are then ordered by unit
 * with a counting sort and each unit's rows visited together, so a unit's total in every cell
 * and margin it touches — a margin's being the sum of its parts, counted once — is complete
 * when the next unit starts: O(rows + units + cells), no hash map. The same walk yields
 * `CellTable.units`, the distinct units of every cell (CSR, ascending: units are visited in
 * order).
 *
 * Whether a sum or mean table's measure takes at most two values (`binary_measure`) is
 * decided by a scan that stops at the third distinct value, so a continuous measure costs a
 * few rows; only an indicator pays for counting its values per cell.
 *
 * @example
 * const t = buildTable(columnar, normaliseSpec({ index: 'r', columns: 'c' }, '/spec'), { topK: 2, maxCells: 1e5 });
 */
import type { TableStatistic } from '../../domain.js';
import { AirlockError } from '../../errors.js';
import { at, invariant, outOfRange } from '../../lib/invariant.js';
import { shortestWithin, sumErrorBound, UNIT_ROUNDOFF } from '../../lib/shortest-decimal.js';
import { suggestion } from '../../lib/did-you-mean.js';
import type { UnitMembership } from '../../lib/unit-membership.js';
import { unitIds } from '../../lib/unit-membership.js';
import type { Axis, CellTable, MeasureValues } from './cell-table.js';
import { MARGIN_LABEL } from './cell-table.js';
import type { CategoryColumn, Columnar, NumberColumn } from './columnar.js';
import { markDeclaredZeros } from './mark-declared-zeros.js';
import type { TableSpec } from './table-spec.js';

export interface BuildOptions {
  /** How many largest contributions to keep per cell (at least nk_n and 2). */
  topK: number;
  maxCells: number;
  /** JSON pointer of the output, for errors about its spec (default: none). */
  pointer?: string;
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
  if (!col || col.type !== 'category') throw new AirlockError('UNKNOWN_COLUMN', `the microdata has no column "${name}"${suggestion(name, data.columns.keys())}`);
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
    at(present, v).forEach((s, code) => s && observed.push(code));
    // Codes index the dictionary (the reader made them so): a label read here cannot miss.
    const label = (code: number) => at(col.dict, code);
    observed.sort((a, b) => collator.compare(label(a), label(b)));
    const map = new Int32Array(col.dict.length).fill(-1);
    observed.forEach((code, pos) => (map[code] = pos));
    remap.push(map);
    labels.push(observed.map(label));
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
  /** Smallest and largest contribution: every table with a measure (`all_same`, min/max tables). */
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
    /** Track the largest value per row too (min/max tables); otherwise it is derived after the pass. */
    readonly fullRange = false,
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

  /** Welford's update for std tables; `n` is the cell's count including `x`. */
  addMoment(cell: number, x: number, n: number): void {
    const { mean, m2 } = this;
    const old = mean[cell] ?? outOfRange();
    const d = x - old;
    const now = old + d / n;
    mean[cell] = now;
    m2[cell] = (m2[cell] ?? outOfRange()) + d * (x - now);
  }

  /**
   * Adds one whole contribution (a unit's total) to a cell: the unit-mode counterpart of the
   * row loop in `accumulate`.
   */
  addContribution(cell: number, x: number): void {
    const { count, sum, sumAbs, top, k, min, max } = this;
    const n = (count[cell] ?? outOfRange()) + 1;
    count[cell] = n;
    sum[cell] = (sum[cell] ?? outOfRange()) + x;
    let a = x;
    if (x < 0) {
      a = -x;
      this.negative[cell] = 1;
    }
    sumAbs[cell] = (sumAbs[cell] ?? outOfRange()) + a;
    const base = cell * k;
    if (a > (top[base + k - 1] ?? outOfRange())) insertTop(top, base, k, a);
    if (x < (min[cell] ?? outOfRange())) min[cell] = x;
    if (x > (max[cell] ?? outOfRange())) max[cell] = x;
    if (this.moments) this.addMoment(cell, x, n);
  }

  /** Folds cell `from` of `src` into cell `into` (raw cells into the table, cells into margins). */
  merge(into: number, from: number, src: Accumulator = this): void {
    const nA = this.count[into] ?? outOfRange();
    const nB = src.count[from] ?? outOfRange();
    this.records[into] = (this.records[into] ?? outOfRange()) + (src.records[from] ?? outOfRange());
    this.missing[into] = (this.missing[into] ?? outOfRange()) + (src.missing[from] ?? outOfRange());
    this.count[into] = nA + nB;
    this.sum[into] = (this.sum[into] ?? outOfRange()) + (src.sum[from] ?? outOfRange());
    this.sumAbs[into] = (this.sumAbs[into] ?? outOfRange()) + (src.sumAbs[from] ?? outOfRange());
    this.negative[into] = (this.negative[into] ?? outOfRange()) | (src.negative[from] ?? outOfRange());
    if (this.extremes) {
      const lo = src.min[from] ?? outOfRange();
      const hi = src.max[from] ?? outOfRange();
      if (lo < (this.min[into] ?? outOfRange())) this.min[into] = lo;
      if (hi > (this.max[into] ?? outOfRange())) this.max[into] = hi;
    }
    const k = this.k;
    for (let i = 0; i < k; i++) {
      const a = src.top[from * k + i] ?? outOfRange();
      if (a === 0) break;
      insertTop(this.top, into * k, k, a);
    }
    if (this.moments && nB > 0) {
      // Chan et al.'s parallel combination of means and M2.
      const n = nA + nB;
      const meanA = this.mean[into] ?? outOfRange();
      const d = (src.mean[from] ?? outOfRange()) - meanA;
      this.mean[into] = meanA + (d * nB) / n;
      this.m2[into] = (this.m2[into] ?? outOfRange()) + (src.m2[from] ?? outOfRange()) + (d * d * nA * nB) / n;
    }
  }
}

/** Inserts `a` into the descending list `top[base, base + k)` when it is large enough. */
function insertTop(top: Float64Array, base: number, k: number, a: number): void {
  let j = base + k - 1;
  if (a <= (top[j] ?? outOfRange())) return;
  while (j > base) {
    const before = top[j - 1] ?? outOfRange();
    if (before >= a) break;
    top[j] = before;
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
      const k = key[i] ?? outOfRange();
      const c = codes[i] ?? outOfRange();
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
  const first = dims[0];
  // A table has at least one row variable (normaliseSpec refuses an empty `index`).
  invariant(first !== undefined, 'a table has a row variable');
  const second = dims.length === 2 ? dims[1] : undefined;
  const keys = dims.length > 2 ? rawCells(dims, n) : null;
  const c0 = first.codes;
  const c1 = second ? second.codes : null;
  const r1 = second ? second.dict.length : 1;
  const { records, missing, sum, sumAbs, negative, top, k, min, max } = acc;
  const moments = acc.moments;
  const fullRange = acc.fullRange;
  // Every read below is `?? outOfRange()`: rows are below every column's length and cells
  // below nCells by construction. The optimised code knows an in-bounds typed-array read is a
  // number, so the checks compile away (callgrind, 1M rows: no more instructions than the
  // unchecked reads).
  for (let i = 0; i < n; i++) {
    let cell: number;
    if (keys !== null) {
      cell = keys[i] ?? outOfRange();
      if (cell < 0) continue;
    } else {
      cell = c0[i] ?? outOfRange();
      if (cell < 0) continue;
      if (c1 !== null) {
        const b = c1[i] ?? outOfRange();
        if (b < 0) continue;
        cell = cell * r1 + b;
      }
    }
    const rec = (records[cell] ?? outOfRange()) + 1;
    records[cell] = rec;
    if (values === null) continue;
    const x = values[i] ?? outOfRange();
    if (x !== x) {
      missing[cell] = (missing[cell] ?? outOfRange()) + 1;
      continue;
    }
    sum[cell] = (sum[cell] ?? outOfRange()) + x;
    let a = x;
    if (x < 0) {
      a = -x;
      negative[cell] = 1;
      // Only the negative part is added up here: Σ|x| = Σx − 2·Σ(x < 0), one add fewer per row.
      sumAbs[cell] = (sumAbs[cell] ?? outOfRange()) + x;
    }
    const base = cell * k;
    if (a > (top[base + k - 1] ?? outOfRange())) insertTop(top, base, k, a);
    // The smallest value per row; the largest is the largest |x| wherever nothing is negative
    // (the common case), so only min/max tables, and cells with a negative, pay for it.
    if (x < (min[cell] ?? outOfRange())) min[cell] = x;
    if (fullRange && x > (max[cell] ?? outOfRange())) max[cell] = x;
    if (moments) acc.addMoment(cell, x, rec - (missing[cell] ?? outOfRange()));
  }
  if (values === null) {
    acc.count.set(records);
    return;
  }
  let negativeCells = false;
  for (let c = 0; c < acc.nCells; c++) {
    const count = (records[c] ?? outOfRange()) - (missing[c] ?? outOfRange());
    acc.count[c] = count;
    sumAbs[c] = (sum[c] ?? outOfRange()) - 2 * (sumAbs[c] ?? outOfRange());
    if (negative[c]) negativeCells = true;
    else if (!fullRange && count > 0) max[c] = top[c * k] ?? outOfRange();
  }
  if (negativeCells && !fullRange) largestInNegativeCells(acc, dims, values, n);
}

/** The largest value of each cell with a negative contribution (where it need not be the largest |x|): a second pass, for such tables only. */
function largestInNegativeCells(acc: Accumulator, dims: CategoryColumn[], values: Float64Array, n: number): void {
  const keys = rawCells(dims, n);
  const { negative, max } = acc;
  for (let i = 0; i < n; i++) {
    const cell = keys[i] ?? outOfRange();
    if (cell < 0 || !negative[cell]) continue;
    const x = values[i] ?? outOfRange();
    if (x > (max[cell] ?? outOfRange())) max[cell] = x;
  }
}

/** Which categories of each variable occur in a counted row: the digits of non-empty raw cells. */
function presentCategories(acc: Accumulator, dims: CategoryColumn[]): Uint8Array[] {
  const present = dims.map((d) => new Uint8Array(d.dict.length));
  // Per variable, last first: the radix and the array its digits mark.
  const digits = dims.map((d, v) => ({ radix: d.dict.length, seen: at(present, v) })).reverse();
  for (let raw = 0; raw < acc.nCells; raw++) {
    if (acc.records[raw] === 0) continue;
    let rest = raw;
    for (const { radix, seen } of digits) {
      seen[rest % radix] = 1;
      rest = Math.floor(rest / radix);
    }
  }
  return present;
}

/** Observed categories of each variable among rows with no missing variable (a pass per variable). */
function presentInRows(dims: CategoryColumn[], n: number): Uint8Array[] {
  const valid = new Uint8Array(n).fill(1);
  for (const { codes } of dims) for (let i = 0; i < n; i++) if ((codes[i] ?? outOfRange()) < 0) valid[i] = 0;
  return dims.map(({ codes, dict }) => {
    const seen = new Uint8Array(dict.length);
    for (let i = 0; i < n; i++) if (valid[i]) seen[codes[i] ?? outOfRange()] = 1;
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
    at(present, v).forEach((s, code) => {
      if (s) {
        map[code] = dict.length;
        dict.push(at(col.dict, code));
      }
    });
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = col.codes[i] ?? outOfRange();
      codes[i] = c < 0 ? -1 : (map[c] ?? outOfRange());
    }
    return { type: 'category', codes, dict };
  });
}

/** Position of each non-empty raw cell in the table (−1 for empty raw cells). */
function tableCells(acc: Accumulator, dims: CategoryColumn[], rowPlan: AxisPlan, colPlan: AxisPlan, nC: number): Int32Array {
  const nRowVars = rowPlan.remap.length;
  const remap = [...rowPlan.remap, ...colPlan.remap];
  const radix = [...rowPlan.radix, ...colPlan.radix];
  // Per variable: its raw radix (dictionary size), its table radix, its code → position map,
  // and whether it is a row variable; the plans have one entry per dimension.
  invariant(remap.length === dims.length && radix.length === dims.length, 'one axis plan entry per dimension');
  const vars = dims.map((d, v) => ({ rawRadix: d.dict.length, radix: at(radix, v), remap: at(remap, v), isRow: v < nRowVars }));
  const last = [...vars].reverse();
  const out = new Int32Array(acc.nCells).fill(-1);
  const digit = new Int32Array(dims.length);
  for (let raw = 0; raw < acc.nCells; raw++) {
    if (acc.records[raw] === 0) continue;
    let rest = raw;
    let v = dims.length;
    for (const { rawRadix, remap: map } of last) {
      digit[--v] = map[rest % rawRadix] ?? outOfRange();
      rest = Math.floor(rest / rawRadix);
    }
    let row = 0;
    let col = 0;
    vars.forEach(({ radix: r, isRow }, w) => {
      const d = digit[w] ?? outOfRange();
      if (isRow) row = row * r + d;
      else col = col * r + d;
    });
    out[raw] = row * nC + col;
  }
  return out;
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  const m = values.length >> 1;
  // Called for non-empty lists only (mediansOf): m is in range, and m − 1 too when the length is even.
  return values.length % 2 ? at(values, m) : (at(values, m - 1) + at(values, m)) / 2;
}

/** Where a table's margins are: the row-major grid the raw cells were mapped onto. */
interface Grid {
  nC: number;
  rowM: number;
  colM: number;
}

/**
 * Calls `visit` with the interior cell and every margin cell that covers it (its row's total,
 * its column's total, the grand total), each once.
 */
function forCellAndMargins(cell: number, g: Grid, visit: (c: number) => void): void {
  visit(cell);
  const r = Math.floor(cell / g.nC);
  const c = cell - r * g.nC;
  if (g.colM >= 0) visit(r * g.nC + g.colM);
  if (g.rowM >= 0) visit(g.rowM * g.nC + c);
  if (g.rowM >= 0 && g.colM >= 0) visit(g.rowM * g.nC + g.colM);
}

/** Per-cell medians need the values themselves: bucket row indices by cell (counting sort). */
function cellMedians(cellOf: Int32Array, measure: Float64Array, grid: Grid, nCells: number): Float64Array {
  const buckets: number[][] = Array.from({ length: nCells }, () => []);
  for (let i = 0; i < cellOf.length; i++) {
    const cell = cellOf[i] ?? outOfRange();
    const x = measure[i] ?? outOfRange();
    if (cell < 0 || Number.isNaN(x)) continue;
    forCellAndMargins(cell, grid, (c) => at(buckets, c).push(x));
  }
  return mediansOf(buckets);
}

function mediansOf(buckets: number[][]): Float64Array {
  const out = new Float64Array(buckets.length).fill(NaN);
  buckets.forEach((b, cell) => b.length && (out[cell] = median(b)));
  return out;
}

function publishedValue(s: TableStatistic, acc: Accumulator, cell: number, hasMeasure: boolean, medians: Float64Array | null): number {
  const n = acc.count[cell] ?? outOfRange();
  const records = acc.records[cell] ?? outOfRange();
  switch (s) {
    case 'frequency':
      return records;
    case 'count':
      return records === 0 ? NaN : n;
    // Sums and means without floating-point noise: the shortest decimal within the summation's
    // error bound (src/lib/shortest-decimal.ts), the exact result for decimal inputs.
    case 'sum':
      return records === 0 ? NaN : shortestWithin(acc.sum[cell] ?? outOfRange(), sumErrorBound(n, acc.sumAbs[cell] ?? outOfRange()));
    case 'mean': {
      if (n === 0) return NaN;
      const mean = (acc.sum[cell] ?? outOfRange()) / n;
      return shortestWithin(mean, sumErrorBound(n, acc.sumAbs[cell] ?? outOfRange()) / n + 2 * UNIT_ROUNDOFF * Math.abs(mean));
    }
    case 'min':
      return n === 0 ? NaN : (acc.min[cell] ?? outOfRange());
    case 'max':
      return n === 0 ? NaN : (acc.max[cell] ?? outOfRange());
    case 'std':
      return n < 2 ? NaN : Math.sqrt((acc.m2[cell] ?? outOfRange()) / (n - 1));
    case 'median':
      return medians ? (medians[cell] ?? outOfRange()) : NaN;
    default:
      return hasMeasure ? NaN : records;
  }
}

/** The table position of every row (−1 for rows in no cell). */
function rowCells(dims: CategoryColumn[], n: number, cellOfRaw: Int32Array): Int32Array {
  const cellOf = rawCells(dims, n);
  for (let i = 0; i < n; i++) {
    const raw = cellOf[i] ?? outOfRange();
    if (raw >= 0) cellOf[i] = cellOfRaw[raw] ?? outOfRange();
  }
  return cellOf;
}

/** Whether every dimension of row `i` has a value (the row is in the table). */
function inTable(dims: CategoryColumn[], i: number): boolean {
  for (const d of dims) if ((d.codes[i] ?? outOfRange()) < 0) return false;
  return true;
}

/**
 * The one or two values a measure takes over the table's rows, or null when it takes more.
 * Stops at the third distinct value, so a continuous measure costs a few rows.
 */
function twoValues(dims: CategoryColumn[], x: Float64Array, n: number): [number, number] | null {
  let a = NaN;
  let b = NaN;
  for (let i = 0; i < n; i++) {
    const v = x[i] ?? outOfRange();
    if (v !== v || v === a || v === b || !inTable(dims, i)) continue;
    if (a !== a) a = v;
    else if (b !== b) b = v;
    else return null;
  }
  if (a !== a) return null;
  if (b !== b) b = a;
  return a <= b ? [a, b] : [b, a];
}

/** Per cell (margins included), the rows at each of an indicator's two values. */
function rowsAtValues(cellOf: Int32Array, x: Float64Array, low: number, grid: Grid, nCells: number, count: Float64Array): { atLow: Float64Array; atHigh: Float64Array } {
  const atLow = new Float64Array(nCells);
  const countAtLow = (c: number) => (atLow[c] = (atLow[c] ?? outOfRange()) + 1);
  for (let i = 0; i < cellOf.length; i++) {
    const cell = cellOf[i] ?? outOfRange();
    if (cell >= 0 && x[i] === low) forCellAndMargins(cell, grid, countAtLow);
  }
  const atHigh = new Float64Array(nCells);
  for (let c = 0; c < nCells; c++) atHigh[c] = (count[c] ?? outOfRange()) - (atLow[c] ?? outOfRange());
  return { atLow, atHigh };
}

/** A growable typed array of (cell, unit) pairs in the order a unit walk emits them. */
class Pairs {
  cell: Uint32Array;
  unit: Uint32Array;
  /** 1 when the unit has a non-missing measure value in the cell (a contributor). */
  has: Uint8Array;
  total: Float64Array | null;
  length = 0;

  /** `expected`: a first guess at the number of pairs (grown by doubling beyond it). */
  constructor(keepTotals: boolean, expected: number) {
    const size = Math.max(1024, expected);
    this.cell = new Uint32Array(size);
    this.unit = new Uint32Array(size);
    this.has = new Uint8Array(size);
    this.total = keepTotals ? new Float64Array(size) : null;
  }

  push(cell: number, unit: number, has: number, total: number): void {
    if (this.length === this.cell.length) this.grow();
    this.cell[this.length] = cell;
    this.unit[this.length] = unit;
    this.has[this.length] = has;
    if (this.total) this.total[this.length] = total;
    this.length++;
  }

  private grow(): void {
    const size = this.cell.length * 2;
    const copy = <T extends Uint32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.cell = copy(this.cell, (n) => new Uint32Array(n));
    this.unit = copy(this.unit, (n) => new Uint32Array(n));
    this.has = copy(this.has, (n) => new Uint8Array(n));
    if (this.total) this.total = copy(this.total, (n) => new Float64Array(n));
  }

  /** Group sets over cells (CSR); `only` keeps the pairs with `has` set. Units stay ascending. */
  sets(nCells: number, sizes: Float64Array, only: boolean): { offsets: Uint32Array; ids: Uint32Array } {
    const offsets = new Uint32Array(nCells + 1);
    let end = 0;
    for (let c = 0; c < nCells; c++) {
      end += sizes[c] ?? outOfRange();
      offsets[c + 1] = end;
    }
    const fill = offsets.slice(0, nCells);
    const ids = new Uint32Array(end);
    const { cell, unit, has } = this;
    for (let j = 0; j < this.length; j++) {
      if (only && !has[j]) continue;
      const c = cell[j] ?? outOfRange();
      const k = fill[c] ?? outOfRange();
      fill[c] = k + 1;
      ids[k] = unit[j] ?? outOfRange();
    }
    return { offsets, ids };
  }
}

interface UnitResult {
  acc: Accumulator;
  units: UnitMembership;
  medians: Float64Array | null;
  atValues: { atLow: Float64Array; atHigh: Float64Array } | null;
}

/**
 * The unit-mode cells: rows ordered by unit (counting sort), then each unit's rows visited
 * together, adding its values per cell and margin touched; when the unit is done each of its
 * cells receives one contribution, its total. `two` marks an indicator's values, so the
 * units with a row at each can be counted.
 */
function unitContributions(
  cellOf: Int32Array,
  unitCol: CategoryColumn,
  column: string,
  x: Float64Array | null,
  grid: Grid,
  nCells: number,
  opts: { topK: number; statistic: TableStatistic; two: [number, number] | null },
): UnitResult {
  const ids = unitIds(unitCol.dict);
  const nUnits = ids.values.length;
  const start = new Int32Array(nUnits + 1);
  const unitCodes = unitCol.codes;
  let missingUnit = 0;
  // Index loops, not `for…of entries()`: V8 allocates each [index, value] pair of a typed
  // array's entries (measured 100x slower on 1M rows), where `?? outOfRange()` costs nothing.
  for (let i = 0; i < cellOf.length; i++) {
    if ((cellOf[i] ?? outOfRange()) < 0) continue;
    const code = unitCodes[i] ?? outOfRange();
    const u = code < 0 ? -1 : (ids.code[code] ?? outOfRange());
    if (u < 0) missingUnit++;
    else start[u + 1] = (start[u + 1] ?? outOfRange()) + 1;
  }
  if (missingUnit > 0) {
    // A row that belongs to no unit could be anyone's: counting it as a unit of its own
    // would inflate the counts, so the output is refused rather than guessed at.
    throw new AirlockError('MICRODATA_INVALID', `${missingUnit} row(s) in the table have no value in the unit column "${column}"`, [
      { column, message: `${missingUnit} row(s) without a unit` },
    ]);
  }
  let m = 0;
  for (let u = 0; u < nUnits; u++) {
    m += start[u + 1] ?? outOfRange();
    start[u + 1] = m;
  }
  // The rows' cells and values in unit order, so the walk below reads them sequentially.
  const cellByUnit = new Int32Array(m);
  const xByUnit = x === null ? null : new Float64Array(m);
  const fill = start.slice(0, nUnits);
  for (let i = 0; i < cellOf.length; i++) {
    const cell = cellOf[i] ?? outOfRange();
    if (cell < 0) continue;
    // Every row in a cell has a unit: the count above refused the output otherwise.
    const u = ids.code[unitCodes[i] ?? outOfRange()] ?? outOfRange();
    const k = fill[u] ?? outOfRange();
    fill[u] = k + 1;
    cellByUnit[k] = cell;
    if (xByUnit !== null && x !== null) xByUnit[k] = x[i] ?? outOfRange();
  }

  const acc = new Accumulator(nCells, opts.topK, x !== null, opts.statistic === 'std');
  const pairs = new Pairs(opts.statistic === 'median', m);
  const two = opts.two;
  const atLow = two ? new Float64Array(nCells) : null;
  const atHigh = two ? new Float64Array(nCells) : null;
  // Per cell, the unit last seen there and its running total: reset lazily when a new unit touches it.
  const stamp = new Int32Array(nCells).fill(-1);
  const total = new Float64Array(nCells);
  const has = new Uint8Array(nCells);
  const bits = new Uint8Array(nCells);
  const touched = new Int32Array(nCells);
  const groups = new Int32Array(4);
  const { nC, rowM, colM } = grid;
  const low = two ? two[0] : NaN;
  let end = 0;
  for (let u = 0; u < nUnits; u++) {
    let nTouched = 0;
    // start[u] is the previous unit's end: one read per unit.
    const from = end;
    end = start[u + 1] ?? outOfRange();
    for (let k = from; k < end; k++) {
      const cell = cellByUnit[k] ?? outOfRange();
      const v = xByUnit === null ? NaN : (xByUnit[k] ?? outOfRange());
      // The cell and the margins over it (the same cells `forCellAndMargins` visits), inline: this is the hot loop.
      const r = Math.floor(cell / nC);
      let ng = 0;
      groups[ng++] = cell;
      if (colM >= 0) groups[ng++] = r * nC + colM;
      if (rowM >= 0) groups[ng++] = rowM * nC + (cell - r * nC);
      if (rowM >= 0 && colM >= 0) groups[ng++] = rowM * nC + colM;
      for (let j = 0; j < ng; j++) {
        const c = groups[j] ?? outOfRange();
        if (stamp[c] !== u) {
          stamp[c] = u;
          total[c] = 0;
          has[c] = 0;
          bits[c] = 0;
          touched[nTouched++] = c;
        }
        if (v === v) {
          total[c] = (total[c] ?? outOfRange()) + v;
          has[c] = 1;
          if (two) bits[c] = (bits[c] ?? outOfRange()) | (v === low ? 1 : 2);
        }
      }
    }
    const { records, count, missing } = acc;
    for (let j = 0; j < nTouched; j++) {
      const c = touched[j] ?? outOfRange();
      const unitTotal = total[c] ?? outOfRange();
      const unitHas = has[c] ?? outOfRange();
      records[c] = (records[c] ?? outOfRange()) + 1;
      if (x === null) count[c] = (count[c] ?? outOfRange()) + 1;
      else if (unitHas) acc.addContribution(c, unitTotal);
      else missing[c] = (missing[c] ?? outOfRange()) + 1;
      if (atLow && atHigh) {
        const b = bits[c] ?? outOfRange();
        atLow[c] = (atLow[c] ?? outOfRange()) + (b & 1);
        atHigh[c] = (atHigh[c] ?? outOfRange()) + (b >> 1);
      }
      pairs.push(c, u, x === null ? 1 : unitHas, unitTotal);
    }
  }
  const units: UnitMembership = { column, values: ids.values, ...pairs.sets(nCells, acc.records, false) };
  if (x !== null) units.contributors = pairs.sets(nCells, acc.count, true);
  let medians: Float64Array | null = null;
  if (pairs.total) {
    const buckets: number[][] = Array.from({ length: nCells }, () => []);
    const totals = pairs.total;
    for (let j = 0; j < pairs.length; j++) if (pairs.has[j]) at(buckets, pairs.cell[j] ?? outOfRange()).push(totals[j] ?? outOfRange());
    medians = mediansOf(buckets);
  }
  return { acc, units, medians, atValues: atLow && atHigh ? { atLow, atHigh } : null };
}

/** Min/max of an accumulator as the table publishes them: NaN for cells without contributions. */
function extremesOf(acc: Accumulator, nCells: number): { min: Float64Array; max: Float64Array } {
  const min = new Float64Array(nCells).fill(NaN);
  const max = new Float64Array(nCells).fill(NaN);
  if (acc.extremes) {
    for (let c = 0; c < nCells; c++) {
      if ((acc.count[c] ?? outOfRange()) > 0) {
        min[c] = acc.min[c] ?? outOfRange();
        max[c] = acc.max[c] ?? outOfRange();
      }
    }
  }
  return { min, max };
}

/**
 * Computes the table a spec describes from columnar microdata. Throws `UNKNOWN_COLUMN`
 * when the spec names a column the data does not have, `TABLE_TOO_LARGE` above `maxCells`,
 * `MICRODATA_INVALID` when a row of the table has no unit, `SPEC_INVALID` when a declared
 * structural zero is not an empty cell of the table.
 */
export function buildTable(data: Columnar, spec: TableSpec, opts: BuildOptions): CellTable {
  const n = data.nRows;
  const rowCols = spec.index.map((v) => categoryColumn(data, v));
  const colCols = spec.columns.map((v) => categoryColumn(data, v));
  const unitCol = spec.unit !== null ? categoryColumn(data, spec.unit) : null;
  let measure: NumberColumn | null = null;
  if (spec.values !== null) {
    const m = data.columns.get(spec.values);
    if (!m || m.type !== 'number') throw new AirlockError('UNKNOWN_COLUMN', `the microdata has no measure column "${spec.values}"${suggestion(spec.values, data.columns.keys())}`);
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
  const values = measure ? measure.values : null;
  // With units, the row pass only finds which categories occur; the unit walk does the rest.
  const rowValues = unitCol ? null : values;
  const raw = new Accumulator(
    dims.reduce((a, d) => a * d.dict.length, 1),
    opts.topK,
    rowValues !== null,
    rowValues !== null && statistic === 'std',
    statistic === 'min' || statistic === 'max',
  );
  accumulate(raw, dims, rowValues, n);

  const present = presentCategories(raw, dims);
  const nRowVars = rowCols.length;
  const rowPlan = planAxis(spec.index, dims.slice(0, nRowVars), present.slice(0, nRowVars), spec.margins);
  const colPlan = planAxis(spec.columns, dims.slice(nRowVars), present.slice(nRowVars), spec.margins);
  const nR = rowPlan.axis.keys.length;
  const nC = colPlan.axis.keys.length;
  const nCells = nR * nC;
  if (nCells > opts.maxCells) throw tooLarge(nCells, opts.maxCells);
  const grid: Grid = { nC, rowM: rowPlan.axis.margin, colM: colPlan.axis.margin };

  const cellOfRaw = tableCells(raw, dims, rowPlan, colPlan, nC);
  const two = values !== null && (statistic === 'sum' || statistic === 'mean') ? twoValues(dims, values, n) : null;
  let acc: Accumulator;
  let medians: Float64Array | null = null;
  let units: UnitMembership | null = null;
  let atValues: { atLow: Float64Array; atHigh: Float64Array } | null = null;
  if (unitCol && spec.unit !== null) {
    const r = unitContributions(rowCells(dims, n, cellOfRaw), unitCol, spec.unit, values, grid, nCells, { topK: opts.topK, statistic, two });
    ({ acc, medians, units, atValues } = r);
  } else {
    acc = new Accumulator(nCells, opts.topK, raw.extremes, raw.moments);
    for (let r = 0; r < raw.nCells; r++) {
      const cell = cellOfRaw[r] ?? outOfRange();
      if (cell >= 0) acc.merge(cell, r, raw);
    }
    const { rowM, colM } = grid;
    if (colM >= 0) for (let r = 0; r < nR; r++) if (r !== rowM) for (let c = 0; c < nC; c++) if (c !== colM) acc.merge(r * nC + colM, r * nC + c);
    if (rowM >= 0) for (let c = 0; c < nC; c++) for (let r = 0; r < nR; r++) if (r !== rowM) acc.merge(rowM * nC + c, r * nC + c);
    if ((statistic === 'median' || two) && values) {
      // Medians and an indicator's counts need the rows again: a second pass, for these tables only.
      const cellOf = rowCells(dims, n, cellOfRaw);
      if (statistic === 'median') medians = cellMedians(cellOf, values, grid, nCells);
      if (two) atValues = rowsAtValues(cellOf, values, two[0], grid, nCells, acc.count);
    }
  }
  const value = new Float64Array(nCells);
  for (let c = 0; c < nCells; c++) value[c] = publishedValue(statistic, acc, c, measure !== null, medians);
  const measureValues: MeasureValues = two && atValues ? { values: 'two', low: two[0], high: two[1], ...atValues } : { values: 'many' };

  const t: CellTable = {
    statistic,
    source: 'microdata',
    measure: spec.values,
    unit: spec.unit,
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
    ...extremesOf(acc, nCells),
    distinct: new Float64Array(nCells).fill(NaN),
    measureValues,
    suppressed: new Uint8Array(nCells),
    declaredZero: new Uint8Array(nCells),
    evidenceTrusted: true, // computed here from the microdata: the evidence is airlock's own
    units,
  };
  markDeclaredZeros(t, spec.structuralZeros, `${opts.pointer ?? ''}/spec/structural_zeros`);
  return t;
}
