/**
 * A JSON number as the exact decimal fraction it was written as, so that rules with decimal
 * parameters are decided in integers (sdc-rules.md principle 4: floating point does not
 * decide a boundary). `0.01` is 1/100 exactly, although the double nearest to it is not.
 *
 * @example
 * decimalFraction(0.01) // { num: 1n, den: 100n }
 * decimalFraction(99.93) // { num: 9993n, den: 100n }
 */

export interface DecimalFraction {
  num: bigint;
  /** A power of ten. */
  den: bigint;
}

/**
 * The exact decimal value of `x`'s shortest round-trip form (what `String(x)` prints).
 * Throws a RangeError for a non-finite number.
 *
 * @example decimalFraction(2.5e-7) // { num: 25n, den: 100000000n }
 */
export function decimalFraction(x: number): DecimalFraction {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  const s = String(x);
  const e = s.indexOf('e');
  const mantissa = e < 0 ? s : s.slice(0, e);
  let exponent = e < 0 ? 0 : Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  if (dot >= 0) exponent -= mantissa.length - dot - 1;
  let num = BigInt(mantissa.replace('.', ''));
  let den = 1n;
  if (exponent >= 0) num *= 10n ** BigInt(exponent);
  else den = 10n ** BigInt(-exponent);
  return { num, den };
}
