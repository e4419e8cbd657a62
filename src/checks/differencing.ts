/**
 * `differencing` (sdc-rules.md "Differencing"; docs/differencing.md): the cube comparison of two
 * tables' published cells, which label mode (`differencing/label-mode.ts`) runs on every pair
 * of outputs after reducing both to the variables they share (unit mode, `differencing/unit-mode.ts`,
 * compares unit sets instead). `src/pipeline/difference-outputs.ts` finds what to compare (the
 * request's other outputs, the population's history) and turns differences into findings.
 *
 * What is compared — what an attacker holding both published tables can compute, and no more:
 *
 * 1. **Cells, for two tables with the same dimension variables.** Each table is reduced to
 *    its interior cells (no label `All`); a table's categories of a variable are the labels
 *    its interior cells use. Both tables are *collapsed to the common categories*: per
 *    variable the intersection of the two category sets; when that is empty for any variable
 *    the tables describe disjoint parts of the dataset and no cell is compared. The collapsed
 *    table keeps the interior cells whose every label is a common category and adds every
 *    margin over those cells — each subset of the variables summed out (one-way margins,
 *    two-way margins, …, the grand total), labelled `All`. An attacker gets all of these by
 *    adding up published interior cells, so they are compared even when a table published no
 *    margins. When both tables use the same categories, the collapsed margins are exactly the
 *    published ones (a margin totals the interior cells: sdc-rules.md "Tables"). When they do
 *    not, a published margin totals categories the other table lacks, and its difference is
 *    the collapsed difference plus published cells of those categories, so it reveals nothing
 *    the collapsed comparison does not: only the collapsed margins are compared.
 *    Pre-aggregated input may publish a margin that is *not* the sum of its interior cells;
 *    such a margin is also compared as published (against the other table's published margin,
 *    or its sum of interior cells), where both tables use the same categories on every
 *    summed-out variable.
 * 2. **Population totals, for any two tables of the dataset**, whatever their variables: a
 *    table's population total is its published grand-total cell (every label `All`) or,
 *    without one, the sum of its interior cells — the number of records (frequency) or
 *    contributors (magnitude) it covers.
 *
 * A difference `d` fails when `0 < |d| < threshold`; equal counts and differences of at least
 * the threshold pass. Counts are compared for every statistic: for magnitude tables the
 * count is the number of contributors, which the decision publishes with each cell, so a
 * frequency table and a mean table of the same cells are compared too. Values (sums, means)
 * are not differenced, and messages give only differences of counts, never an earlier
 * release's cells. Not covered: sums over arbitrary subsets of categories other than the
 * common ones and all of them, and differences between tables with different variables other
 * than their totals.
 *
 * Labels: `All` marks a summed-out variable; in a cell that has an `All` label, an empty label
 * also does (a two-variable axis margin is `{ a: "All", b: "" }`). Microdata never has an
 * empty category (empty is missing), so this is unambiguous for computed tables.
 *
 * @example
 * const a = prepareTable({ dims: ['sex'], cells: [{ labels: { sex: 'F' }, count: 20 }, { labels: { sex: 'M' }, count: 30 }] });
 * const b = prepareTable({ dims: ['sex'], cells: [{ labels: { sex: 'F' }, count: 17 }, { labels: { sex: 'M' }, count: 30 }] });
 * compareTables(a, b, 10)?.map((d) => d.difference); // [3, 3]: F, and the grand total
 */
import { TooLargeToCompareError } from '../errors.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { MARGIN_LABEL } from '../outputs/table/cell-table.js';
import type { Check } from './check.js';
import type { PublishedCell, PublishedTable } from '../outputs/table/published-table.js';
import { nullRecord } from '../lib/null-record.js';

/**
 * The shape of a table's collapsed cube: its variables (sorted) and their categories. Tables
 * with the same layout compare position by position.
 */
