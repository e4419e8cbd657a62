import { describe, expect, it } from 'vitest';
import { seededRandom } from '../helpers/seeded-random.js';
import { shortestWithin, sumErrorBound } from '../../src/lib/shortest-decimal.js';

/** Sums `cents` as doubles (noisy) and as integers (exact). */
function sums(cents: number[]) {
  let float = 0;
  let abs = 0;
  let exact = 0n;
  for (const c of cents) {
    float += c / 100;
    abs += Math.abs(c / 100);
    exact += BigInt(c);
  }
  return { float, abs, exact: Number(exact) / 100 };
}

describe('shortestWithin', () => {
  it('recovers the exact sum of decimals that floating point adds with noise', () => {
    const random = seededRandom(15);
    let noisy = 0;
    for (let trial = 0; trial < 200; trial++) {
      const cents = Array.from({ length: 1 + Math.floor(random() * 5000) }, () => Math.floor((random() - 0.2) * 1_000_000));
      const { float, abs, exact } = sums(cents);
      if (float !== exact) noisy++;
      expect(shortestWithin(float, sumErrorBound(cents.length, abs))).toBe(exact);
    }
    expect(noisy).toBeGreaterThan(50); // the noise this removes is real
  });
  it('never moves a value by more than the bound, and leaves exact values alone', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 1000; i++) {
      const x = (random() - 0.5) * 10 ** Math.floor(random() * 20 - 10);
      const bound = Math.abs(x) * 10 ** -(8 + Math.floor(random() * 8));
      expect(Math.abs(shortestWithin(x, bound) - x)).toBeLessThanOrEqual(bound);
      expect(shortestWithin(x, 0)).toBe(x);
    }
    expect(shortestWithin(64987.239999999954, sumErrorBound(1000, 65000))).toBe(64987.24);
    expect(shortestWithin(1 / 3, 0)).toBe(1 / 3);
    expect(shortestWithin(Number.NaN, 1)).toBeNaN();
  });
  it('keeps digits a sum really has (a result finer than the noise is not rounded away)', () => {
    // 1234567.891 + 0.000000001 has 17 significant digits; the bound for two terms is ~5e-10.
    const x = 1234567.891 + 0.000000001;
    expect(shortestWithin(x, sumErrorBound(2, x))).toBe(x);
  });
});
