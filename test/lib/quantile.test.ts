import { describe, expect, it } from 'vitest';
import { quantileBracket, quantileType7, sortedValues } from '../../src/lib/quantile.js';

/** R's quantile(type = k) for k in 1..9 of x = 1..n, by Hyndman & Fan's formulas, as a reference. */
function hyndmanFan(xs: number[], p: number, type: number): number {
  const n = xs.length;
  const x = (k: number) => xs[Math.min(n, Math.max(1, k)) - 1]!;
  const interp = (h: number) => x(Math.floor(h)) + (h - Math.floor(h)) * (x(Math.floor(h) + 1) - x(Math.floor(h)));
  switch (type) {
    case 1:
      return x(Math.ceil(n * p));
    case 2: {
      const h = n * p;
      return Number.isInteger(h) ? (x(h) + x(h + 1)) / 2 : x(Math.ceil(h));
    }
    case 3: {
      // j = ⌊np − ½⌋, g = np − ½ − j; the lower value only when g = 0 and j is even
      const j = Math.floor(n * p - 0.5);
      const g = n * p - 0.5 - j;
      return g === 0 && j % 2 === 0 ? x(j) : x(j + 1);
    }
    case 4:
      return interp(n * p);
    case 5:
      return interp(n * p + 0.5);
    case 6:
      return interp((n + 1) * p);
    case 7:
      return interp((n - 1) * p + 1);
    case 8:
      return interp((n + 1 / 3) * p + 1 / 3);
    default:
      return interp((n + 1 / 4) * p + 3 / 8);
  }
}

describe('quantiles', () => {
  it('type 7 is R’s and numpy’s default', () => {
    expect(quantileType7(Float64Array.of(1, 2, 3, 4), 0.5)).toBe(2.5);
    expect(quantileType7(Float64Array.of(10, 20, 30, 40, 50), 0.25)).toBe(20);
    expect(quantileType7(Float64Array.of(7), 0.9)).toBe(7);
  });

  it('every one of the nine definitions lies in the bracket', () => {
    for (const n of [1, 2, 3, 5, 10, 17, 40, 101]) {
      const xs = Array.from({ length: n }, (_, i) => (i + 1) * 3 + (i % 3));
      for (const p of [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]) {
        const [lo, hi] = quantileBracket(Float64Array.from(xs), p);
        for (let type = 1; type <= 9; type++) {
          const q = hyndmanFan(xs, p, type);
          expect(q, `n ${n} p ${p} type ${type}`).toBeGreaterThanOrEqual(lo);
          expect(q, `n ${n} p ${p} type ${type}`).toBeLessThanOrEqual(hi);
        }
      }
    }
  });

  it('sorts the non-missing values', () => {
    expect([...sortedValues(Float64Array.of(3, NaN, -1, 2))]).toEqual([-1, 2, 3]);
  });
});
