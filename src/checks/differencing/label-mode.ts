/**
 * Label-mode differencing of two outputs (sdc-rules.md "Differencing → Label mode"): groups
 * are matched by normalised variable names and labels (`LabelForm`), and what an attacker
 * holding both outputs can compute is compared.
 *
 * - **Groups** (sizes: units or records, whatever measure is missing). Both outputs are
 *   reduced to the margins over the variables they share — a 1-D table is compared with the
 *   margin of a 2-D table over its variable, a table by (region, sex) with one by (region, age)
 *   through their region margins — and then compared cell by cell over the categories both have
 *   (every margin included, `compareTables` in `../differencing.ts`), or by population total
 *   when they share no variable or category. Categories one table lacks are compared through
 *   the totals they fall into. Survival risk sets are nested: they are compared time by time
 *   with other curves, and the first one as the population total.
 * - **Values** (same normalised measure only): contributor counts `c`, `c'` of one group fail
 *   when `0 < |c − c'| < threshold` (the sums over them give the others' total); with equal
 *   counts the sums must agree as intervals of their printed precision (a top-coded
 *   re-release of the same group fails, an identical one passes). Different measures are never
 *   compared: mean age over 200 and mean BMI over the 197 with a BMI pass ("Table 1").
 *
 * Bars of an unnamed variable are matched with the table variable whose categories include
 * all their labels (or are all among them).
 *
 * @example
 * compareLabelForms(a, b, 10) // [{ layer: 'group', labels: { region: 'north' }, mine: 40, other: 37, difference: 3, … }]
 */
import { TooLargeToCompareError } from '../../errors.js';
import { MARGIN_LABEL } from '../../outputs/table/cell-table.js';
import type { LabelCell, LabelForm } from '../../history/label-form.js';
import { CATEGORIES_DIM } from '../../history/label-form.js';
import type { PreparedTable } from '../differencing.js';
import type { ComparedCell, ComparedTable } from '../../outputs/table/published-table.js';
import { compareTables, isDisclosiveDifference, planComparison, prepareTable, totalsCompared } from '../differencing.js';
import { nullRecord, recordFrom } from '../../lib/null-record.js';
import { at, entry, got } from '../../lib/invariant.js';

/** One disclosive difference between two label forms. */
export interface LabelDifference {
  /** `group`: sizes; `count`: contributors of one measure; `sum`: equal contributors, different sums. */
  layer: 'group' | 'count' | 'sum';
  /** The group, over the variables both outputs share (`All` where summed out). */
  labels: Record<string, string>;
  /** This output's figure (size, contributors, or the sum's midpoint). */
  mine: number;
  other: number;
  /** `mine − other` (for `sum`, the gap between the two intervals). */
  difference: number;
  /** Summed over the categories both share only, not as either output publishes it. */
  collapsed: boolean;
  /** The measure, for the values layers. */
  measure?: string;
  /** How this output names the group (plot items, summary statistics). */
  ref?: string;
}

/** The most cube positions a projection may have (2^dims × cells); beyond it only totals compare. */
const MAX_PROJECTION = 2_000_000;

function interior(c: LabelCell, dims: readonly string[]): boolean {
  for (const d of dims) if (c.labels[d] === MARGIN_LABEL) return false;
  return true;
}

/** A form with one pseudo-dimension renamed (bars matched to a table variable). */
function renamed(f: LabelForm, from: string, to: string): LabelForm {
  if (from === to) return f;
  return {
    ...f,
    dims: f.dims.map((d) => (d === from ? to : d)).sort(),
    cells: f.cells.map((c) => {
      const labels: Record<string, string> = nullRecord<string>();
      for (const [k, v] of Object.entries(c.labels)) labels[k === from ? to : k] = v;
      return { ...c, labels };
    }),
  };
}

function categories(f: LabelForm, dim: string): Set<string> {
  const out = new Set<string>();
  for (const c of f.cells) {
    const l = c.labels[dim];
    if (l !== undefined && l !== MARGIN_LABEL) out.add(l);
  }
  return out;
}

/** Renames a bar chart's `(categories)` to the other form's variable whose categories contain all of its labels, or all of whose are among them. */
function matchCategories(a: LabelForm, b: LabelForm): LabelForm {
  if (!a.dims.includes(CATEGORIES_DIM) || b.dims.includes(CATEGORIES_DIM)) return a;
  const mine = categories(a, CATEGORIES_DIM);
  let best: string | null = null;
  let overlap = 0;
  for (const d of b.dims) {
    const theirs = categories(b, d);
    let common = 0;
    for (const x of mine) if (theirs.has(x)) common++;
    if ((common === mine.size || common === theirs.size) && common > overlap) {
      best = d;
      overlap = common;
    }
  }
  return best === null ? a : renamed(a, CATEGORIES_DIM, best);
}

