/**
 * Unit-mode differencing of two outputs (sdc-rules.md "Differencing → What fails (groups) /
 * (values) / Unit mode"): exact comparison of unit sets, whatever the labels, variable names,
 * recodings, merged or added categories, extra dimensions or statistics.
 *
 * Everything derives from one **contingency**: for each pair of patterns (the atoms a unit is
 * in, on each side; "absent" when a unit is on one side only), how many units have it — one
 * merge of the two sorted unit lists. From it, exactly:
 * - **groups**: `g` of one output and `h` of the other fail when one contains the other and
 *   `0 < |g Δ h| < threshold` (only pairs whose exact sizes differ by 1…threshold−1 are looked at);
 * - **unions of one output's cells inside the other side**: the atoms of `b` inside `g` form
 *   `U ⊆ g`; fail when `0 < |g| − |U| < threshold` (a 1-D table against the sum of a 2-D table's cells);
 * - **unions of one output's cells that meet the other side**: the atoms of `b` meeting `g`
 *   form `U`; when `U ⊇ g`, fail when `0 < |U| − |g| < threshold` (merged categories `east+west`
 *   against `east` ∪ `west`, whatever else was removed);
 * - both ways round (`a`'s atoms against `b`'s groups);
 * - **values**: for groups of one measure, contributor sets `C ⊇ C'` with
 *   `0 < |C ∖ C'| < threshold` fail; equal contributor sets must have sums that agree as
 *   intervals of their printed precision.
 *
 * The same rules on the keyed **samples** of both outputs, with differences up to `tolerance`
 * sampled units treated as possibly disclosive, are the prefilter (`plausible`): an earlier
 * output that fails no rule there cannot fail exactly, except with the probability of a
 * binomial tail that `sampleTolerance` bounds below 1e-9.
 *
 * @example
 * const ct = contingency(mine, theirs);
 * unitDifferences(mine, theirs, ct, 10) // [{ group: 3, mine: 40, other: 39, difference: 1, otherSide: 'group region=north' }]
 */
import { TooLargeToCompareError } from '../../errors.js';
import type { UnitGroup, UnitMeta } from '../../history/unit-form.js';
import { SAMPLE_RATE } from '../../history/unit-form.js';
import { MARGIN_LABEL } from '../../outputs/table/cell-table.js';
import { addAt, at, outOfRange } from '../../lib/invariant.js';

/** What a side of a comparison offers: its units (sorted ids) and each one's pattern, with its metadata. */
export interface UnitSide extends UnitMeta {
  ids: Uint32Array;
  pattern: Uint32Array;
}

/** Units per pair of patterns; index `pa * (pb_count + 1) + pb`, the last of each being "absent". */
export interface Contingency {
  pa: number;
  pb: number;
  counts: Float64Array;
}

/** The largest contingency kept as a dense matrix (cells). */
export const MAX_CONTINGENCY = 4_000_000;

/** The most pattern × group work one comparison may do before it is handed to a checker. */
export const MAX_COMPARISON_WORK = 50_000_000;

/**
 * The contingency of two sides (one merge of their sorted ids). Throws `TooLargeToCompareError` when the
 * two outputs have too many patterns to compare (the caller turns that into a review).
 *
 * @example contingency(a, b).counts
 */
export function contingency(a: Pick<UnitSide, 'ids' | 'pattern' | 'patterns'>, b: Pick<UnitSide, 'ids' | 'pattern' | 'patterns'>): Contingency {
  const pa = a.patterns.length;
  const pb = b.patterns.length;
  const w = pb + 1;
  if ((pa + 1) * w > MAX_CONTINGENCY) throw new TooLargeToCompareError(`${pa} × ${pb} unit patterns exceed ${MAX_CONTINGENCY}`);
  const counts = mergeCounts(a.ids, a.pattern, null, pa, b.ids, b.pattern, null, pb);
  return { pa, pb, counts };
}

/**
 * One merge of two sorted unit lists, counting units per (class on a, class on b); a unit's
 * class is its pattern, or `mapX[pattern]` when given; the last class of each side is "absent".
 */
