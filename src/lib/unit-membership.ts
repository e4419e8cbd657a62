/**
 * Which units (people, patients, households, firms: sdc-rules.md "Units") make up each group
 * of an output — a table cell or margin, a plot bin or bar, a survival step's risk set, a
 * summary's population — when the output names a unit column (`spec.unit`). Counts are then
 * counts of distinct units, and differencing compares these sets exactly (unit mode).
 *
 * The form is compressed sparse rows over local unit ids: group `g`'s members are
 * `ids[offsets[g] .. offsets[g + 1])`, sorted ascending and distinct; a local id indexes
 * `values`, the distinct *normalised* unit values of the output. Parsers build it once;
 * checks and differencing only read it. Group order is the output's own: a table's cell
 * index (row-major, margins included), a plot's bins/bars/steps in order, a summary's
 * statistics in order.
 *
 * @example
 * const m = membershipFromPairs(Uint32Array.of(0, 0, 1), Uint32Array.of(3, 3, 1), 2, ['a', 'b', 'c', 'd']);
 * groupSize(m, 0); // 1 (unit "d" twice is one unit)
 */
import { normalise } from './normalise.js';
import { addAt, at, outOfRange } from './invariant.js';

/** Sets of local unit ids per group, in CSR form. */
export interface GroupSets {
  /** `nGroups + 1` offsets into `ids`. */
  offsets: Uint32Array;
  /** Local unit ids, sorted and distinct within each group. */
  ids: Uint32Array;
}

export interface UnitMembership extends GroupSets {
  /** The unit column as the spec names it. */
  column: string;
  /** Distinct normalised unit values; a local id is an index here. Never published, logged or exported. */
  values: readonly string[];
  /**
   * Per group, the units whose measure is not missing: the contributors of the group's
   * statistic (differencing of values). Absent for outputs without a measure.
   */
  contributors?: GroupSets;
}

/** Number of groups. */
export function groupCount(m: GroupSets): number {
  return m.offsets.length - 1;
}

/** Number of distinct units in group `g`. */
export function groupSize(m: GroupSets, g: number): number {
  return (m.offsets[g + 1] ?? outOfRange()) - (m.offsets[g] ?? outOfRange());
}

/** The members of group `g` (a view, not a copy). */
export function groupMembers(m: GroupSets, g: number): Uint32Array {
  return m.ids.subarray(m.offsets[g] ?? outOfRange(), m.offsets[g + 1] ?? outOfRange());
}

/**
 * Maps a unit column's dictionary to local ids of its distinct normalised values (two
 * spellings of one unit, `"P01"` and `"p01 "`, are one unit).
 *
 * @example unitIds(['P1', 'p1 ', 'P2']) // { code: Int32Array [0, 0, 1], values: ['p1', 'p2'] }
 */
export function unitIds(dict: readonly string[]): { code: Int32Array; values: string[] } {
  // A dictionary holds distinct strings: when every one is already normalised (and not
  // empty), its positions are the ids. Most identifier columns are, and a million-unit
  // column then costs no hash map.
  const normalised = dict.map((s) => normalise(s));
  if (normalised.every((n, i) => n !== '' && n === dict[i])) return { code: Int32Array.from(dict, (_, i) => i), values: normalised };
  const index = new Map<string, number>();
  const values: string[] = [];
  const code = new Int32Array(dict.length);
  for (let i = 0; i < dict.length; i++) {
    const n = at(normalised, i);
    if (n === '') {
      code[i] = -1;
      continue;
    }
    let id = index.get(n);
    if (id === undefined) {
      id = values.length;
      index.set(n, id);
      values.push(n);
    }
    code[i] = id;
  }
  return { code, values };
}

/**
 * Builds group sets from (group, unit) pairs — one per row and group the row falls into —
 * by counting sort on the group and then sorting and de-duplicating each group's units.
 * O(pairs + groups) plus the per-group sorts.
 *
 * @example setsFromPairs(Uint32Array.of(1, 0, 1), Uint32Array.of(5, 2, 5), 2) // group 0 {2}, group 1 {5}
 */
export function setsFromPairs(groups: Uint32Array, units: Uint32Array, nGroups: number): GroupSets {
  const counts = new Uint32Array(nGroups + 1);
  for (let i = 0; i < groups.length; i++) addAt(counts, (groups[i] ?? outOfRange()) + 1, 1);
  for (let g = 0; g < nGroups; g++) counts[g + 1] = (counts[g + 1] ?? outOfRange()) + (counts[g] ?? outOfRange());
  const sorted = new Uint32Array(groups.length);
  const fill = counts.slice(0, nGroups);
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] ?? outOfRange();
    const slot = fill[g] ?? outOfRange();
    fill[g] = slot + 1;
    sorted[slot] = units[i] ?? outOfRange();
  }
  const offsets = new Uint32Array(nGroups + 1);
  let w = 0;
  for (let g = 0; g < nGroups; g++) {
    const part = sorted.subarray(counts[g] ?? outOfRange(), counts[g + 1] ?? outOfRange()).sort();
    offsets[g] = w;
    for (let j = 0; j < part.length; j++) if (j === 0 || part[j] !== part[j - 1]) sorted[w++] = part[j] ?? outOfRange();
    // `sorted` is compacted in place: writes never overtake reads of later groups.
  }
  offsets[nGroups] = w;
  return { offsets, ids: sorted.slice(0, w) };
}

/**
 * A `UnitMembership` from pairs and the output's distinct normalised unit values.
 *
 * @example membershipFromPairs(Uint32Array.of(0), Uint32Array.of(0), 1, ['p1'], 'patient_id')
 */
export function membershipFromPairs(groups: Uint32Array, units: Uint32Array, nGroups: number, values: readonly string[], column = 'unit'): UnitMembership {
  return { column, values, ...setsFromPairs(groups, units, nGroups) };
}