/**
 * The form's groups over `dims` (a subset of its own): its published cells when nothing is
 * summed out, else its interior cells summed onto `dims`. Cells without the field are skipped.
 */
function project(f: LabelForm, dims: readonly string[], field: 'size' | 'count'): ComparedTable {
  if (dims.length === f.dims.length) {
    const cells: ComparedCell[] = [];
    for (const c of f.cells) {
      const count = c[field];
      if (count !== null) cells.push({ labels: c.labels, count });
    }
    return { dims, cells };
  }
  const sums = new Map<string, { labels: Record<string, string>; count: number }>();
  for (const c of f.cells) {
    const count = c[field];
    if (count === null || !interior(c, f.dims)) continue;
    const labels: Record<string, string> = nullRecord<string>();
    for (const d of dims) labels[d] = entry(c.labels, d);
    const key = JSON.stringify(dims.map((d) => labels[d]));
    const s = sums.get(key);
    if (s) s.count += count;
    else sums.set(key, { labels, count });
  }
  return { dims, cells: [...sums.values()] };
}

/** Whether a cell's label (absent when the cell lacks the variable) is one of `cats`. */
function hasLabel(cats: ReadonlySet<string>, label: string | undefined): boolean {
  return label !== undefined && cats.has(label);
}

/** The population total of a form's groups (published grand total, or the sum of its interior cells; a nested form's first group). */
const totals = new WeakMap<LabelForm, { size?: number | null; count?: number | null }>();

function total(f: LabelForm, field: 'size' | 'count'): number | null {
  const cached = totals.get(f);
  const known = cached?.[field];
  if (known !== undefined) return known;
  const t = computeTotal(f, field);
  totals.set(f, { ...cached, [field]: t });
  return t;
}

function computeTotal(f: LabelForm, field: 'size' | 'count'): number | null {
  // Null until a cell has the field: a form without any has no total.
  let sum: number | null = null;
  for (const c of f.cells) {
    const n = c[field];
    if (n === null) continue;
    if (f.nested) return n;
    if (f.dims.length > 0 && f.dims.every((d) => c.labels[d] === MARGIN_LABEL)) return n;
    sum ??= 0;
    if (interior(c, f.dims)) sum += n;
  }
  return sum;
}

/**
 * Prepared projections of long-lived forms (the history's), by dims: a request compares its
 * outputs with thousands of earlier ones, each prepared once. Null when too large to prepare.
 */
const prepared = new WeakMap<LabelForm, Map<string, PreparedTable | null>>();

function preparedOf(f: LabelForm, dims: readonly string[]): PreparedTable | null {
  let byDims = prepared.get(f);
  if (!byDims) {
    byDims = new Map();
    prepared.set(f, byDims);
  }
  const key = dims.join('\u0000');
  if (!byDims.has(key)) {
    let p: PreparedTable | null = null;
    try {
      p = prepareTable(project(f, dims, 'size'));
    } catch (e) {
      if (!(e instanceof TooLargeToCompareError)) throw e;
    }
    byDims.set(key, p);
  }
  return got(byDims, key);
}

/** Cell differences of two projected tables over the same dims, or their totals when they share no category. */
function compareProjected(a: ComparedTable | PreparedTable | null, b: ComparedTable | PreparedTable | null, threshold: number, totals: { a: number | null; b: number | null }, dims: readonly string[]): { labels: Record<string, string>; mine: number; other: number; collapsed: boolean }[] {
  const out: { labels: Record<string, string>; mine: number; other: number; collapsed: boolean }[] = [];
  let cells: ReturnType<typeof compareTables> = null;
  let same = false;
  try {
    const pa = a === null ? null : 'layout' in a ? a : prepareTable(a);
    const pb = b === null ? null : 'layout' in b ? b : prepareTable(b);
    if (pa && pb) {
      cells = compareTables(pa, pb, threshold, planComparison(pa.layout, pb.layout));
      same = cells !== null && totalsCompared(pa, pb);
    }
  } catch (e) {
    if (!(e instanceof TooLargeToCompareError)) throw e;
  }
  for (const c of cells ?? []) out.push({ labels: c.labels, mine: c.count, other: c.other, collapsed: c.collapsed });
  // Totals compare whatever the cells did, unless the cell comparison already covered them.
  if (!same && totals.a !== null && totals.b !== null && isDisclosiveDifference(totals.a - totals.b, threshold)) {
    const labels: Record<string, string> = nullRecord<string>();
    for (const d of dims) labels[d] = MARGIN_LABEL;
    if (!out.some((o) => dims.every((d) => o.labels[d] === MARGIN_LABEL))) out.push({ labels, mine: totals.a, other: totals.b, collapsed: false });
  }
  return out;
}

