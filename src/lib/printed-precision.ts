/**
 * Published numbers compared as intervals of their printed precision (sdc-rules.md
 * principle 4): a value written `45.2` stands for anything in [45.15, 45.25], `45.23` for
 * [45.225, 45.235], so the two agree; `120` stands for [119.5, 120.5]. The printed form of a
 * JSON number is its shortest round-trip decimal (what `String(x)` gives), which is what the
 * submitter wrote unless they wrote trailing zeros (`45.20` arrives as `45.2`, a wider and
 * so more forgiving interval).
 *
 * @example
 * printedInterval(45.2) // [45.15, 45.25] (up to floating point)
 * agreesWithPrinted(45.2, 45.2317) // true
 * printedIntervalsMeet(45.2, 45.23) // true
 */

/** Half a unit in the last printed digit of `x`. */
export function printedHalfUnit(x: number): number {
  const s = String(Math.abs(x));
  const e = s.indexOf('e');
  const mantissa = e < 0 ? s : s.slice(0, e);
  const exponent = e < 0 ? 0 : Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const decimals = dot < 0 ? 0 : mantissa.length - dot - 1;
  return 0.5 * 10 ** (exponent - decimals);
}

/**
 * The interval a printed value stands for, widened by a few ulps so that a value exactly on
 * its border (45.25 for 45.2) is inside despite binary floating point.
 *
 * @example printedInterval(3) // [2.5, 3.5]
 */
export function printedInterval(x: number): [number, number] {
  const h = printedHalfUnit(x);
  const slack = Math.abs(x) * 4 * Number.EPSILON;
  return [x - h - slack, x + h + slack];
}

/**
 * Whether an exactly computed value agrees with a printed one.
 *
 * @example agreesWithPrinted(12, 12.4) // true; agreesWithPrinted(12.0, 12.6) // false
 */
export function agreesWithPrinted(printed: number, computed: number): boolean {
  const [lo, hi] = printedInterval(printed);
  return computed >= lo && computed <= hi;
}

/**
 * Whether two printed values can stand for the same number (their intervals meet).
 *
 * @example printedIntervalsMeet(45.2, 45.23) // true; printedIntervalsMeet(45.2, 45.3) // false
 */
export function printedIntervalsMeet(a: number, b: number): boolean {
  const [alo, ahi] = printedInterval(a);
  const [blo, bhi] = printedInterval(b);
  return alo <= bhi && blo <= ahi;
}

/**
 * Whether a printed value can stand for some number in the closed range [lo, hi].
 *
 * @example printedMeetsRange(34, 34.4, 36) // true (34 stands for [33.5, 34.5])
 */
export function printedMeetsRange(printed: number, lo: number, hi: number): boolean {
  const [plo, phi] = printedInterval(printed);
  return plo <= hi && lo <= phi;
}