function mergeCounts(x: Uint32Array, px: Uint32Array, mapX: Int32Array | null, na: number, y: Uint32Array, py: Uint32Array, mapY: Int32Array | null, nb: number): Float64Array {
  const w = nb + 1;
  const counts = new Float64Array((na + 1) * w);
  const cx = (i: number) => (mapX ? (mapX[px[i] ?? outOfRange()] ?? outOfRange()) : px[i] ?? outOfRange());
  const cy = (j: number) => (mapY ? (mapY[py[j] ?? outOfRange()] ?? outOfRange()) : py[j] ?? outOfRange());
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const u = x[i] ?? outOfRange();
    const v = y[j] ?? outOfRange();
    if (u === v) addAt(counts, cx(i++) * w + cy(j++), 1);
    else if (u < v) addAt(counts, cx(i++) * w + nb, 1);
    else addAt(counts, na * w + cy(j++), 1);
  }
  for (; i < x.length; i++) addAt(counts, cx(i) * w + nb, 1);
  for (; j < y.length; j++) addAt(counts, na * w + cy(j), 1);
  return counts;
}

/**
 * The transposed contingency (b's view): the same counts, rows and columns swapped.
 *
 * @example transpose(contingency(a, b)).counts // equals contingency(b, a).counts
 */
export function transpose(ct: Contingency): Contingency {
  const { pa, pb, counts } = ct;
  const out = new Float64Array(counts.length);
  for (let i = 0; i <= pa; i++) for (let j = 0; j <= pb; j++) out[j * (pa + 1) + i] = (counts[i * (pb + 1) + j] ?? outOfRange());
  return { pa: pb, pb: pa, counts: out };
}

/** One disclosive (or, for the prefilter, possibly disclosive) difference found on side `a`. */
export interface UnitDifference {
  layer: 'units' | 'count' | 'sum';
  /** The group of `a` concerned, or null when it is a union of `a`'s atoms. */
  group: number | null;
  /** Labels or reference of what is compared on `a`'s side. */
  labels: Record<string, string>;
  ref?: string;
  mine: number;
  other: number;
  difference: number;
  /** How `b`'s side is formed. */
  otherSide: string;
  measure?: string;
}

/** Whether `0 < |d| < t`, or for the prefilter `|d| ≤ tolerance`. */
type Test = (d: number) => boolean;

/** Per group of a side: which of its patterns are in it (members, contributors), computed once per side. */
const flagCache = new WeakMap<UnitMeta, { m?: Uint8Array[]; c?: Uint8Array[] }>();

function flags(side: UnitMeta, which: 'm' | 'c'): Uint8Array[] {
  let cached = flagCache.get(side);
  if (!cached) {
    cached = {};
    flagCache.set(side, cached);
  }
  const hit = cached[which];
  if (hit) return hit;
  const out = side.groups.map((g) => {
    const atoms = new Set(g.atoms);
    return Uint8Array.from(side.patterns, (p) => (p[which].some((a) => atoms.has(a)) ? 1 : 0));
  });
  cached[which] = out;
  return out;
}

function describeGroup(g: UnitGroup | undefined): string {
  if (!g) return 'a group';
  if (g.ref) return g.ref;
  const l = g.labels ?? {};
  const parts = Object.entries(l);
  if (parts.length === 0 || parts.every(([, v]) => v === MARGIN_LABEL)) return 'the total';
  return parts.map(([k, v]) => `${k}=${v}`).join(', ');
}

/** The measure all of a group's atoms share, or null. */
function groupMeasure(side: UnitMeta, g: UnitGroup): string | null {
  const m = side.measures[g.atoms[0] ?? outOfRange()] ?? null;
  if (m === null) return null;
  return g.atoms.every((a) => side.measures[a] === m) ? m : null;
}

function groupSum(side: UnitMeta, g: UnitGroup): [number, number] | null {
  let lo = 0;
  let hi = 0;
  for (const a of g.atoms) {
    const s = side.sums[a];
    if (!s) return null;
    lo += s[0];
    hi += s[1];
  }
  return [lo, hi];
}