interface ValueCell {
  count: number;
  lo: number;
  hi: number;
  collapsed: boolean;
}

/** Contributors and sums of a form's groups of its measure over `dims`, restricted to `cats`, every margin over them added. */
function valueCube(f: LabelForm, dims: readonly string[], cats: readonly Set<string>[], partial: readonly boolean[]): Map<string, ValueCell> | null {
  const out = new Map<string, ValueCell>();
  const k = dims.length;
  const cells = f.cells.filter((c): c is LabelCell & { count: number } => c.count !== null && interior(c, f.dims));
  if (cells.length * 2 ** k > MAX_PROJECTION) return null;
  for (const c of cells) {
    if (dims.some((d, i) => !hasLabel(at(cats, i), c.labels[d]))) continue;
    for (let mask = 0; mask < 2 ** k; mask++) {
      const key = JSON.stringify(dims.map((d, i) => ((mask >> i) & 1 ? MARGIN_LABEL : c.labels[d])));
      let collapsed = false;
      for (let i = 0; i < k; i++) if ((mask >> i) & 1 && partial[i]) collapsed = true;
      const v = out.get(key) ?? { count: 0, lo: 0, hi: 0, collapsed };
      v.count += c.count;
      v.lo += c.sum ? c.sum[0] : Number.NaN;
      v.hi += c.sum ? c.sum[1] : Number.NaN;
      out.set(key, v);
    }
  }
  return out;
}

/** Values-layer differences of two forms of one measure over their shared variables. */
function compareValues(a: LabelForm, b: LabelForm, measure: string, dims: readonly string[], threshold: number): LabelDifference[] {
  const catsA = dims.map((d) => categories(a, d));
  const catsB = dims.map((d) => categories(b, d));
  const common = catsA.map((ca, i) => new Set([...ca].filter((x) => at(catsB, i).has(x))));
  if (common.some((c) => c.size === 0)) return [];
  const partial = common.map((c, i) => c.size !== at(catsA, i).size || c.size !== at(catsB, i).size);
  const va = valueCube(a, dims, common, partial);
  const vb = valueCube(b, dims, common, partial);
  if (va === null || vb === null) return [];
  const out: LabelDifference[] = [];
  for (const [key, x] of va) {
    const y = vb.get(key);
    if (!y) continue;
    const parts = JSON.parse(key) as string[];
    const labels: Record<string, string> = nullRecord<string>();
    dims.forEach((d, i) => (labels[d] = at(parts, i)));
    const collapsed = x.collapsed || y.collapsed;
    if (isDisclosiveDifference(x.count - y.count, threshold)) {
      out.push({ layer: 'count', labels, mine: x.count, other: y.count, difference: x.count - y.count, collapsed, measure });
    } else if (x.count === y.count && x.count > 0 && Number.isFinite(x.lo) && Number.isFinite(y.lo)) {
      // Equal contributor sets must give equal sums: disjoint intervals reveal a changed value.
      const gap = x.lo > y.hi ? x.lo - y.hi : y.lo > x.hi ? -(y.lo - x.hi) : 0;
      if (gap !== 0 && Math.abs(gap) > 1e-9 * Math.max(Math.abs(x.hi), Math.abs(y.hi), 1)) {
        out.push({ layer: 'sum', labels, mine: (x.lo + x.hi) / 2, other: (y.lo + y.hi) / 2, difference: gap, collapsed, measure });
      }
    }
  }
  return out;
}

/**
 * The disclosive differences between two label forms (see the module comment); empty when
 * nothing an attacker can compute from both differs by between 1 and `threshold − 1`.
 *
 * @example compareLabelForms(tableForm, summaryForm, 10).map((d) => d.layer) // ['count']
 */
