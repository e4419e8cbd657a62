/**
 * Rounding of released counts (sdc-rules.md "Remedies and protection → Rounding"), and what a
 * rounded count tells an attacker: the interval of true counts the scheme maps to it.
 * - `nearest`: to the nearest multiple of `base`, a tie (exactly half-way) up to the larger
 *   multiple (counts are non-negative): base 5 gives 0–2 → 0, 3–7 → 5, 8–12 → 10.
 * - `midpoint6` (OpenSAFELY): 0 stays 0; a count c ≥ 1 becomes 6·⌈c/6⌉ − 3, so 1–6 → 3,
 *   7–12 → 9, … (`base` is not used: the scheme fixes its own width of 6).
 *
 * @example
 * roundCount(7, 'midpoint6', 5) // 9
 * roundedInterval(9, 'midpoint6', 5) // { lo: 7, hi: 12 }
 * roundedInterval(10, 'nearest', 5) // { lo: 8, hi: 12 }
 */

/** The rounding schemes governance may choose (`rounding_scheme`). */
export const ROUNDING_SCHEMES = ['nearest', 'midpoint6'] as const;
export type RoundingScheme = (typeof ROUNDING_SCHEMES)[number];

/** An inclusive interval of counts. */
export interface CountInterval {
  lo: number;
  hi: number;
}

function checkBase(base: number): void {
  if (!(Number.isInteger(base) && base >= 1)) throw new RangeError(`rounding base ${base} is not a positive integer`);
}

/**
 * The published form of count `c` under `scheme` (0 stays 0 under both).
 *
 * @example roundCount(12, 'nearest', 5) // 10
 */
export function roundCount(c: number, scheme: RoundingScheme, base: number): number {
  if (scheme === 'midpoint6') return c <= 0 ? 0 : 6 * Math.ceil(c / 6) - 3;
  checkBase(base);
  const q = Math.floor(c / base + 0.5) * base;
  return q === 0 ? 0 : q; // no −0 in JSON output
}

/**
 * The counts `scheme` maps to the published value `r` (non-negative integers), or null when no
 * count rounds to `r` (then `r` is not rounded by this scheme).
 *
 * @example roundedInterval(0, 'nearest', 10) // { lo: 0, hi: 4 }
 */
export function roundedInterval(r: number, scheme: RoundingScheme, base: number): CountInterval | null {
  if (!Number.isInteger(r) || r < 0) return null;
  if (scheme === 'midpoint6') {
    if (r === 0) return { lo: 0, hi: 0 };
    return (r + 3) % 6 === 0 ? { lo: r - 2, hi: r + 3 } : null;
  }
  checkBase(base);
  if (r % base !== 0) return null;
  // roundCount(c) = r ⇔ r − base/2 ≤ c < r + base/2 (ties go up).
  return { lo: Math.max(0, Math.ceil(r - base / 2)), hi: Math.ceil(r + base / 2) - 1 };
}

/**
 * Whether `r` is a value `scheme` can publish (the `rounding` check).
 *
 * @example isRoundedCount(15, 'midpoint6', 5) // true (13–18 → 15)
 */
export function isRoundedCount(r: number, scheme: RoundingScheme, base: number): boolean {
  return roundedInterval(r, scheme, base) !== null;
}
