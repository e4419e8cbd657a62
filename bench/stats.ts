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

/**
 * A seeded generator (mulberry32): the same numbers on every run.
 *
 * @example const rnd = random(42); rnd(); // in [0, 1)
 */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
