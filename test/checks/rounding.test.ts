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

describe('rounding with midpoint6', () => {
  it.each([
    [3, 'pass'],
    [9, 'pass'],
    [15, 'pass'],
    [10, 'fail'],
    [6, 'fail'],
  ])('count %i → %s', (n, status) => {
    const t = tinyTable(repeat(n, { r: 'a', c: 'x' }), { index: 'r', columns: 'c' });
    const [f] = rounding.run(t, params({ rounding_scheme: 'midpoint6' }), ctx);
    expect(f.status).toBe(status);
    if (status === 'fail') expect(f.cells![0].reason).toMatch(/midpoint-6/);
  });
});
