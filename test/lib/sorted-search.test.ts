import { describe, expect, it } from 'vitest';
import { lastAtMost } from '../../src/lib/sorted-search.js';

describe('lastAtMost', () => {
  it.each([
    [[0, 10, 20], 15, 1],
    [[0, 10, 20], 10, 1],
    [[0, 10, 20], 20, 2],
    [[0, 10, 20], 99, 2],
    [[0, 10, 20], -1, -1],
    [[], 5, -1],
    [[3, 3, 3], 3, 2],
  ])('%j, %s → %s', (xs, v, i) => {
    expect(lastAtMost(xs, v)).toBe(i);
  });
});
