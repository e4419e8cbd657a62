/**
 * Published numbers as a person would write them. A sum of decimals computed in binary
 * floating point carries noise (`64987.239999999954` for an exact 64987.24); the noise is
 * bounded by the computation's worst-case rounding error. This picks the decimal with the
 * fewest significant digits within that bound of the computed value — which *is* the exact
 * result whenever the exact result has fewer digits than the noise can reach (a sum of values
 * given to two decimals, unless it has 14+ significant digits). With a bound of 0 the value is
 * returned as computed.
 *
 * @example
 * shortestWithin(64987.239999999954, 1e-9) // 64987.24
 * shortestWithin(0.1 + 0.2, sumErrorBound(2, 0.3)) // 0.3
 * shortestWithin(1 / 3, 0) // 0.3333333333333333
 */

/** The unit roundoff of doubles (2⁻⁵³). */
export const UNIT_ROUNDOFF = 2 ** -53;

/**
 * The worst-case error of adding `n` doubles whose absolute values total `sumAbs`, in any
 * order: (n − 1)·u·Σ|x| (Higham, Accuracy and Stability of Numerical Algorithms, §4.2), doubled
 * for the margin the error bound's own rounding needs.
 *
 * @example sumErrorBound(3, 10) // 4 * 2 ** -53 * 10
 */
export function sumErrorBound(n: number, sumAbs: number): number {
  return n <= 1 ? 0 : 2 * (n - 1) * UNIT_ROUNDOFF * Math.abs(sumAbs);
}

/** `x` with `p` significant digits. */
const withDigits = (x: number, p: number) => Number(x.toPrecision(p));

export function shortestWithin(x: number, bound: number): number {
  if (!Number.isFinite(x) || !(bound > 0) || x === 0) return x;
  // |x − round(x, p)| shrinks as p grows: the fewest digits that land within the bound, by bisection.
  let lo = 1;
  let hi = 17;
  if (Math.abs(withDigits(x, hi) - x) > bound) return x;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.abs(withDigits(x, mid) - x) <= bound) hi = mid;
    else lo = mid + 1;
  }
  return withDigits(x, lo);
}
