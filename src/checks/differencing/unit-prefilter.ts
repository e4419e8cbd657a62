/**
 * The unit-mode prefilter of `plausibleFast` (`unit-mode.ts`), the same decision computed for
 * thousands of earlier outputs per request at a few microseconds each:
 * - every sampled unit of a namespace gets a dense **sample rank** (`SampleRanks`, in the
 *   order first seen), so the new output's sample becomes one lookup table (`probe`) and each
 *   earlier sample is a pass over its units — no merge of sorted lists;
 * - what the rules read from the sample contingency is only whether counts are zero, so per
 *   atom a **bitmask** of the other side's atoms it has sampled units in (plus one bit for
 *   "units absent from the other side") carries it; every bound is then a few mask tests
 *   against the exact group and atom sizes of the metadata.
 * It applies where `plausibleFast` does (both outputs' units each in one atom, no measure)
 * with at most `MAX_MASK_ATOMS` atoms a side; the caller uses `plausibleFast` otherwise.
 * A test holds the two equal on random outputs.
 *
 * @example
 * const ranks = new SampleRanks();
 * const p = probe(mineSample, ranks);
 * const b = rankedSample(sketch, ranks);
 * if (plausibleRanked(p, b, 10)) compareUnits(mine, full, 10);
 */
import type { UnitMeta } from '../../history/unit-form.js';
import type { UnitSide } from './unit-mode.js';
import { exactAtomSizes } from './unit-mode.js';
import { outOfRange } from '../../lib/invariant.js';

/** Most atoms a side may have for the mask form (one 32-bit mask: the atoms and the "absent" bit). */
export const MAX_MASK_ATOMS = 31;

/**
 * Dense ranks of a namespace's sampled units (about one unit in 128), assigned in the order
 * they are first seen. Ranks live in memory only and say nothing about units beyond their
 * identity within this process.
 */
export class SampleRanks {
  private readonly rank = new Map<number, number>();

  /** The rank of a sampled unit id, assigning the next one when it is new. */
  rankOf(id: number): number {
    let r = this.rank.get(id);
    if (r === undefined) {
      r = this.rank.size;
      this.rank.set(id, r);
    }
    return r;
  }

  get size(): number {
    return this.rank.size;
  }
}

/** Per side, what the mask form needs from its metadata (computed once per side). */
interface MaskMeta {
  atoms: number;
  /** Per group, its atoms as a bitmask. */
  groupMask: Int32Array;
  sizes: readonly number[];
  /** Exact units per atom (from the group of that atom alone); `unknown` when some atom has none. */
  atomSize: Float64Array;
  unknown: boolean;
  /** Per pattern, its one atom. */
  atomOf: Int32Array;
  /** The groups by size: `bySize[i]` is a group index, `sortedSizes[i]` its size, ascending. */
  bySize: Int32Array;
  sortedSizes: Float64Array;
}

const metaCache = new WeakMap<UnitMeta, MaskMeta>();

function maskMeta(s: UnitMeta): MaskMeta {
  let m = metaCache.get(s);
  if (!m) {
    const atomSize = exactAtomSizes(s);
    m = {
      atoms: s.atoms,
      groupMask: Int32Array.from(s.groups, (g) => g.atoms.reduce((x, a) => x | (1 << a), 0)),
      sizes: s.sizes,
      atomSize,
      unknown: atomSize.some((x) => x < 0),
      atomOf: Int32Array.from(s.patterns, (p) => p.m[0] ?? -1),
      bySize: Int32Array.from(s.groups.keys()).sort((x, y) => (s.sizes[x] ?? outOfRange()) - (s.sizes[y] ?? outOfRange())),
      sortedSizes: new Float64Array(0),
    };
    m.sortedSizes = Float64Array.from(m.bySize, (h) => (s.sizes[h] ?? outOfRange()));
    metaCache.set(s, m);
  }
  return m;
}

/** Whether the mask form applies to a side (see the module comment). */
export function maskable(s: UnitMeta): boolean {
  return s.atoms <= MAX_MASK_ATOMS && s.patterns.every((p) => p.m.length === 1) && s.measures.every((m) => m === null);
}