export interface Layout {
  dims: readonly string[];
  /** Canonical key of `dims`. */
  dimsKey: string;
  /** Per variable (in `dims` order): its interior categories, sorted. */
  cats: readonly (readonly string[])[];
  /** Canonical key of `dims` and `cats`. */
  key: string;
  /** Per variable: categories + 1 (the last position is `All`). */
  sizes: readonly number[];
  /** Per variable: the cube stride (the last variable varies fastest). */
  strides: readonly number[];
  /** Number of cube positions: the product of `sizes`. */
  size: number;
}

/** A table ready for fast comparison: its layout, its cube of counts and its total. */
export interface PreparedTable {
  layout: Layout;
  /**
   * Counts at every combination of (category or `All`) per variable, `All` being the sum over
   * the table's own categories: the interior cells and every margin an attacker can add up.
   */
  cube: Float64Array;
  /** The population total (published grand total, or the sum of the interior cells). */
  total: number;
  /** Published margins that differ from the sum of their interior cells (pre-aggregated input). */
  irregular: readonly { pos: number; count: number }[];
}

/** One compared cell whose counts differ by `0 < |difference| < threshold`. */
export interface CellDifference {
  /** Variable → category, `All` for a summed-out variable. */
  labels: Record<string, string>;
  /** This table's count (over the common categories when `collapsed`). */
  count: number;
  /** The other table's count. */
  other: number;
  /** `count − other`. */
  difference: number;
  /** Summed over the common categories only, not as either table publishes it. */
  collapsed: boolean;
}

/**
 * The largest collapsed cube compared (positions): beyond it, comparing every margin would
 * cost more memory than a request may take, and the output goes to a checker instead.
 */
export const MAX_CUBE_POSITIONS = 4_000_000;

/** Whether a difference is disclosive: `0 < |d| < threshold`. */
export function isDisclosiveDifference(d: number, threshold: number): boolean {
  const a = Math.abs(d);
  return a > 0 && a < threshold;
}

function layoutOf(dims: readonly string[], cats: readonly (readonly string[])[]): Layout {
  const sizes = cats.map((c) => c.length + 1);
  const strides = new Array<number>(dims.length);
  let size = 1;
  for (let v = dims.length - 1; v >= 0; v--) {
    strides[v] = size;
    size *= sizes[v]!;
  }
  return { dims, dimsKey: JSON.stringify(dims), cats, key: JSON.stringify([dims, cats]), sizes, strides, size };
}

/** Adds every margin to a cube whose interior positions are filled (in place). */
function addMargins(cube: Float64Array, layout: Layout): void {
  for (let v = 0; v < layout.dims.length; v++) {
    const n = layout.sizes[v]! - 1;
    const inner = layout.strides[v]!;
    const block = inner * layout.sizes[v]!;
    for (let base = 0; base < layout.size; base += block) {
      const margin = base + n * inner;
      for (let k = 0; k < n; k++) {
        const from = base + k * inner;
        for (let i = 0; i < inner; i++) cube[margin + i] += cube[from + i]!;
      }
    }
  }
}

/** Per variable: category → its position in the layout. */
function categoryIndex(layout: Layout): Map<string, number>[] {
  return layout.cats.map((c) => new Map(c.map((x, i) => [x, i])));
}

/** The cube position of some labels in a layout, or −1 when a label is not one of its categories. */
function positionOf(layout: Layout, labels: Readonly<Record<string, string>>, index = categoryIndex(layout)): number {
  const dims = layout.dims;
  let margin = false;
  for (let v = 0; v < dims.length; v++) if (labels[dims[v]!] === MARGIN_LABEL) margin = true;
  let pos = 0;
  for (let v = 0; v < dims.length; v++) {
    const l = labels[dims[v]!]!;
    const i = l === MARGIN_LABEL || (margin && l === '') ? layout.cats[v]!.length : (index[v]!.get(l) ?? -1);
    if (i < 0) return -1;
    pos += i * layout.strides[v]!;
  }
  return pos;
}