/**
 * The differences found on side `a` (see the module comment). With `tolerance` undefined the
 * comparison is exact and `threshold` decides; with a tolerance (sampled sides), any
 * difference of at most `tolerance` sampled units counts, for the prefilter.
 *
 * @example unitDifferences(a, b, contingency(a, b), 10).length
 */
export function unitDifferences(a: UnitMeta, b: UnitMeta, ct: Contingency, threshold: number, tolerance?: number): UnitDifference[] {
  const sampledMode = tolerance !== undefined;
  const disclosive: Test = sampledMode ? (d) => Math.abs(d) <= tolerance : (d) => d !== 0 && Math.abs(d) < threshold;
  const { pa, pb, counts } = ct;
  const w = pb + 1;
  if ((a.groups.length + b.groups.length) * (pa + 1) * w > MAX_COMPARISON_WORK) throw new TooLargeToCompareError('too many groups and patterns to compare by units');
  const out: UnitDifference[] = [];
  const inA = flags(a, 'm');
  const inB = flags(b, 'm');
  const cinA = flags(a, 'c');
  const cinB = flags(b, 'c');
  // Column totals of b's patterns (units of b, whether or not in a).
  const colTotal = new Float64Array(w);
  for (let i = 0; i <= pa; i++) for (let j = 0; j < w; j++) colTotal[j] = (colTotal[j] ?? outOfRange()) + (counts[i * w + j] ?? outOfRange());
  // Atom sizes of b and, per atom, its patterns.
  const patternsOfAtomB: number[][] = Array.from({ length: b.atoms }, () => []);
  b.patterns.forEach((p, j) => p.m.forEach((e) => at(patternsOfAtomB, e).push(j)));
  const atomSizeB = patternsOfAtomB.map((ps) => ps.reduce((s, j) => s + (colTotal[j] ?? outOfRange()), 0));

  a.groups.forEach((g, gi) => {
    // v[pb]: units of g by b-pattern (incl. absent from b).
    const v = new Float64Array(w);
    const cv = new Float64Array(w);
    const fg = at(inA, gi);
    const cfg = at(cinA, gi);
    for (let i = 0; i < pa; i++) {
      if (fg[i]) for (let j = 0; j < w; j++) v[j] = (v[j] ?? outOfRange()) + (counts[i * w + j] ?? outOfRange());
      if (cfg[i]) for (let j = 0; j < w; j++) cv[j] = (cv[j] ?? outOfRange()) + (counts[i * w + j] ?? outOfRange());
    }
    let size = 0;
    for (let j = 0; j < w; j++) size += v[j] ?? outOfRange();
    const exactSize = a.sizes[gi] ?? outOfRange();
    const labels = g.labels ?? {};
    const base = { group: gi, labels, ...(g.ref ? { ref: g.ref } : {}) };
    // Direct: g against each group h of b, when their exact sizes differ by 1 … threshold − 1.
    b.groups.forEach((h, hi) => {
      const sizeDiff = exactSize - (b.sizes[hi] ?? outOfRange());
      if (sizeDiff !== 0 && Math.abs(sizeDiff) < threshold) {
        const fh = at(inB, hi);
        let inter = 0;
        let hs = 0;
        for (let j = 0; j < pb; j++) if (fh[j]) {
          inter += v[j] ?? outOfRange();
          hs += colTotal[j] ?? outOfRange();
        }
        const contained = sampledMode ? size + hs - 2 * inter <= tolerance : inter === size || inter === hs;
        if (contained) out.push({ ...base, layer: 'units', mine: exactSize, other: b.sizes[hi] ?? outOfRange(), difference: sizeDiff, otherSide: `group "${describeGroup(h)}"` });
      }
      // Values: contributor sets of one measure.
      const m = groupMeasure(a, g);
      if (m === null || m !== groupMeasure(b, h)) return;
      const cDiff = (a.csizes[gi] ?? outOfRange()) - (b.csizes[hi] ?? outOfRange());
      if (Math.abs(cDiff) >= threshold) return;
      const cfh = at(cinB, hi);
      let cinter = 0;
      let cs = 0;
      let csA = 0;
      for (let j = 0; j < w; j++) csA += cv[j] ?? outOfRange();
      for (let j = 0; j < pb; j++) if (cfh[j]) {
        cinter += cv[j] ?? outOfRange();
        cs += colTotal[j] ?? outOfRange();
      }
      // Contributor totals of h over all of b's units (not only those in a).
      const hContributors = cs;
      if (sampledMode) {
        if (csA + hContributors - 2 * cinter <= tolerance) out.push({ ...base, layer: cDiff === 0 ? 'sum' : 'count', mine: a.csizes[gi] ?? outOfRange(), other: b.csizes[hi] ?? outOfRange(), difference: cDiff, otherSide: `group "${describeGroup(h)}"`, measure: m });
        return;
      }
      const contained = cinter === csA || cinter === hContributors;
      if (!contained) return;
      if (cDiff !== 0) {
        out.push({ ...base, layer: 'count', mine: a.csizes[gi] ?? outOfRange(), other: b.csizes[hi] ?? outOfRange(), difference: cDiff, otherSide: `group "${describeGroup(h)}"`, measure: m });
        return;
      }
      if (csA === 0 || cinter !== csA) return;
      const sa = groupSum(a, g);
      const sb = groupSum(b, h);
      if (!sa || !sb) return;
      const gap = sa[0] > sb[1] ? sa[0] - sb[1] : sb[0] > sa[1] ? -(sb[0] - sa[1]) : 0;
      if (gap !== 0 && Math.abs(gap) > 1e-9 * Math.max(Math.abs(sa[1]), Math.abs(sb[1]), 1)) {
        out.push({ ...base, layer: 'sum', mine: (sa[0] + sa[1]) / 2, other: (sb[0] + sb[1]) / 2, difference: gap, otherSide: `group "${describeGroup(h)}"`, measure: m });
      }
    });
    // Unions of b's atoms inside / meeting g.
    const inAtom = patternsOfAtomB.map((ps) => ps.reduce((s, j) => s + (v[j] ?? outOfRange()), 0));
    if (sampledMode) {
      // Any union of b's atoms within `tolerance` sampled units of g (a relaxation of both rules).
      let best = size;
      for (let e = 0; e < b.atoms; e++) best -= Math.max(0, (inAtom[e] ?? outOfRange()) - ((atomSizeB[e] ?? outOfRange()) - (inAtom[e] ?? outOfRange())));
      if (best <= tolerance && inAtom.some((x) => x > 0)) out.push({ ...base, layer: 'units', mine: exactSize, other: exactSize - best, difference: best, otherSide: 'a union of its groups' });
      return;
    }
    const inside = new Uint8Array(b.atoms);
    const meets = new Uint8Array(b.atoms);
    for (let e = 0; e < b.atoms; e++) {
      if ((inAtom[e] ?? outOfRange()) > 0) meets[e] = 1;
      if ((inAtom[e] ?? outOfRange()) > 0 && inAtom[e] === atomSizeB[e]) inside[e] = 1;
    }
    let uIn = 0;
    let uMeet = 0;
    let uncovered = v[pb] ?? outOfRange();
    for (let j = 0; j < pb; j++) {
      const p = at(b.patterns, j);
      if (p.m.some((e) => inside[e])) uIn += colTotal[j] ?? outOfRange();
      if (p.m.some((e) => meets[e])) uMeet += colTotal[j] ?? outOfRange();
      else uncovered += v[j] ?? outOfRange();
    }
    const nIn = inside.reduce((s, x) => s + x, 0);
    const nMeet = meets.reduce((s, x) => s + x, 0);
    if (uIn > 0 && disclosive(size - uIn)) out.push({ ...base, layer: 'units', mine: size, other: uIn, difference: size - uIn, otherSide: `the union of its ${nIn} ${nIn === 1 ? 'group' : 'groups'} inside this group` });
    if (uncovered === 0 && uMeet > 0 && disclosive(size - uMeet)) out.push({ ...base, layer: 'units', mine: size, other: uMeet, difference: size - uMeet, otherSide: `the union of its ${nMeet} ${nMeet === 1 ? 'group' : 'groups'} meeting this group` });
  });
  return out;
}

