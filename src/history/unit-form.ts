/**
 * The unit form of an output (sdc-rules.md "Unit mode"; docs/differencing.md "Storage"): which
 * units (dense integers of the namespace, see `unit-dictionary`) make up each of its groups,
 * in the compact form the history stores and the comparison reads.
 *
 * An output's groups are built from **atoms**: a table's interior cells, a plot's bins, bars
 * or survival steps, a summary's statistics. Every unit has a **pattern**: the atoms it is in
 * and those it contributes to (its measure not missing there). Most outputs have few patterns
 * (a table whose units each fall in one cell has one per cell), so the form stores:
 * - the **universe**, the sorted unit ids, as a Roaring bitmap (CRoaring, portable format);
 * - each unit's pattern index, bit-packed in universe order (`ceil(log2 patterns)` bits);
 * - the patterns, the groups (a table's every cube position — interior cells and every margin
 *   an attacker can add up — as sets of atoms; a plot's atoms and their total), the exact size
 *   of every group and contributor set, and per atom its measure and published sum interval.
 * A 20-cell table over 100,000 units is about 12.5 KB of bitmap plus 62.5 KB of patterns:
 * under one byte per unit-cell membership.
 *
 * Alongside, the **sketch** — the same for the keyed sample of units (those whose digest falls
 * in the lowest 1/`SAMPLE_RATE` of its range) with all the metadata — is what the prefilter
 * compares with every earlier output; only plausible ones are opened in full.
 *
 * Both are sealed with AES-256-GCM (`unit-keys.ts`) before they reach the store.
 *
 * @example
 * const form = unitFormOf('t', { kind: 'table', parsed }, ids);
 * const { full, sketch } = encodeUnitForm(form, sampled);
 */
import roaring from 'roaring';
import { AirlockError, TooLargeToCompareError } from '../errors.js';
import type { GroupSets, UnitMembership } from '../lib/unit-membership.js';
import { normalise } from '../lib/normalise.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { MARGIN_LABEL, cellCount, cellLabels } from '../outputs/table/cell-table.js';
import type { PlotOutput } from '../outputs/plot/plot-output.js';
import { binLabel } from '../outputs/plot/plot-output.js';
import type { SummaryOutput } from '../outputs/summary/summary-output.js';
import { statisticRef } from '../outputs/summary/summary-output.js';
import { printedInterval } from './label-form.js';
import { nullRecord, recordFrom } from '../lib/null-record.js';
import { at, entry, got, outOfRange } from '../lib/invariant.js';
import type { ParsedOutput } from '../outputs/index.js';

const { RoaringBitmap32 } = roaring;

/** Most patterns one unit form may have (an output whose units fall into more combinations of groups goes to review). */
const PATTERN_SPACE = 2 ** 21;

/** One in SAMPLE_RATE units is in the sample the prefilter compares. */
export const SAMPLE_RATE = 128;

/** The most groups a table's cube may have in unit mode (beyond it: atoms and the total only). */
export const MAX_UNIT_GROUPS = 20_000;

/** A pattern: the atoms a unit is in (`m`) and those it contributes a measure value to (`c`). */
export interface UnitPattern {
  m: number[];
  c: number[];
}

/** A group of an output: a set of atoms, with how findings name it. */
export interface UnitGroup {
  atoms: number[];
  labels?: Record<string, string>;
  ref?: string;
}

/** Everything but the unit ids: what the sketch carries in full. */
export interface UnitMeta {
  atoms: number;
  patterns: UnitPattern[];
  groups: UnitGroup[];
  /** Per atom, the normalised measure its contributors are of (null: none). */
  measures: (string | null)[];
  /** Per atom, the published sum of its measure as [lo, hi] (null: not published). */
  sums: ([number, number] | null)[];
  /** Per group, its exact number of units. */
  sizes: number[];
  /** Per group, its exact number of contributors (0 without a measure). */
  csizes: number[];
  /** Units of the whole output. */
  total: number;
}

/** A unit form in memory: its units (sorted namespace ids) and each one's pattern. */
export interface UnitForm extends UnitMeta {
  ids: Uint32Array;
  pattern: Uint32Array;
}

/** The sample of a unit form: the sampled units and their patterns, with the full metadata. */
export interface UnitSketch extends UnitMeta {
  ids: Uint32Array;
  pattern: Uint32Array;
}

