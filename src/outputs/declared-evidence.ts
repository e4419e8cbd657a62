/**
 * Declared evidence checked against what airlock computes from the microdata sent with the
 * same output (sdc-rules.md principle 2): a count must be the count; a published statistic
 * must agree at its printed precision (`45.2` agrees with 45.23…); a quantile must lie where
 * some common definition puts it. Disagreement is bad input that names both numbers, so
 * the researcher can see which one is wrong.
 *
 * @example
 * declaredCount('PLOT_INVALID', '/outputs/0/bins/2/count', 'bins[2] [20, 30)', 12, 11);
 * // throws PLOT_INVALID: "… bins[2] [20, 30): declared 12, the microdata gives 11"
 */
import type { ErrorCode } from '../errors.js';
import { agreesWithPrinted, printedMeetsRange } from '../lib/printed-precision.js';
import { invalid } from './read-fields.js';

/**
 * A declared count must equal the computed one.
 *
 * @example declaredCount('PLOT_INVALID', '/outputs/0/n', 'n', 40, 40) // nothing thrown
 */
export function declaredCount(code: ErrorCode, pointer: string, what: string, declared: number, computed: number): void {
  if (declared !== computed) invalid(code, pointer, `${what}: declared ${declared}, the microdata gives ${computed}`);
}

/**
 * A declared statistic must agree with the computed one at its printed precision.
 *
 * @example declaredValue('SUMMARY_INVALID', '/outputs/0/statistics/0/value', 'mean of age', 45.2, 45.23) // nothing thrown
 */
export function declaredValue(code: ErrorCode, pointer: string, what: string, declared: number, computed: number): void {
  if (!agreesWithPrinted(declared, computed)) {
    invalid(code, pointer, `${what}: declared ${declared}, the microdata gives ${computed} (not equal at the declared value's printed precision)`);
  }
}

/**
 * A declared quantile must lie (at its printed precision) in the range the common
 * definitions give.
 *
 * @example declaredQuantile('PLOT_INVALID', '/outputs/0/q1', 'q1', 34, [33.8, 34.6], 34.2) // nothing thrown
 */
export function declaredQuantile(code: ErrorCode, pointer: string, what: string, declared: number, range: [number, number], type7: number): void {
  if (!printedMeetsRange(declared, range[0], range[1])) {
    const between = range[0] === range[1] ? `${range[0]}` : `between ${range[0]} and ${range[1]}`;
    invalid(code, pointer, `${what}: declared ${declared}, the microdata gives ${type7} (any common quantile definition gives ${between})`);
  }
}
