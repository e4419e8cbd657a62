/**
 * The work budget's sizes measured in slices (`jsonBytesSliced`, issue 13) are exactly the
 * sizes measured at once (`jsonBytes`): a 413 names the same numbers whichever way it was
 * measured, for what a decision and its evidence hold (long arrays, typed arrays, undefined
 * members and items, non-ASCII keys, too-large values).
 */
import { describe, expect, it } from 'vitest';
import { jsonBytes, jsonBytesSliced } from '../../src/pipeline/work-budget.js';

describe('jsonBytesSliced', () => {
  it('adds up to jsonBytes', async () => {
    const cell = (i: number) => ({ labels: { r: `rég${i}`, c: 'x' }, count: i / 7, gone: undefined, f: () => 1 });
    const values: unknown[] = [
      { outputs: [{ table: { cells: Array.from({ length: 700 }, (_, i) => cell(i)) }, ü: 'x', skip: undefined }] },
      [Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? undefined : i % 3 === 1 ? new Uint8Array(i) : { n: i })), null, { sketch: new Float64Array(8) }],
      { at: new Date(0), many: Array.from({ length: 300 }, (_, i) => i) },
      { few: [1, 2, 3] },
      [],
      {},
    ];
    for (const v of values) expect(await jsonBytesSliced(v)).toBe(jsonBytes(v));
  });
});