/** An earlier output's sample in rank form: per sampled unit, its rank and its atom. */
export interface RankedSample {
  meta: UnitMeta;
  ranks: Uint32Array;
  atoms: Uint8Array;
}

/**
 * The rank form of a (maskable) sample.
 *
 * @example rankedSample(sketch, ranks).ranks.length === sketch.ids.length
 */
export function rankedSample(s: UnitSide, ranks: SampleRanks): RankedSample {
  const m = maskMeta(s);
  const r = new Uint32Array(s.ids.length);
  const atoms = new Uint8Array(s.ids.length);
  for (let i = 0; i < s.ids.length; i++) {
    r[i] = ranks.rankOf(s.ids[i] ?? outOfRange());
    atoms[i] = (m.atomOf[s.pattern[i] ?? outOfRange()] ?? outOfRange());
  }
  return { meta: s, ranks: r, atoms };
}

/** The new output's sample as a lookup table by rank, reused for every earlier output. */
export interface Probe {
  meta: UnitMeta;
  /** Per rank, the new output's atom holding that unit, or −1. */
  atomByRank: Int8Array;
  /** Per atom, its sampled units. */
  rowCount: Int32Array;
  /** Scratch, per comparison. */
  hits: Int32Array;
  rowMask: Int32Array;
  colMask: Int32Array;
  /** Scratch: distinct masks of one side's atoms and their summed exact sizes. */
  masks: Int32Array;
  maskSizes: Float64Array;
}

/**
 * The probe of the new output's (maskable) sample. Ranks its units first, so every earlier
 * sample ranked before or after can be looked up in it.
 *
 * @example const p = probe(mineSample, ranks);
 */
export function probe(s: UnitSide, ranks: SampleRanks): Probe {
  const m = maskMeta(s);
  const own = Uint32Array.from(s.ids, (id) => ranks.rankOf(id));
  const atomByRank = new Int8Array(ranks.size).fill(-1);
  const rowCount = new Int32Array(s.atoms);
  for (let i = 0; i < own.length; i++) {
    const a = (m.atomOf[s.pattern[i] ?? outOfRange()] ?? outOfRange());
    atomByRank[own[i] ?? outOfRange()] = a;
    rowCount[a] = (rowCount[a] ?? outOfRange()) + 1;
  }
  return {
    meta: s,
    atomByRank,
    rowCount,
    hits: new Int32Array(s.atoms),
    rowMask: new Int32Array(s.atoms),
    colMask: new Int32Array(MAX_MASK_ATOMS),
    masks: new Int32Array(MAX_MASK_ATOMS),
    maskSizes: new Float64Array(MAX_MASK_ATOMS),
  };
}

/**
 * Whether some group of side X may fail against side Y (the mask form of `mayFail` in
 * `unit-mode.ts`): `xMask[r]` holds the Y atoms X's atom r has sampled units in (bit `ny`:
 * some are not in Y), `yMask[k]` likewise for Y's atom k over X's atoms (bit `nx`).
 */