/**
 * The differences of `a` with `b` both ways round: `a`'s groups against `b`'s (and unions of
 * `b`'s atoms), and `b`'s groups against unions of `a`'s atoms (reported on `a`, naming `b`'s group).
 *
 * @example compareUnits(mine, theirs, 10)
 */
export function compareUnits(a: UnitSide, b: UnitSide, threshold: number, tolerance?: number, ct = contingency(a, b)): UnitDifference[] {
  const mine = unitDifferences(a, b, ct, threshold, tolerance);
  // b's groups against unions of a's atoms: the union rules only (direct pairs are already found).
  const theirs = unitDifferences(b, a, transpose(ct), threshold, tolerance).filter((d) => d.otherSide.startsWith('the union') || d.otherSide === 'a union of its groups');
  for (const d of theirs) {
    const h = d.group === null ? undefined : b.groups[d.group];
    out(mine, {
      layer: d.layer,
      group: null,
      labels: {},
      ref: `${d.otherSide.replace(/^the union of its/, 'the union of this output’s').replace(/^a union of its groups/, 'a union of this output’s groups')} (their group "${describeGroup(h)}")`,
      mine: d.other,
      other: d.mine,
      difference: -d.difference,
      otherSide: `group "${describeGroup(h)}"`,
    });
  }
  return mine;
}