/** Whether a unit digest is in the keyed sample. */
export function sampled(digest: Uint8Array): boolean {
  return sampledAt(digest, digest.length);
}

/** Whether the digest ending at byte `end` of `bytes` (many digests in one buffer) is in the keyed sample. */
export function sampledAt(bytes: Uint8Array, end: number): boolean {
  const x = (((bytes[end - 4] ?? outOfRange()) << 24) | ((bytes[end - 3] ?? outOfRange()) << 16) | ((bytes[end - 2] ?? outOfRange()) << 8) | (bytes[end - 1] ?? outOfRange())) >>> 0;
  return x < 2 ** 32 / SAMPLE_RATE;
}

/** Per atom: its members (and contributors), as lists of local ids, from a membership's groups. */
interface AtomSets {
  members: Uint32Array[];
  contributors: Uint32Array[] | null;
}

function subsets(m: GroupSets, groups: readonly number[]): Uint32Array[] {
  return groups.map((g) => m.ids.subarray(m.offsets[g] ?? outOfRange(), m.offsets[g + 1] ?? outOfRange()));
}

/** A table's atoms (interior cells), groups (cube positions) and per-atom measure/sum. */
function tableStructure(t: CellTable, u: UnitMembership, output: string): { atoms: AtomSets; groups: UnitGroup[]; measures: (string | null)[]; sums: ([number, number] | null)[] } {
  const n = cellCount(t);
  const interior: number[] = [];
  const labels: Record<string, string>[] = [];
  for (let c = 0; c < n; c++) {
    const l = cellLabels(t, c);
    if (Object.values(l).includes(MARGIN_LABEL)) continue;
    interior.push(c);
    labels.push(l);
  }
  const dims = [...t.rows.vars, ...t.cols.vars];
  const measure = t.measure === null ? null : t.anonymousMeasure ? `(unnamed measure of ${output})` : normalise(t.measure);
  const magnitude = t.statistic === 'sum' || t.statistic === 'mean';
  const sums = interior.map((c) => {
    const v = t.value[c] ?? outOfRange();
    if (!magnitude || !Number.isFinite(v)) return null;
    const iv = printedInterval(v);
    return t.statistic === 'sum' ? iv : ([iv[0] * (t.count[c] ?? outOfRange()), iv[1] * (t.count[c] ?? outOfRange())] as [number, number]);
  });
  // The cube: every combination of (category or summed out) per variable.
  const cats = dims.map((d) => [...new Set(labels.map((l) => entry(l, d)))].sort());
  let positions = 1;
  for (const c of cats) positions *= c.length + 1;
  const groups: UnitGroup[] = [];
  const norm = (l: Record<string, string>) => recordFrom(Object.entries(l).map(([k, v]) => [normalise(k), v === MARGIN_LABEL ? MARGIN_LABEL : normalise(v)]));
  if (positions <= MAX_UNIT_GROUPS) {
    const index = cats.map((c) => new Map(c.map((x, i) => [x, i])));
    const coords = labels.map((l) => dims.map((d, i) => got(at(index, i), entry(l, d))));
    for (let p = 0; p < positions; p++) {
      const want: number[] = [];
      let rest = p;
      for (let i = dims.length - 1; i >= 0; i--) {
        const size = at(cats, i).length + 1;
        want[i] = rest % size;
        rest = Math.floor(rest / size);
      }
      const atoms: number[] = [];
      coords.forEach((co, a) => {
        if (co.every((x, i) => want[i] === at(cats, i).length || want[i] === x)) atoms.push(a);
      });
      if (atoms.length === 0) continue;
      const l = nullRecord<string>();
      dims.forEach((d, i) => (l[d] = want[i] === at(cats, i).length ? MARGIN_LABEL : at(at(cats, i), want[i] ?? outOfRange())));
      groups.push({ atoms, labels: norm(l) });
    }
  } else {
    interior.forEach((_, a) => groups.push({ atoms: [a], labels: norm(at(labels, a)) }));
    groups.push({ atoms: interior.map((_, a) => a), labels: norm(recordFrom(dims.map((d) => [d, MARGIN_LABEL] as const))) });
  }
  return { atoms: { members: subsets(u, interior), contributors: u.contributors ? subsets(u.contributors, interior) : null }, groups, measures: interior.map(() => measure), sums };
}