/** The labels of a cube position (`All` where summed out). */
function labelsAt(layout: Layout, pos: number): Record<string, string> {
  const labels = nullRecord<string>();
  layout.dims.forEach((v, i) => {
    const k = Math.floor(pos / layout.strides[i]!) % layout.sizes[i]!;
    labels[v] = k === layout.cats[i]!.length ? MARGIN_LABEL : layout.cats[i]![k]!;
  });
  return labels;
}

/**
 * Prepares a published table for comparison: its layout, its cube (interior cells and every
 * margin over them) and its population total. Throws when the table is too large to compare
 * every margin (`MAX_CUBE_POSITIONS`); callers turn that into a review.
 *
 * @example prepareTable({ dims: ['sex'], cells: [{ labels: { sex: 'F' }, count: 12 }] }).total // 12
 */
export function prepareTable(t: PublishedTable): PreparedTable {
  const dims = [...t.dims].sort();
  const nd = dims.length;
  const sets = dims.map(() => new Set<string>());
  const interior: PublishedCell[] = [];
  const margins: PublishedCell[] = [];
  // Plain loops: history tables are prepared by the thousand when an index is first filled.
  for (const cell of t.cells) {
    let margin = false;
    for (let i = 0; i < nd; i++) if (cell.labels[dims[i]!] === MARGIN_LABEL) margin = true;
    if (margin) {
      margins.push(cell);
      continue;
    }
    interior.push(cell);
    for (let i = 0; i < nd; i++) sets[i]!.add(cell.labels[dims[i]!]!);
  }
  const layout = layoutOf(
    dims,
    sets.map((s) => [...s].sort()),
  );
  if (layout.size > MAX_CUBE_POSITIONS) throw new TooLargeToCompareError(`${layout.size} margin combinations exceed ${MAX_CUBE_POSITIONS}`);
  const cube = new Float64Array(layout.size);
  const index = categoryIndex(layout);
  for (const cell of interior) {
    let pos = 0;
    for (let i = 0; i < nd; i++) pos += index[i]!.get(cell.labels[dims[i]!]!)! * layout.strides[i]!;
    cube[pos] += cell.count;
  }
  addMargins(cube, layout);
  const grand = layout.size - 1;
  let total = cube[grand]!;
  const irregular: { pos: number; count: number }[] = [];
  for (const cell of margins) {
    const pos = positionOf(layout, cell.labels, index);
    if (pos < 0 || cube[pos] === cell.count) continue;
    irregular.push({ pos, count: cell.count });
    if (pos === grand) total = cell.count;
  }
  return { layout, cube, total, irregular };
}

/**
 * How two layouts line up: the same layout compares position by position; otherwise both
 * cubes are collapsed to the common categories. Null when the tables are not comparable
 * (different variables, or no common category for some variable). Plans depend only on the
 * layouts, so a caller comparing one table with many of one layout plans once.
 */
export interface ComparisonPlan {
  /** The layout compared on (the common categories). */
  layout: Layout;
  same: boolean;
  /** For a collapsed plan: each common interior position's position in `a`'s and `b`'s cubes. */
  fromA?: Int32Array;
  fromB?: Int32Array;
  /** Per position of `layout`: whether it sums over categories one of the tables has beyond the common ones. */
  collapsed?: Uint8Array;
  /** Working space of a collapsed comparison, reused by every comparison under this plan. */
  scratch?: Float64Array;
}

/**
 * Plans the comparison of two layouts (see `ComparisonPlan`).
 *
 * @example planComparison(a.layout, b.layout)?.same // true when both use the same categories
 */
