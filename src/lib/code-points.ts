/**
 * The length of a string in Unicode code points (a surrogate pair counts once), as JSON
 * Schema's `maxLength` counts it; `atMost` lets a caller skip the count when the UTF-16
 * length already settles the comparison.
 *
 * @example codePoints('a😀') // 2 ('a😀'.length is 3)
 */
export function codePoints(s: string, atMost = Infinity): number {
  // Code points ≤ UTF-16 units: a string no longer than the bound cannot exceed it.
  if (s.length <= atMost) return s.length;
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