function mayFailMasks(x: MaskMeta, xMask: Int32Array, y: MaskMeta, yMask: Int32Array, threshold: number, directToo: boolean, masks: Int32Array, maskSizes: Float64Array): boolean {
  if (x.groupMask.length === 0) return false;
  if (y.unknown) return true;
  const nx = x.atoms;
  const ny = y.atoms;
  const absentBit = 1 << ny;
  let absentRows = 0;
  for (let r = 0; r < nx; r++) if ((xMask[r] ?? outOfRange()) & absentBit) absentRows |= 1 << r;
  // Y's atoms with the same mask count alike in every bound: one term per distinct mask.
  let distinct = 0;
  for (let k = 0; k < ny; k++) {
    const m = yMask[k] ?? outOfRange();
    let i = 0;
    while (i < distinct && masks[i] !== m) i++;
    if (i === distinct) {
      masks[distinct] = m;
      maskSizes[distinct++] = 0;
    }
    maskSizes[i] = (maskSizes[i] ?? outOfRange()) + (y.atomSize[k] ?? outOfRange());
  }
  for (let g = 0; g < x.groupMask.length; g++) {
    const G = x.groupMask[g] ?? outOfRange();
    const size = x.sizes[g] ?? outOfRange();
    let insideBound = 0;
    let meetBound = 0;
    for (let i = 0; i < distinct; i++) {
      const m = masks[i] ?? outOfRange();
      // Inside g: no sampled unit of the atom outside g's atoms (nor outside X: bit nx is never in G).
      if ((m & ~G) === 0) insideBound += maskSizes[i] ?? outOfRange();
      if ((m & G) !== 0) meetBound += maskSizes[i] ?? outOfRange();
    }
    if (insideBound > 0 && size - insideBound < threshold) return true;
    // Meeting: g covered (none of its atoms has sampled units outside Y).
    if ((absentRows & G) === 0 && meetBound - size < threshold) return true;
    if (!directToo) continue;
    // Direct pairs: only Y's groups whose exact size is within threshold − 1 of g's (sizes sorted).
    let lo = 0;
    let hi = y.sortedSizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((y.sortedSizes[mid] ?? outOfRange()) <= size - threshold) lo = mid + 1;
      else hi = mid;
    }
    for (let j = lo; j < y.sortedSizes.length && (y.sortedSizes[j] ?? outOfRange()) < size + threshold; j++) {
      const h = y.bySize[j] ?? outOfRange();
      const d = size - (y.sizes[h] ?? outOfRange());
      if (d === 0 || d >= threshold || d <= -threshold) continue;
      const H = y.groupMask[h] ?? outOfRange();
      // g ⊆ h on the sample: every atom of g has sampled units only in h's atoms.
      let gInH = true;
      for (let r = 0; r < nx && gInH; r++) if ((G >>> r) & 1 && ((xMask[r] ?? outOfRange()) & ~H) !== 0) gInH = false;
      if (gInH) return true;
      let hInG = true;
      for (let k = 0; k < ny && hInG; k++) if ((H >>> k) & 1 && ((yMask[k] ?? outOfRange()) & ~G) !== 0) hInG = false;
      if (hInG) return true;
    }
  }
  return false;
}

/**
 * `plausibleFast(mineSample, b, threshold)` for a probe and a ranked earlier sample: true when
 * the two must be compared in full.
 *
 * @example if (plausibleRanked(p, b, 10)) compareUnits(mine, full, 10);
 */
export function plausibleRanked(p: Probe, b: RankedSample, threshold: number): boolean {
  const a = maskMeta(p.meta);
  const bm = maskMeta(b.meta);
  const na = a.atoms;
  const nb = bm.atoms;
  const { atomByRank, rowCount, hits, rowMask, colMask, masks, maskSizes } = p;
  hits.fill(0);
  rowMask.fill(0);
  colMask.fill(0, 0, nb);
  const absentFromA = 1 << na;
  const n = atomByRank.length;
  for (let j = 0; j < b.ranks.length; j++) {
    const rank = b.ranks[j] ?? outOfRange();
    const k = b.atoms[j] ?? outOfRange();
    const r = rank < n ? (atomByRank[rank] ?? outOfRange()) : -1;
    if (r >= 0) {
      rowMask[r] = (rowMask[r] ?? outOfRange()) | (1 << k);
      colMask[k] = (colMask[k] ?? outOfRange()) | (1 << r);
      hits[r] = (hits[r] ?? outOfRange()) + 1;
    } else colMask[k] = (colMask[k] ?? outOfRange()) | absentFromA;
  }
  const absentFromB = 1 << nb;
  for (let r = 0; r < na; r++) if ((hits[r] ?? outOfRange()) < (rowCount[r] ?? outOfRange())) rowMask[r] = (rowMask[r] ?? outOfRange()) | absentFromB;
  if (mayFailMasks(a, rowMask, bm, colMask, threshold, true, masks, maskSizes)) return true;
  return mayFailMasks(bm, colMask, a, rowMask, threshold, false, masks, maskSizes);
}
