/**
 * The ranked mask prefilter (`unit-prefilter.ts`) is `plausibleFast` computed another way: on
 * random pairs of outputs (cells, unions of cells, totals, some atoms without a group of their
 * own), random samples and ranks assigned in any order, the two must agree exactly — so it
 * never rules out an earlier output the reference would compare in full, and the reference is
 * itself held against exact failures in unit-mode.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../helpers/seeded-random.js';
import type { UnitSide } from '../../src/checks/differencing/unit-mode.js';
import { compareUnits, plausibleFast } from '../../src/checks/differencing/unit-mode.js';
import { SampleRanks, maskable, plausibleRanked, probe, rankedSample } from '../../src/checks/differencing/unit-prefilter.js';

/** An output over `units` with `atoms` cells (unit → cell by `cellOf`) and random groups: some cells, unions of cells, the total. */
function randomSide(r: () => number, units: number[], cellOf: (u: number) => number, atoms: number): UnitSide {
  const ids = [...new Set(units)].sort((x, y) => x - y);
  const pattern = ids.map(cellOf);
  const groups: { atoms: number[] }[] = [];
  // Most cells are groups of their own; a missing one leaves its size unknown to the prefilter.
  for (let k = 0; k < atoms; k++) if (r() < 0.9) groups.push({ atoms: [k] });
  for (let i = Math.floor(r() * 3); i > 0; i--) {
    const u = Array.from({ length: atoms }, (_, k) => k).filter(() => r() < 0.5);
    if (u.length > 0) groups.push({ atoms: u });
  }
  groups.push({ atoms: Array.from({ length: atoms }, (_, k) => k) });
  const per = new Array<number>(atoms).fill(0);
  for (const p of pattern) per[p]!++;
  const sizes = groups.map((g) => g.atoms.reduce((s, a) => s + per[a]!, 0));
  return {
    atoms,
    patterns: Array.from({ length: atoms }, (_, k) => ({ m: [k], c: [] })),
    groups,
    measures: new Array(atoms).fill(null),
    sums: new Array(atoms).fill(null),
    sizes,
    csizes: sizes.map(() => 0),
    total: ids.length,
    ids: Uint32Array.from(ids),
    pattern: Uint32Array.from(pattern),
  };
}

describe('the ranked mask prefilter', () => {
  it('agrees with plausibleFast on random outputs and samples', () => {
    const r = seededRandom(23);
    let plausible = 0;
    let ruledOut = 0;
    let failing = 0;
    const ranks = new SampleRanks();
    for (let trial = 0; trial < 2000; trial++) {
      const n = 40 + Math.floor(r() * 400);
      // Unit ids spread over a namespace, so ranks from earlier trials mix with new ones.
      const base = Array.from({ length: n }, () => 1 + Math.floor(r() * 1500));
      const cellsA = 1 + Math.floor(r() * (trial % 10 === 0 ? 31 : 5));
      const cellsB = 1 + Math.floor(r() * (trial % 7 === 0 ? 31 : 5));
      const assignA = new Map(base.map((u) => [u, Math.floor(r() * cellsA)]));
      const related = r() < 0.5;
      const assignB = new Map(base.map((u) => [u, related ? assignA.get(u)! % cellsB : Math.floor(r() * cellsB)]));
      const a = randomSide(r, base.filter(() => r() > 0.03 * r()), (u) => assignA.get(u)!, cellsA);
      const b = randomSide(r, base.filter(() => r() > 0.03 * r()), (u) => assignB.get(u)!, cellsB);
      const rate = [0.05, 0.3, 0.7, 1][trial % 4]!;
      const inSample = new Set(base.filter(() => r() < rate));
      const sample = (s: UnitSide): UnitSide => {
        const keep = [...s.ids.keys()].filter((i) => inSample.has(s.ids[i]!));
        return { ...s, ids: Uint32Array.from(keep, (i) => s.ids[i]!), pattern: Uint32Array.from(keep, (i) => s.pattern[i]!) };
      };
      const sa = sample(a);
      const sb = sample(b);
      expect(maskable(sa) && maskable(sb)).toBe(true);
      // The earlier output is ranked before the probe half the time, after it otherwise.
      const before = r() < 0.5;
      const ranked = before ? rankedSample(sb, ranks) : null;
      const p = probe(sa, ranks);
      const got = plausibleRanked(p, ranked ?? rankedSample(sb, ranks), 10);
      const want = plausibleFast(sa, sb, 10);
      expect(got).toBe(want);
      if (got) plausible++;
      else ruledOut++;
      if (compareUnits(a, b, 10).length > 0) {
        failing++;
        expect(got).toBe(true);
      }
    }
    expect(plausible).toBeGreaterThan(500);
    expect(ruledOut).toBeGreaterThan(150);
    expect(failing).toBeGreaterThan(50);
  });

  it('does not apply beyond 31 atoms, to a unit in two atoms, or with a measure', () => {
    const one = (atoms: number, m: number[][] = [[0]], measure: string | null = null) =>
      ({ atoms, patterns: m.map((x) => ({ m: x, c: [] })), groups: [], measures: new Array(atoms).fill(measure), sums: [], sizes: [], csizes: [], total: 0, ids: new Uint32Array(), pattern: new Uint32Array() }) as UnitSide;
    expect(maskable(one(31))).toBe(true);
    expect(maskable(one(32))).toBe(false);
    expect(maskable(one(2, [[0, 1]]))).toBe(false);
    expect(maskable(one(2, [[0]], 'age'))).toBe(false);
  });
});
