/**
 * The unit-mode comparison kernels, against each other and against brute force on random
 * outputs: the exact rules, and the prefilters (the fast one agrees with the generic one, and
 * neither rules out an output that fails exactly, with the tolerance at its limit).
 */
import { describe, expect, it } from 'vitest';
import { compareUnits, contingency, plausibleFast, sampleTolerance, transpose } from '../../src/checks/differencing/unit-mode.js';
import type { UnitSide } from '../../src/checks/differencing/unit-mode.js';
import { seededRandom } from '../helpers/seeded-random.js';


/** A one-variable table over the given units, `cells` cells, with its total as a group. */
function side(units: number[], cellOf: (u: number) => number, cells: number): UnitSide {
  const sorted = [...new Set(units)].sort((x, y) => x - y);
  const pattern = sorted.map(cellOf);
  const groups = [...Array.from({ length: cells }, (_, k) => ({ atoms: [k], labels: { v: `c${k}` } })), { atoms: Array.from({ length: cells }, (_, k) => k), labels: { v: 'All' } }];
  const per = new Array<number>(cells).fill(0);
  for (const p of pattern) per[p]!++;
  const sizes = groups.map((g) => g.atoms.reduce((s, a) => s + per[a]!, 0));
  return { atoms: cells, patterns: Array.from({ length: cells }, (_, k) => ({ m: [k], c: [] })), groups, measures: new Array(cells).fill(null), sums: new Array(cells).fill(null), sizes, csizes: sizes.map(() => 0), total: sorted.length, ids: Uint32Array.from(sorted), pattern: Uint32Array.from(pattern) };
}

describe('unit-mode kernels', () => {
  it('a group one unit smaller, a merged category, and equal outputs', () => {
    const all = Array.from({ length: 60 }, (_, i) => i + 1);
    const a = side(all, (u) => (u <= 20 ? 0 : u <= 40 ? 1 : 2), 3);
    expect(compareUnits(a, a, 10)).toEqual([]);
    const minusOne = side(all.filter((u) => u !== 5), (u) => (u <= 20 ? 0 : u <= 40 ? 1 : 2), 3);
    expect(compareUnits(minusOne, a, 10).map((d) => [d.labels, d.difference, d.otherSide])).toContainEqual([{ v: 'c0' }, -1, 'group "v=c0"']);
    // 20 + 39 of the 40 in cells 1 and 2, merged into one category, and ten others out of cell 0.
    const merged = side(all.filter((u) => u > 10 && u !== 60), (u) => (u <= 20 ? 0 : 1), 2);
    expect(compareUnits(merged, a, 10).some((d) => /union of its 2 groups meeting/.test(d.otherSide) && d.difference === -1)).toBe(true);
  });

  it('the transposed contingency is the contingency the other way round (the search beyond pairs merges each pair once)', () => {
    const all = Array.from({ length: 50 }, (_, i) => i + 1);
    const a = side(all.filter((u) => u % 7 !== 0), (u) => u % 3, 3);
    const b = side(all.filter((u) => u % 5 !== 0), (u) => u % 4, 4);
    expect([...transpose(contingency(a, b)).counts]).toEqual([...contingency(b, a).counts]);
  });

  it('sampleTolerance bounds the binomial tail below 1e-9', () => {
    expect(sampleTolerance(10)).toBe(5);
    expect(sampleTolerance(1)).toBe(0);
    expect(sampleTolerance(100)).toBeGreaterThan(sampleTolerance(10));
  });

  it('on random outputs and random samples, the fast prefilter never rules out an exact failure', () => {
    const r = seededRandom(11);
    let failures = 0;
    let ruledOut = 0;
    for (let trial = 0; trial < 600; trial++) {
      const n = 30 + Math.floor(r() * 60);
      const base = Array.from({ length: n }, (_, i) => i + 1);
      const cellsA = 2 + Math.floor(r() * 3);
      const cellsB = 2 + Math.floor(r() * 3);
      const dropA = new Set(base.filter(() => r() < 0.1 * r()));
      const dropB = new Set(base.filter(() => r() < 0.1 * r()));
      const assignA = new Map(base.map((u) => [u, Math.floor(r() * cellsA)]));
      // Sometimes b's cells are unions of a's (merged categories), sometimes unrelated.
      const related = r() < 0.5;
      const assignB = new Map(base.map((u) => [u, related ? assignA.get(u)! % cellsB : Math.floor(r() * cellsB)]));
      const a = side(base.filter((u) => !dropA.has(u)), (u) => assignA.get(u)!, cellsA);
      const b = side(base.filter((u) => !dropB.has(u)), (u) => assignB.get(u)!, cellsB);
      // A random sample of the units (the same units on both sides), with the full metadata.
      const rate = [0, 0.05, 0.3, 1][trial % 4]!;
      const inSample = new Set(base.filter(() => r() < rate));
      const sample = (s: UnitSide): UnitSide => {
        const keep = [...s.ids.keys()].filter((i) => inSample.has(s.ids[i]!));
        return { ...s, ids: Uint32Array.from(keep, (i) => s.ids[i]!), pattern: Uint32Array.from(keep, (i) => s.pattern[i]!) };
      };
      const plausible = plausibleFast(sample(a), sample(b), 10);
      if (!plausible) ruledOut++;
      if (compareUnits(a, b, 10).length > 0) {
        failures++;
        expect(plausible).toBe(true);
      }
    }
    expect(failures).toBeGreaterThan(20);
    expect(ruledOut).toBeGreaterThan(50);
  });
});
