import { describe, expect, it } from 'vitest';
import { decimalFraction } from '../../src/lib/decimal-fraction.js';

describe('decimalFraction', () => {
  it.each([
    [0.01, 1n, 100n],
    [99.93, 9993n, 100n],
    [25, 25n, 1n],
    [0.1, 1n, 10n],
    [2.5e-7, 25n, 100000000n],
    [1e21, 10n ** 21n, 1n],
    [-0.5, -5n, 10n],
    [0, 0n, 1n],
  ])('%s is %s / %s', (x, num, den) => {
    expect(decimalFraction(x)).toEqual({ num, den });
  });

  it('refuses what is not a finite number', () => {
    expect(() => decimalFraction(NaN)).toThrow(RangeError);
    expect(() => decimalFraction(Infinity)).toThrow(RangeError);
  });
});
