/**
 * Binary search in ascending numbers: the position of the last element at most `v`. Used to
 * place a value in a histogram bin and a survival time in its reported interval.
 *
 * @example lastAtMost([0, 10, 20], 15) // 1
 * @example lastAtMost([0, 10, 20], -1) // -1
 */
import { at } from './invariant.js';
export function lastAtMost(xs: ArrayLike<number>, v: number): number {
  let lo = -1;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (at(xs, mid) <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
