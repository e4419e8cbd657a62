/**
 * Rounding schemes against brute force: the interval a rounded count stands for must be
 * exactly the set of counts that round to it — a narrower one would let the LP audit and
 * differencing think the attacker knows less than they do, a wider one more.
 */
import { describe, expect, it } from 'vitest';
import { isDisclosiveDifference } from '../../src/checks/differencing.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { isRoundedCount, roundCount, roundedInterval, type RoundingScheme } from '../../src/lib/round-count.js';
import { roundedBounds } from '../../src/outputs/table/rounded-bounds.js';

const MAX = 300;

function preimage(r: number, scheme: RoundingScheme, base: number): number[] {
  const out: number[] = [];
  for (let c = 0; c <= MAX + 20; c++) if (roundCount(c, scheme, base) === r) out.push(c);
  return out;
}

describe('roundCount', () => {
  it('follows the doc: midpoint6 1–6 → 3, 7–12 → 9, 0 stays 0; nearest ties go up', () => {
    expect([0, 1, 6, 7, 12, 13].map((c) => roundCount(c, 'midpoint6', 5))).toEqual([0, 3, 3, 9, 9, 15]);
    expect([0, 2, 3, 7, 8, 12, 13].map((c) => roundCount(c, 'nearest', 5))).toEqual([0, 0, 5, 5, 10, 10, 15]);
    expect([4, 5, 14, 15].map((c) => roundCount(c, 'nearest', 10))).toEqual([0, 10, 10, 20]);
  });
});

describe('roundedInterval', () => {
  for (const scheme of ['nearest', 'midpoint6'] as const) {
    for (const base of [1, 2, 3, 5, 6, 10]) {
      it(`${scheme}, base ${base}: every published value stands for exactly the counts that round to it`, () => {
        for (let r = 0; r <= MAX; r++) {
          const counts = preimage(r, scheme, base);
          const iv = roundedInterval(r, scheme, base);
          if (counts.length === 0) {
            expect(iv, `${r}`).toBeNull();
            expect(isRoundedCount(r, scheme, base)).toBe(false);
          } else {
            expect(iv, `${r}`).toEqual({ lo: counts[0], hi: counts[counts.length - 1] });
            // Contiguous: every count in between rounds to r as well.
            expect(counts.length).toBe(counts[counts.length - 1]! - counts[0]! + 1);
          }
        }
      });
    }
  }

  it('refuses what no count rounds to: negatives and fractions', () => {
    expect(roundedInterval(-5, 'nearest', 5)).toBeNull();
    expect(roundedInterval(7.5, 'nearest', 5)).toBeNull();
    expect(roundedInterval(4, 'midpoint6', 5)).toBeNull();
  });
});

describe('roundedBounds', () => {
  it('gives suppressed cells [0, ∞), rounded ones their interval, values the scheme cannot produce themselves', () => {
    const b = roundedBounds([10, NaN, 3, 15], [0, 1, 0, 0], { scheme: 'midpoint6', base: 5 });
    expect(Array.from(b.lo)).toEqual([10, 0, 1, 13]);
    expect(Array.from(b.hi)).toEqual([10, Infinity, 6, 18]);
    const n = roundedBounds([0, 5, 10], [0, 0, 0], { scheme: 'nearest', base: 5 });
    expect(Array.from(n.lo)).toEqual([0, 3, 8]);
    expect(Array.from(n.hi)).toEqual([2, 7, 12]);
  });
});

describe('differencing rounded counts as figures', () => {
  it('fails every pair the intervals prove disclosive (so comparing the figures is never weaker)', () => {
    const rand = seededRandom(7);
    let provenByIntervals = 0;
    for (let i = 0; i < 20_000; i++) {
      const scheme = rand() < 0.5 ? 'nearest' : 'midpoint6';
      const base = 1 + Math.floor(rand() * 10);
      const threshold = 1 + Math.floor(rand() * 15);
      const b = Math.floor(rand() * 60);
      const a = b + Math.floor(rand() * 25);
      const ra = roundCount(a, scheme, base);
      const rb = roundCount(b, scheme, base);
      const ia = roundedInterval(ra, scheme, base)!;
      const ib = roundedInterval(rb, scheme, base)!;
      // What an attacker holding both figures knows of |A| − |B| (B ⊆ A).
      const lo = Math.max(0, ia.lo - ib.hi);
      const hi = ia.hi - ib.lo;
      if (lo >= 1 && hi <= threshold - 1) {
        provenByIntervals++;
        expect(isDisclosiveDifference(ra - rb, threshold), JSON.stringify({ scheme, base, threshold, a, b })).toBe(true);
      }
    }
    expect(provenByIntervals).toBeGreaterThan(100);
  });
});