export function planComparison(a: Layout, b: Layout): ComparisonPlan | null {
  if (a.dimsKey !== b.dimsKey) return null;
  if (a.key === b.key) return { layout: a, same: true };
  const common = a.cats.map((ca, v) => {
    const cb = new Set(b.cats[v]);
    return ca.filter((c) => cb.has(c));
  });
  if (common.some((c) => c.length === 0)) return null;
  const layout = layoutOf(a.dims, common);
  if (layout.size > MAX_CUBE_POSITIONS) throw new TooLargeToCompareError(`${layout.size} margin combinations exceed ${MAX_CUBE_POSITIONS}`);
  const inA = categoryIndex(a);
  const inB = categoryIndex(b);
  const idxA = common.map((c, v) => c.map((x) => inA[v]!.get(x)!));
  const idxB = common.map((c, v) => c.map((x) => inB[v]!.get(x)!));
  const fromA = new Int32Array(layout.size).fill(-1);
  const fromB = new Int32Array(layout.size).fill(-1);
  const collapsed = new Uint8Array(layout.size);
  const partial = common.map((c, v) => c.length !== a.cats[v]!.length || c.length !== b.cats[v]!.length);
  for (let pos = 0; pos < layout.size; pos++) {
    let pa = 0;
    let pb = 0;
    let interior = true;
    for (let v = 0; v < layout.dims.length; v++) {
      const k = Math.floor(pos / layout.strides[v]!) % layout.sizes[v]!;
      if (k === common[v]!.length) {
        interior = false;
        if (partial[v]) collapsed[pos] = 1;
        continue;
      }
      pa += idxA[v]![k]! * a.strides[v]!;
      pb += idxB[v]![k]! * b.strides[v]!;
    }
    if (interior) {
      fromA[pos] = pa;
      fromB[pos] = pb;
    }
  }
  return { layout, same: false, fromA, fromB, collapsed };
}

function collapse(t: PreparedTable, from: Int32Array, layout: Layout): Float64Array {
  const cube = new Float64Array(layout.size);
  for (let pos = 0; pos < layout.size; pos++) if (from[pos]! >= 0) cube[pos] = t.cube[from[pos]!]!;
  addMargins(cube, layout);
  return cube;
}

/** A published margin whose count is not its cells' sum, compared as published where both tables sum out the same categories. */
function irregularDifferences(a: PreparedTable, b: PreparedTable, threshold: number, out: CellDifference[], seen: Set<number>): void {
  if (a.irregular.length === 0 && b.irregular.length === 0) return;
  const pubA = new Map(a.irregular.map((x) => [x.pos, x.count]));
  const pubB = new Map(b.irregular.map((x) => [x.pos, x.count]));
  const positions: [number, number][] = [];
  for (const x of a.irregular) {
    const labels = labelsAt(a.layout, x.pos);
    const pb = positionOf(b.layout, labels);
    if (pb >= 0) positions.push([x.pos, pb]);
  }
  for (const x of b.irregular) {
    const labels = labelsAt(b.layout, x.pos);
    const pa = positionOf(a.layout, labels);
    if (pa >= 0 && !pubA.has(pa)) positions.push([pa, x.pos]);
  }
  for (const [pa, pb] of positions) {
    const labels = labelsAt(a.layout, pa);
    // A published margin stands for "all of this table's categories": it compares only where both tables have the same ones.
    const sameCats = a.layout.dims.every((v, i) => labels[v] !== MARGIN_LABEL || a.layout.cats[i]!.join('\u0000') === b.layout.cats[i]!.join('\u0000'));
    if (!sameCats || seen.has(pa)) continue;
    const ca = pubA.get(pa) ?? a.cube[pa]!;
    const cb = pubB.get(pb) ?? b.cube[pb]!;
    if (isDisclosiveDifference(ca - cb, threshold)) {
      seen.add(pa);
      out.push({ labels, count: ca, other: cb, difference: ca - cb, collapsed: false });
    }
  }
}

/**
 * The cells of `a` whose counts differ from `b`'s by `0 < |d| < threshold` (see the module
 * comment for which cells are compared); null when the tables are not comparable. Pass a
 * `plan` from `planComparison(a.layout, b.layout)` to reuse it across many `b`s of one layout.
 *
 * @example compareTables(a, b, 10) // [{ labels: { sex: 'F' }, count: 20, other: 17, difference: 3, collapsed: false }, …]
 */