/** A plot's atoms (its groups in order) and their total (the union an attacker adds up), unless nested. */
function plotStructure(p: PlotOutput, u: UnitMembership): { atoms: AtomSets; groups: UnitGroup[]; measures: (string | null)[]; sums: ([number, number] | null)[] } {
  const n = u.offsets.length - 1;
  const all = Array.from({ length: n }, (_, i) => i);
  const ref = (i: number): string => {
    if (p.type === 'histogram') return `bins[${i}] ${binLabel(at(p.bins, i))}`;
    if (p.type === 'bar' || p.type === 'pie') return `categories[${i}] "${p.categories[i]?.label ?? i}"`;
    if (p.type === 'kaplan_meier') return `steps[${i}] (time ${p.steps[i]?.time ?? i}) at risk`;
    return `groups[${i}]`;
  };
  const groups: UnitGroup[] = all.map((i) => ({ atoms: [i], ref: ref(i) }));
  if (p.type !== 'kaplan_meier' && n > 1) groups.push({ atoms: all, ref: 'all groups of the plot' });
  return { atoms: { members: subsets(u, all), contributors: u.contributors ? subsets(u.contributors, all) : null }, groups, measures: all.map(() => null), sums: all.map(() => null) };
}

/** A summary's atoms: one per statistic (its population; contributors of its measure). */
function summaryStructure(s: SummaryOutput, u: UnitMembership): { atoms: AtomSets; groups: UnitGroup[]; measures: (string | null)[]; sums: ([number, number] | null)[] } {
  const all = s.statistics.map((_, i) => i);
  return {
    atoms: { members: subsets(u, all), contributors: u.contributors ? subsets(u.contributors, all) : null },
    groups: all.map((i) => ({ atoms: [i], ref: statisticRef(i, at(s.statistics, i)) })),
    measures: s.statistics.map((x) => normalise(x.name)),
    sums: s.statistics.map((x) => (x.statistic === 'mean' ? ([printedInterval(x.value)[0] * x.n, printedInterval(x.value)[1] * x.n] as [number, number]) : null)),
  };
}

/** The unit membership a parsed output carries, when its microdata has a unit column (tables, plots, summaries). */
export function membershipOf(o: ParsedOutput): UnitMembership | null {
  return o.kind === 'table' || o.kind === 'plot' || o.kind === 'summary' ? o.parsed.units : null;
}

/**
 * The unit form of a parsed output, given the namespace id of each of its local units.
 * Null when it has no unit membership.
 *
 * @example unitFormOf('t', { kind: 'table', parsed: parsedTable }, Uint32Array.of(7, 3, 9))
 */
export function unitFormOf(output: string, o: ParsedOutput, idOf: Uint32Array): UnitForm | null {
  const u = membershipOf(o);
  if (!u) return null;
  const s =
    o.kind === 'table' ? tableStructure(o.parsed, u, output) : o.kind === 'plot' ? plotStructure(o.parsed, u) : o.kind === 'summary' ? summaryStructure(o.parsed, u) : null;
  if (!s) return null;
  const atoms = s.atoms.members.length;
  const nLocal = u.values.length;
  // Per local unit: its one member atom (−1: none, −2: more than one) and, likewise, contributor atom.
  const single = new Int32Array(nLocal).fill(-1);
  const singleC = new Int32Array(nLocal).fill(-1);
  s.atoms.members.forEach((ids, a) => {
    for (const id of ids) single[id] = single[id] === -1 ? a : -2;
  });
  s.atoms.contributors?.forEach((ids, a) => {
    for (const id of ids) singleC[id] = singleC[id] === -1 ? a : -2;
  });
  const patterns: UnitPattern[] = [];
  const patternIndex = new Map<string, number>();
  // (id, pattern) pairs packed as id · 2^21 + pattern in a float64 (exact below 2^53), sorted natively.
  const packed = new Float64Array(nLocal);
  let nUnits = 0;
  let memberOf: Map<number, number[]> | null = null;
  let contributorOf: Map<number, number[]> | null = null;
  const listsOf = (sets: Uint32Array[] | undefined): Map<number, number[]> => {
    const m = new Map<number, number[]>();
    sets?.forEach((ids, a) => {
      for (const id of ids) (m.get(id) ?? got(m.set(id, []), id)).push(a);
    });
    return m;
  };
  for (let local = 0; local < nLocal; local++) {
    if (single[local] === -1) continue;
    let m: number[];
    let c: number[];
    if ((single[local] ?? outOfRange()) >= 0 && (singleC[local] ?? outOfRange()) >= -1) {
      // The common case (a unit in one cell): no per-unit lists.
      m = [single[local] ?? outOfRange()];
      c = (singleC[local] ?? outOfRange()) >= 0 ? [singleC[local] ?? outOfRange()] : [];
    } else {
      memberOf ??= listsOf(s.atoms.members);
      contributorOf ??= listsOf(s.atoms.contributors ?? undefined);
      m = memberOf.get(local) ?? [];
      c = contributorOf.get(local) ?? [];
    }
    const key = `${m.join(',')}|${c.join(',')}`;
    let p = patternIndex.get(key);
    if (p === undefined) {
      p = patterns.length;
      patternIndex.set(key, p);
      patterns.push({ m, c });
    }
    packed[nUnits++] = (idOf[local] ?? outOfRange()) * PATTERN_SPACE + p;
  }
  if (patterns.length > PATTERN_SPACE) throw new TooLargeToCompareError(`${patterns.length} unit patterns exceed ${PATTERN_SPACE}`);
  const sortedUnits = packed.subarray(0, nUnits).sort();
  const ids = new Uint32Array(nUnits);
  const pattern = new Uint32Array(nUnits);
  for (let i = 0; i < nUnits; i++) {
    const x = sortedUnits[i] ?? outOfRange();
    const id = Math.floor(x / PATTERN_SPACE);
    ids[i] = id;
    pattern[i] = x - id * PATTERN_SPACE;
  }
  const meta = withSizes({ atoms, patterns, groups: s.groups, measures: s.measures, sums: s.sums, sizes: [], csizes: [], total: ids.length }, pattern);
  return { ...meta, ids, pattern };
}