export function compareLabelForms(a0: LabelForm, b0: LabelForm, threshold: number): LabelDifference[] {
  const out = compareAligned(a0, b0, threshold);
  // A variable one form fixes (`region = s`) and the other has as a dimension: beside its
  // `region = s` slice (compared above), the other publishes its margin over region — the
  // whole population, of which the fixed form is a part, as an output without the variable
  // would. With its interior suppressed, the slice shows nothing and only the margin betrays
  // the suppressed cell (by sex: all 33 women − region s's 30 = region n's 3).
  if (!a0.nested && !b0.nested) {
    const mine = a0.dims.filter((d) => b0.constants[d] !== undefined);
    const theirs = b0.dims.filter((d) => a0.constants[d] !== undefined);
    const marginOfMine = mine.length ? summedOut(a0, mine) : null;
    if (marginOfMine) {
      for (const d of compareAligned(marginOfMine, b0, threshold)) {
        const labels: Record<string, string> = nullRecord<string>();
        for (const v of a0.dims) labels[v] = d.labels[v] ?? MARGIN_LABEL;
        out.push({ ...d, labels });
      }
    }
    const marginOfTheirs = theirs.length ? summedOut(b0, theirs) : null;
    if (marginOfTheirs) out.push(...compareAligned(a0, marginOfTheirs, threshold));
  }
  return out;
}

/**
 * The form's margin over `vars`: its published cells with each of `vars` summed out (labelled
 * `All`), those variables dropped. Null when it publishes no such cell.
 */
function summedOut(f: LabelForm, vars: readonly string[]): LabelForm | null {
  const cells: LabelCell[] = [];
  for (const c of f.cells) {
    if (!vars.every((v) => c.labels[v] === MARGIN_LABEL)) continue;
    const labels: Record<string, string> = nullRecord<string>();
    for (const d of f.dims) if (!vars.includes(d)) labels[d] = entry(c.labels, d);
    cells.push({ ...c, labels });
  }
  return cells.length ? { ...f, dims: f.dims.filter((d) => !vars.includes(d)), cells } : null;
}

/** `compareLabelForms` of two forms as they are: constants aligned, no margin taken. */
function compareAligned(a0: LabelForm, b0: LabelForm, threshold: number): LabelDifference[] {
  const sliced = alignConstants(a0, b0);
  if (sliced === null) return [];
  const a = matchCategories(sliced[0], sliced[1]);
  const b = matchCategories(sliced[1], a);
  const out: LabelDifference[] = [];
  const refOf = (labels: Record<string, string>) => (a.dims.length && a.dims.every((d) => labels[d] !== undefined) ? a.cells.find((c) => a.dims.every((d) => c.labels[d] === labels[d]))?.ref : undefined);
  // Groups.
  if (a.nested || b.nested) {
    const sameDims = a.nested && b.nested && a.dims.join('\u0000') === b.dims.join('\u0000');
    if (sameDims) {
      for (const d of compareProjected(project(a, a.dims, 'size'), project(b, b.dims, 'size'), threshold, { a: null, b: null }, a.dims)) {
        out.push({ layer: 'group', labels: d.labels, mine: d.mine, other: d.other, difference: d.mine - d.other, collapsed: d.collapsed, ...withRef(a.cells.find((c) => c.labels[at(a.dims, 0)] === d.labels[at(a.dims, 0)])?.ref) });
      }
    } else {
      const ta = total(a, 'size');
      const tb = total(b, 'size');
      if (ta !== null && tb !== null && isDisclosiveDifference(ta - tb, threshold)) out.push({ layer: 'group', labels: nullRecord<string>(), mine: ta, other: tb, difference: ta - tb, collapsed: false, ...withRef(a.nested ? a.cells[0]?.ref : undefined) });
    }
  } else {
    const dims = a.dims.filter((d) => b.dims.includes(d));
    const ta = total(a, 'size');
    const tb = total(b, 'size');
    if (dims.length === 0) {
      // No shared variable: the population totals are all there is to compare.
      if (ta !== null && tb !== null && isDisclosiveDifference(ta - tb, threshold)) out.push({ layer: 'group', labels: nullRecord<string>(), mine: ta, other: tb, difference: ta - tb, collapsed: false, ...withRef(refOf(nullRecord<string>())) });
    } else if (a.cells.some((c) => c.size !== null) && b.cells.some((c) => c.size !== null)) {
      for (const d of compareProjected(preparedOf(a, dims), preparedOf(b, dims), threshold, { a: ta, b: tb }, dims)) {
        out.push({ layer: 'group', labels: d.labels, mine: d.mine, other: d.other, difference: d.mine - d.other, collapsed: d.collapsed, ...withRef(refOf(d.labels)) });
      }
    }
  }
  // Values: one measure.
  if (a.measure !== null && a.measure === b.measure && !a.nested && !b.nested) {
    const dims = a.dims.filter((d) => b.dims.includes(d));
    for (const d of compareValues(a, b, a.measure, dims, threshold)) out.push({ ...d, ...withRef(refOf(d.labels) ?? (dims.length === 0 ? a.cells[0]?.ref : undefined)) });
  }
  // A group compared over fewer variables is this output's margin over the others.
  for (const d of out) {
    if (d.ref !== undefined || a.nested) continue;
    const labels: Record<string, string> = nullRecord<string>();
    for (const v of a0.dims) labels[v] = d.labels[v] ?? a.constants[v] ?? MARGIN_LABEL;
    d.labels = labels;
  }
  return out;
}

