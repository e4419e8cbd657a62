import { describe, expect, it } from 'vitest';
import { compareRatio, compareValues, isWholeMultiple, ratioAtLeast, ratioBelow, sameTotal, sameValue } from '../../src/lib/compare-ratio.js';

describe('compare-ratio: boundaries decided exactly', () => {
  it('floating point alone would put 0.6 + 0.3 under 90%', () => {
    // The reason the helper exists: a plain comparison releases the dominated cell.
    expect((0.6 + 0.3) / 1.0 >= 0.9).toBe(false);
    expect(ratioAtLeast(0.6 + 0.3, 1.0, 0.9)).toBe(true);
    expect(compareRatio(0.6 + 0.3, 1.0, 0.9)).toBe(0);
  });

  it('decides both sides of a boundary', () => {
    expect(compareRatio(0.6 + 0.29, 1.0, 0.9)).toBe(-1);
    expect(compareRatio(0.6 + 0.31, 1.0, 0.9)).toBe(1);
    // Ten decimal contributions adding up to exactly the limit.
    const tenths = Array.from({ length: 9 }, () => 0.1).reduce((a, b) => a + b, 0);
    expect(tenths).not.toBe(0.9);
    expect(ratioAtLeast(tenths, 1, 0.9)).toBe(true);
  });

  it('keeps p% strict: a ratio at p is not below it, one just under is', () => {
    expect(ratioBelow(1.6 - 1.0 - 0.5, 1.0, 0.1)).toBe(false);
    expect(ratioBelow(1.59 - 1.0 - 0.5, 1.0, 0.1)).toBe(true);
  });

  it('works at any scale, relative not absolute', () => {
    expect(compareValues(1e15 + 0.5, 1e15)).toBe(0);
    expect(compareValues(1e-12, 2e-12)).toBe(-1);
    expect(compareValues(3, 50)).toBe(-1);
    expect(compareValues(1 + 2e-9, 1)).toBe(1);
  });

  it('refuses a ratio without a positive denominator', () => {
    expect(() => compareRatio(1, 0, 0.5)).toThrow(RangeError);
  });

  it('compares values and totals', () => {
    expect(sameValue(0.1 + 0.2, 0.3)).toBe(true);
    expect(sameValue(950_000, 1_000)).toBe(false);
    expect(sameValue(NaN, NaN)).toBe(false);
    // Parts that cancel are judged on the scale of the parts.
    expect(sameTotal(0, 0.1 + 0.2 - 0.3, 0.6)).toBe(true);
    expect(sameTotal(29, 30, 30)).toBe(false);
  });

  it('recognises whole multiples', () => {
    expect(isWholeMultiple(0.3 * 3, 0.3)).toBe(true);
    expect(isWholeMultiple(3, 1)).toBe(true);
    expect(isWholeMultiple(10, 4)).toBe(false);
    expect(isWholeMultiple(5, 0)).toBe(false);
  });
});