/** Fills the exact group and contributor sizes from the patterns' counts. */
function withSizes(meta: UnitMeta, pattern: Uint32Array): UnitMeta {
  const perPattern = new Float64Array(meta.patterns.length);
  for (const p of pattern) perPattern[p] = (perPattern[p] ?? outOfRange()) + 1;
  const sizes = meta.groups.map((g) => {
    const set = new Set(g.atoms);
    let n = 0;
    meta.patterns.forEach((p, i) => {
      if (p.m.some((a) => set.has(a))) n += perPattern[i] ?? outOfRange();
    });
    return n;
  });
  const csizes = meta.groups.map((g) => {
    const set = new Set(g.atoms);
    let n = 0;
    meta.patterns.forEach((p, i) => {
      if (p.c.some((a) => set.has(a))) n += perPattern[i] ?? outOfRange();
    });
    return n;
  });
  return { ...meta, sizes, csizes };
}

function bitsFor(n: number): number {
  return n <= 1 ? 0 : Math.ceil(Math.log2(n));
}

function pack(values: Uint32Array, bits: number): Buffer {
  const out = Buffer.alloc(Math.ceil((values.length * bits) / 8) + 4);
  if (bits === 0) return out.subarray(0, 0);
  if (bits > 24) {
    // Beyond the 32-bit window: bit by bit (only outputs with tens of millions of patterns).
    let bit = 0;
    for (const v of values) for (let b = 0; b < bits; b++, bit++) if ((v >>> b) & 1) out[bit >> 3] = (out[bit >> 3] ?? outOfRange()) | (1 << (bit & 7));
    return out.subarray(0, Math.ceil((values.length * bits) / 8));
  }
  // Little-endian bit stream, written a value at a time into a 32-bit window (bits ≤ 24 here).
  let acc = 0;
  let have = 0;
  let w = 0;
  for (let i = 0; i < values.length; i++) {
    acc |= (values[i] ?? outOfRange()) << have;
    have += bits;
    while (have >= 8) {
      out[w++] = acc & 0xff;
      acc >>>= 8;
      have -= 8;
    }
  }
  if (have > 0) out[w++] = acc & 0xff;
  return out.subarray(0, Math.ceil((values.length * bits) / 8));
}

