/**
 * fast-check settings for the property tests: a fixed seed so every run checks the same
 * cases (CI and laptops agree), overridable with `FC_SEED=<n>` to explore more, and the seed
 * printed by fast-check on failure so a counterexample can be replayed.
 *
 * @example fc.assert(fc.property(arb, check), runs(200));
 */
import type { Parameters } from 'fast-check';

const SEED = Number(process.env.FC_SEED ?? 20261129);

export function runs<T>(numRuns: number): Parameters<T> {
  return { numRuns, seed: SEED };
}
