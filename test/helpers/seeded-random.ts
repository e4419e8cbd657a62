/**
 * mulberry32: the one seeded PRNG of the tests and the bench, for synthetic data, property
 * tests and fuzzing that must give the same sequence every run. Not for anything secret. It
 * lives here, not in src/lib, because nothing in src uses it (the bench imports test helpers).
 *
 * @example const random = seededRandom(7); random(); // 0 ≤ x < 1, the same every run
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
