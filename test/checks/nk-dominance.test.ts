import { describe, expect, it } from 'vitest';
import { nkDominance } from '../../src/checks/nk-dominance.js';
import { ctx, params, tinyTable } from '../helpers/tiny-table.js';

const cell = (values: number[]) => values.map((v) => ({ r: 'a', c: 'x', v }));
const sum = { index: 'r', columns: 'c', values: 'v', aggfunc: 'sum' } as const;

describe('nk_dominance', () => {
  it.each([
    ['exactly k fails (90/100)', [50, 40, 5, 5], {}, 'fail'],
    ['just under k passes', [50, 39, 6, 5], {}, 'pass'],
    ['n or fewer contributions: share 1', [3, 4], {}, 'fail'],
    ['n=3 counts three', [30, 30, 30, 10], { nk_n: 3 }, 'fail'],
    ['absolute values (negatives)', [-50, 40, 5, 5], {}, 'fail'],
    ['all zero passes (T = 0)', [0, 0, 0], {}, 'pass'],
    ['k=0.5', [30, 21, 49], { nk_k: 0.5 }, 'fail'],
  ])('%s', (_name, values, over, status) => {
    const t = tinyTable(cell(values as number[]), sum, Math.max(2, (over as { nk_n?: number }).nk_n ?? 2));
    const [f] = nkDominance.run(t, params(over), ctx);
    expect(f.status).toBe(status);
  });

  it('applies to mean tables too, not to frequency tables', () => {
    expect(nkDominance.run(tinyTable(cell([99, 1]), { ...sum, aggfunc: 'mean' }), params(), ctx)[0].status).toBe('fail');
    expect(nkDominance.run(tinyTable(cell([99, 1]), { index: 'r', columns: 'c' }), params(), ctx)).toEqual([]);
  });
});