function unpack(buf: Uint8Array, n: number, bits: number): Uint32Array {
  const out = new Uint32Array(n);
  if (bits === 0) return out;
  if (bits > 24) {
    let bit = 0;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let b = 0; b < bits; b++, bit++) if (((buf[bit >> 3] ?? outOfRange()) >> (bit & 7)) & 1) v |= 1 << b;
      out[i] = v >>> 0;
    }
    return out;
  }
  const mask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
  let acc = 0;
  let have = 0;
  let r = 0;
  for (let i = 0; i < n; i++) {
    while (have < bits) {
      acc |= (buf[r++] ?? 0) << have;
      have += 8;
    }
    out[i] = (acc & mask) >>> 0;
    acc >>>= bits;
    have -= bits;
  }
  return out;
}

/** `len(json) (4) | len(bitmap) (4) | json | bitmap | packed patterns`. */
function encodeParts(json: unknown, ids: Uint32Array, pattern: Uint32Array, patterns: number): Buffer {
  const meta = Buffer.from(JSON.stringify(json), 'utf8');
  const bitmap = Buffer.from(new RoaringBitmap32(ids).serialize('portable'));
  const head = Buffer.alloc(8);
  head.writeUInt32BE(meta.length, 0);
  head.writeUInt32BE(bitmap.length, 4);
  return Buffer.concat([head, meta, bitmap, pack(pattern, bitsFor(patterns))]);
}

function decodeParts(buf: Buffer): { json: unknown; ids: Uint32Array; packed: Buffer } {
  if (buf.length < 8) throw new AirlockError('INTERNAL', 'a unit form is truncated');
  const m = buf.readUInt32BE(0);
  const b = buf.readUInt32BE(4);
  const json = JSON.parse(buf.subarray(8, 8 + m).toString('utf8')) as unknown;
  const ids = RoaringBitmap32.deserialize(buf.subarray(8 + m, 8 + m + b), 'portable').toUint32Array();
  return { json, ids, packed: buf.subarray(8 + m + b) };
}

/**
 * The stored bytes of a unit form: the full form (universe and patterns) and its sketch
 * (the sampled units, with all the metadata). `isSampled(i)` says whether the form's i-th unit
 * is in the sample.
 *
 * @example const { full, sketch } = encodeUnitForm(form, (i) => sampledFlags[i] === 1);
 */
export function encodeUnitForm(form: UnitForm, isSampled: (i: number) => boolean): { full: Buffer; sketch: Buffer } {
  const { ids, pattern, ...meta } = form;
  const full = encodeParts({ v: 1, n: ids.length }, ids, pattern, meta.patterns.length);
  const keep: number[] = [];
  for (let i = 0; i < ids.length; i++) if (isSampled(i)) keep.push(i);
  const sketch = encodeParts({ v: 1, n: keep.length, meta }, Uint32Array.from(keep, (i) => (ids[i] ?? outOfRange())), Uint32Array.from(keep, (i) => (pattern[i] ?? outOfRange())), meta.patterns.length);
  return { full, sketch };
}

/**
 * A sketch from its stored bytes (opened).
 *
 * @example decodeSketch(open(keys, ns, sealedSketch)).sizes
 */
export function decodeSketch(buf: Buffer): UnitSketch {
  const { json, ids, packed } = decodeParts(buf);
  const j = json as { n: number; meta: UnitMeta };
  return { ...j.meta, ids, pattern: unpack(packed, j.n, bitsFor(j.meta.patterns.length)) };
}

/**
 * Only the universe (the units) of a full form from its stored bytes (opened), as a Roaring
 * bitmap: what the coverage rule needs, without unpacking the patterns.
 *
 * @example population.orInPlace(decodeUniverse(open(keys, ns, sealedFull)))
 */
export function decodeUniverse(buf: Buffer): InstanceType<typeof RoaringBitmap32> {
  if (buf.length < 8) throw new AirlockError('INTERNAL', 'a unit form is truncated');
  const m = buf.readUInt32BE(0);
  const b = buf.readUInt32BE(4);
  return RoaringBitmap32.deserialize(buf.subarray(8 + m, 8 + m + b), 'portable');
}

/**
 * The units and patterns of a full form from its stored bytes (opened), with its sketch's metadata.
 *
 * @example decodeFull(open(keys, ns, sealedFull), sketch)
 */
export function decodeFull(buf: Buffer, meta: UnitMeta): UnitForm {
  const { json, ids, packed } = decodeParts(buf);
  const n = (json as { n: number }).n;
  if (n !== ids.length) throw new AirlockError('INTERNAL', 'a stored unit form does not match its own length');
  return { ...meta, ids, pattern: unpack(packed, n, bitsFor(meta.patterns.length)) };
}
