import { describe, expect, it } from 'vitest';
import { agreesWithPrinted, printedHalfUnit, printedIntervalsMeet, printedMeetsRange } from '../../src/lib/printed-precision.js';

describe('printed precision', () => {
  it.each([
    [45.2, 0.05],
    [45.23, 0.005],
    [120, 0.5],
    [0.001, 0.0005],
    [1.5e-7, 5e-9],
    [2e21, 5e20],
    [-3.25, 0.005],
  ])('%s is printed to ±%s', (x, h) => {
    expect(printedHalfUnit(x)).toBeCloseTo(h, 20);
  });

  it('45.2 and 45.23 for one group agree; 45.2 and 45.31 do not', () => {
    expect(printedIntervalsMeet(45.2, 45.23)).toBe(true);
    expect(printedIntervalsMeet(45.2, 45.31)).toBe(false);
    // 45.25 prints as 45.2 or 45.3 depending on the rounding rule: the intervals touch there
    expect(printedIntervalsMeet(45.2, 45.3)).toBe(true);
  });

  it('a computed value on the border of the printed interval agrees; just past it does not', () => {
    expect(agreesWithPrinted(45.2, 45.25)).toBe(true);
    expect(agreesWithPrinted(45.2, 45.15)).toBe(true);
    expect(agreesWithPrinted(45.2, 45.2500001)).toBe(false);
    expect(agreesWithPrinted(12, 12.4)).toBe(true);
    expect(agreesWithPrinted(12, 12.6)).toBe(false);
  });

  it('a printed value meets a range when its interval does', () => {
    expect(printedMeetsRange(34, 34.4, 36)).toBe(true);
    expect(printedMeetsRange(33, 34.4, 36)).toBe(false);
  });
});
