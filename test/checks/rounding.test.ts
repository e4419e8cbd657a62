import { describe, expect, it } from 'vitest';
import { rounding } from '../../src/checks/rounding.js';
import { ctx, params, repeat, tinyTable } from '../helpers/tiny-table.js';

describe('rounding', () => {
  it.each([
    [15, 5, 'pass'],
    [14, 5, 'fail'],
    [14, 7, 'pass'],
  ])('count %i, base %i → %s', (n, base, status) => {
    const t = tinyTable(repeat(n, { r: 'a', c: 'x' }), { index: 'r', columns: 'c' });
    expect(rounding.run(t, params({ round_base: base }), ctx)[0].status).toBe(status);
  });
});
