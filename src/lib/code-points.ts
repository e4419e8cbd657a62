/**
 * The length of a string in Unicode code points (a surrogate pair counts once), as JSON
 * Schema's `maxLength` counts it. Never more than `s.length`, so a caller comparing with a
 * bound can skip the count when `s.length` is within it.
 *
 * @example codePoints('a😀') // 2 ('a😀'.length is 3)
 */
export function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * Whether a string has more than `max` code points.
 *
 * @example longerThan('😀😀', 2) // false
 */
export function longerThan(s: string, max: number): boolean {
  return s.length > max && codePoints(s) > max;
}
