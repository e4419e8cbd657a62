import { describe, expect, it } from 'vitest';
import { seededRandom } from '../helpers/seeded-random.js';
import { groupCount, groupMembers, groupSize, membershipFromPairs, setsFromPairs, unitIds } from '../../src/lib/unit-membership.js';

describe('unit membership', () => {
  it('merges spellings of one unit and drops empty ones', () => {
    const { code, values } = unitIds(['P1', 'p1 ', 'P2', '  ']);
    expect([...code]).toEqual([0, 0, 1, -1]);
    expect(values).toEqual(['p1', 'p2']);
  });

  it('builds sorted distinct sets per group, empty groups included', () => {
    const s = setsFromPairs(Uint32Array.of(2, 0, 2, 2, 0), Uint32Array.of(7, 3, 1, 7, 3), 3);
    expect(groupCount(s)).toBe(3);
    expect([...groupMembers(s, 0)]).toEqual([3]);
    expect(groupSize(s, 1)).toBe(0);
    expect([...groupMembers(s, 2)]).toEqual([1, 7]);
  });

  it('agrees with a Set-based reference on random pairs', () => {
    const random = seededRandom(42);
    const rnd = (n: number) => Math.floor(random() * n);
    for (let trial = 0; trial < 50; trial++) {
      const nGroups = 1 + rnd(6);
      const n = rnd(200);
      const g = new Uint32Array(n);
      const u = new Uint32Array(n);
      const ref = Array.from({ length: nGroups }, () => new Set<number>());
      for (let i = 0; i < n; i++) {
        g[i] = rnd(nGroups);
        u[i] = rnd(30);
        ref[g[i]!]!.add(u[i]!);
      }
      const m = membershipFromPairs(g, u, nGroups, [], 'id');
      for (let k = 0; k < nGroups; k++) expect([...groupMembers(m, k)]).toEqual([...ref[k]!].sort((a, b) => a - b));
    }
  });
});