export function compareTables(a: PreparedTable, b: PreparedTable, threshold: number, plan = planComparison(a.layout, b.layout)): CellDifference[] | null {
  if (plan === null) return null;
  // Most comparisons find nothing: scan first, allocating only when something differs.
  const irregular = a.irregular.length > 0 || b.irregular.length > 0;
  if (plan.same) {
    if (!irregular && !anyDisclosive(a.cube, b.cube, threshold)) return [];
    const out: CellDifference[] = [];
    const seen = new Set<number>();
    const ca = a.cube;
    const cb = b.cube;
    for (let pos = 0; pos < ca.length; pos++) {
      const d = ca[pos]! - cb[pos]!;
      if (isDisclosiveDifference(d, threshold)) {
        seen.add(pos);
        out.push({ labels: labelsAt(plan.layout, pos), count: ca[pos]!, other: cb[pos]!, difference: d, collapsed: false });
      }
    }
    irregularDifferences(a, b, threshold, out, seen);
    return out;
  }
  // The collapsed difference is the margins of the interior differences: one scratch cube, no allocation.
  const diff = (plan.scratch ??= new Float64Array(plan.layout.size));
  const fromA = plan.fromA!;
  const fromB = plan.fromB!;
  for (let pos = 0; pos < diff.length; pos++) diff[pos] = fromA[pos]! >= 0 ? a.cube[fromA[pos]!]! - b.cube[fromB[pos]!]! : 0;
  addMargins(diff, plan.layout);
  const out: CellDifference[] = [];
  if (anyDisclosive(diff, null, threshold)) {
    const ca = collapse(a, fromA, plan.layout);
    const cb = collapse(b, fromB, plan.layout);
    for (let pos = 0; pos < ca.length; pos++) {
      const d = ca[pos]! - cb[pos]!;
      if (isDisclosiveDifference(d, threshold)) {
        out.push({ labels: labelsAt(plan.layout, pos), count: ca[pos]!, other: cb[pos]!, difference: d, collapsed: plan.collapsed![pos] === 1 });
      }
    }
  }
  if (!irregular) return out;
  // Irregular margins are compared in `a`'s positions, which differ from the collapsed ones.
  const fromOwn: CellDifference[] = [];
  irregularDifferences(a, b, threshold, fromOwn, new Set());
  for (const f of fromOwn) if (!out.some((o) => sameLabels(o.labels, f.labels) && o.difference === f.difference)) out.push(f);
  return out;
}

/** Whether any position of `a − b` (or of `a` alone) is a disclosive difference. */
function anyDisclosive(a: Float64Array, b: Float64Array | null, threshold: number): boolean {
  for (let pos = 0; pos < a.length; pos++) {
    const d = b === null ? a[pos]! : a[pos]! - b[pos]!;
    if (d !== 0 && d < threshold && d > -threshold) return true;
  }
  return false;
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  return Object.keys(a).every((k) => a[k] === b[k]);
}

/**
 * Whether two tables' cell comparison already compares their population totals: with the
 * same categories the grand total is one of the compared cells (as published, when it is not
 * the sum of its cells), so a separate total comparison would repeat it.
 *
 * @example totalsCompared(a, b) // true for two tables with the same layout
 */
export function totalsCompared(a: PreparedTable, b: PreparedTable): boolean {
  return a.layout.key === b.layout.key;
}

/**
 * The registry entries of `differencing`, so rule files can enable it for tables, plots and
 * summaries. They find nothing on their own: differencing needs the request's other outputs
 * and the release history, which a per-output check never sees, so
 * `src/pipeline/difference-outputs.ts` runs it once every output is evaluated.
 *
 * @example differencing.run(table, params, ctx) // []
 */
export const differencing: Check<CellTable> = { id: 'differencing', kind: 'table', run: () => [] };
/** `differencing` for plots (bins, bars, slices, survival risk sets). */
export const differencingPlot: Check<unknown> = { id: 'differencing', kind: 'plot', run: () => [] };
/** `differencing` for summaries (each statistic's population). */
export const differencingSummary: Check<unknown> = { id: 'differencing', kind: 'summary', run: () => [] };
