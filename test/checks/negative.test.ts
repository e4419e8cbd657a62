import { describe, expect, it } from 'vitest';
import { negative } from '../../src/checks/negative.js';
import { ctx, params, tinyTable } from '../helpers/tiny-table.js';

describe('negative', () => {
  it.each([
    [[5, -1, 3], 'review'],
    [[5, 0, 3], 'pass'],
  ])('%j → %s', (values, status) => {
    const t = tinyTable(values.map((v) => ({ r: 'a', c: 'x', v })), { index: 'r', columns: 'c', values: 'v', aggfunc: 'sum' });
    expect(negative.run(t, params(), ctx)[0].status).toBe(status);
  });
});