function out(list: UnitDifference[], d: UnitDifference): void {
  list.push(d);
}

/** Whether a side's patterns are a partition (each unit in one atom): the prefilter's union relaxation needs it. */
export function isPartition(side: Pick<UnitMeta, 'patterns'>): boolean {
  return side.patterns.every((p) => p.m.length <= 1);
}

/**
 * The sampled tolerance: the largest number of sampled units a difference of fewer than
 * `threshold` units shows, except with probability below 1e-9 (binomial tail, rate 1/SAMPLE_RATE).
 *
 * @example sampleTolerance(10) // 5
 */
export function sampleTolerance(threshold: number, rate = 1 / SAMPLE_RATE): number {
  const n = Math.max(0, threshold - 1);
  // P(X > k) for X ~ Binomial(n, rate).
  let pk = (1 - rate) ** n;
  let cdf = pk;
  for (let k = 0; k < n; k++) {
    if (1 - cdf < 1e-9) return k;
    pk = (pk * (n - k) * rate) / ((k + 1) * (1 - rate));
    cdf += pk;
  }
  return n;
}

/** Per side, what the fast prefilter needs: each pattern's one atom, each group as atoms, each atom's exact size. */
interface FastSide {
  atomOf: Int32Array;
  groups: Int32Array[];
  /** Exact units per atom (from the group of that atom alone), or −1 when the metadata does not say. */
  atomSize: Float64Array;
}

const fastCache = new WeakMap<UnitMeta, FastSide>();

/**
 * Exact units per atom, from the metadata's group of that atom alone (−1 where there is none).
 *
 * @example exactAtomSizes(sketch)[0] // units in atom 0
 */
export function exactAtomSizes(s: UnitMeta): Float64Array {
  const atomSize = new Float64Array(s.atoms).fill(-1);
  s.groups.forEach((g, i) => {
    if (g.atoms.length === 1) atomSize[g.atoms[0] ?? outOfRange()] = s.sizes[i] ?? outOfRange();
  });
  return atomSize;
}

function fastSide(s: UnitMeta): FastSide {
  let f = fastCache.get(s);
  if (!f) {
    f = { atomOf: Int32Array.from(s.patterns, (p) => p.m[0] ?? -1), groups: s.groups.map((g) => Int32Array.from(g.atoms)), atomSize: exactAtomSizes(s) };
    fastCache.set(s, f);
  }
  return f;
}

/**
 * The sample contingency by atoms, from two samples whose units are each in one atom: `(na + 1) × (nb + 1)`,
 * the last row/column counting units on one side only.
 */
function atomContingency(a: UnitSide, fa: FastSide, b: UnitSide, fb: FastSide): Float64Array {
  return mergeCounts(a.ids, a.pattern, fa.atomOf, a.atoms, b.ids, b.pattern, fb.atomOf, b.atoms);
}

