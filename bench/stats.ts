/**
 * Small statistics for the bench: medians of repeated timings.
 *
 * @example median([0.3, 0.1, 0.2]); // 0.2
 */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