/**
 * Constant dimensions as fixed labels: an output over `sex = F` only is compared with the
 * `sex = F` slice of an output by sex, and not at all with one over `sex = M` only (disjoint
 * populations). Null when the two are disjoint.
 */
function alignConstants(a: LabelForm, b: LabelForm): [LabelForm, LabelForm] | null {
  for (const [v, c] of Object.entries(a.constants)) if (b.constants[v] !== undefined && b.constants[v] !== c) return null;
  return [slice(a, b.constants), slice(b, a.constants)];
}

/** The part of a form where each of `constants`' variables that it has as a dimension takes that value (the variable dropped). */
export function slice(f: LabelForm, constants: Readonly<Record<string, string>>): LabelForm {
  const vars = Object.keys(constants).filter((v) => f.dims.includes(v));
  if (vars.length === 0) return f;
  const cells: LabelCell[] = [];
  for (const c of f.cells) {
    if (!vars.every((v) => c.labels[v] === constants[v])) continue;
    const labels: Record<string, string> = nullRecord<string>();
    for (const d of f.dims) if (!vars.includes(d)) labels[d] = entry(c.labels, d);
    cells.push({ ...c, labels });
  }
  const fixed = recordFrom(Object.entries(f.constants));
  for (const v of vars) fixed[v] = entry(constants, v);
  return { ...f, dims: f.dims.filter((d) => !vars.includes(d)), constants: fixed, cells };
}

/**
 * Disjoint pieces in label mode (sdc-rules.md "a union of at most four pairwise-disjoint such
 * sets"): outputs that each hold one value of the same constant variable (`sex = F`, `sex = M`)
 * are disjoint; their sum over the variables they share is compared with an output that does
 * not fix that variable (all − women − men: the people whose sex is missing). Returns the
 * differences on `target`'s groups.
 *
 * @example piecesDifferences(all, [women, men], 10)
 */
export function piecesDifferences(target: LabelForm, pieces: readonly LabelForm[], threshold: number): LabelDifference[] {
  if (pieces.length < 2 || target.nested || pieces.some((p) => p.nested)) return [];
  const dims = target.dims.filter((d) => pieces.every((p) => p.dims.includes(d)));
  const sum = new Map<string, { labels: Record<string, string>; count: number }>();
  for (const p of pieces) {
    for (const c of project(p, dims, 'size').cells) {
      const labels: Record<string, string> = nullRecord<string>();
      let margin = false;
      for (const d of dims) {
        labels[d] = entry(c.labels, d);
        if (labels[d] === MARGIN_LABEL) margin = true;
      }
      if (margin && dims.length === p.dims.length) continue;
      const key = JSON.stringify(dims.map((d) => labels[d]));
      const s = sum.get(key);
      if (s) s.count += c.count;
      else sum.set(key, { labels, count: c.count });
    }
  }
  const pa = project(target, dims, 'size');
  const pb: ComparedTable = { dims, cells: [...sum.values()] };
  if (pa.cells.length === 0 || pb.cells.length === 0) return [];
  const totals = pieces.map((p) => total(p, 'size'));
  // The pieces' total, unknown when any piece's is.
  let tb: number | null = 0;
  for (const x of totals) tb = tb === null || x === null ? null : tb + x;
  return compareProjected(pa, pb, threshold, { a: total(target, 'size'), b: tb }, dims).map((d) => ({ layer: 'group' as const, labels: d.labels, mine: d.mine, other: d.other, difference: d.mine - d.other, collapsed: d.collapsed }));
}

function withRef(ref: string | undefined): { ref?: string } {
  return ref === undefined ? {} : { ref };
}