/**
 * Whether some group of `a` may fail against `b` (see `plausibleFast`): `c` is the sample
 * contingency with `a` on the rows.
 */
function mayFail(a: UnitMeta, fa: FastSide, b: UnitMeta, fb: FastSide, c: Float64Array, cols: number, threshold: number, directToo: boolean): boolean {
  const na = a.atoms;
  const nb = b.atoms;
  const w = cols;
  const colSize = new Float64Array(nb + 1);
  for (let r = 0; r <= na; r++) for (let k = 0; k <= nb; k++) colSize[k] = (colSize[k] ?? outOfRange()) + (c[r * w + k] ?? outOfRange());
  const v = new Float64Array(nb + 1);
  for (let g = 0; g < fa.groups.length; g++) {
    v.fill(0);
    for (const r of at(fa.groups, g)) for (let k = 0; k <= nb; k++) v[k] = (v[k] ?? outOfRange()) + (c[r * w + k] ?? outOfRange());
    const size = a.sizes[g] ?? outOfRange();
    // Inside: only b's atoms with no sampled unit outside g can be inside it.
    let insideBound = 0;
    let meetBound = 0;
    let unknown = false;
    for (let k = 0; k < nb; k++) {
      const exact = fb.atomSize[k] ?? outOfRange();
      if (exact < 0) unknown = true;
      if ((colSize[k] ?? outOfRange()) - (v[k] ?? outOfRange()) === 0) insideBound += exact;
      if ((v[k] ?? outOfRange()) > 0) meetBound += exact;
    }
    if (unknown) return true;
    if (insideBound > 0 && size - insideBound < threshold) return true;
    // Meeting: g must be covered (no sampled unit of g outside b), and the atoms seen meeting it are in the union.
    if (v[nb] === 0 && meetBound - size < threshold) return true;
    if (!directToo) continue;
    for (let h = 0; h < fb.groups.length; h++) {
      const d = size - (b.sizes[h] ?? outOfRange());
      if (d === 0 || d >= threshold || d <= -threshold) continue;
      let inside = 0;
      let hs = 0;
      for (const k of at(fb.groups, h)) {
        inside += v[k] ?? outOfRange();
        hs += colSize[k] ?? outOfRange();
      }
      let gs = 0;
      for (let k = 0; k <= nb; k++) gs += v[k] ?? outOfRange();
      // g ⊆ h unless a sampled unit of g is outside h; h ⊆ g unless a sampled unit of h is outside g.
      if (inside === gs || inside === hs) return true;
    }
  }
  return false;
}

/**
 * The prefilter for the common case — both outputs' units each in one cell, no measure. It is
 * **exact**, not probabilistic: the samples serve only as witnesses (a sampled unit of `g`
 * outside `h` proves `g ⊄ h`; one outside every cell proves `g` uncovered; a sampled unit in a
 * cell proves that cell meets `g`), and the exact sizes in the metadata bound every difference
 * the group and union rules could find: an output is ruled out only when every such bound is at
 * least the threshold. True when the two must be compared in full.
 *
 * @example if (plausibleFast(mineSample, sketch, 10)) compareUnits(mine, full, 10)
 */
export function plausibleFast(a: UnitSide, b: UnitSide, threshold: number): boolean {
  const fa = fastSide(a);
  const fb = fastSide(b);
  const c = atomContingency(a, fa, b, fb);
  if (mayFail(a, fa, b, fb, c, b.atoms + 1, threshold, true)) return true;
  // b's groups against unions of a's atoms: the same on the transposed contingency.
  const na = a.atoms;
  const nb = b.atoms;
  const t = new Float64Array(c.length);
  for (let r = 0; r <= na; r++) for (let k = 0; k <= nb; k++) t[k * (na + 1) + r] = (c[r * (nb + 1) + k] ?? outOfRange());
  return mayFail(b, fb, a, fa, t, na + 1, threshold, false);
}

/** Whether the fast prefilter applies: both sides' units each in one atom, and no measure. */
export function fastPrefilterApplies(s: UnitMeta): boolean {
  return s.patterns.every((p) => p.m.length === 1) && s.measures.every((m) => m === null);
}
