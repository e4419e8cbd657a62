import { describe, expect, it } from 'vitest';
import { nkDominance } from '../../src/checks/nk-dominance.js';
import { tableFromCells } from '../../src/outputs/table/table-from-cells.js';
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

describe('nk_dominance at the limit (decimal contributions)', () => {
  it('0.6 + 0.3 of 1.0 is 90%: fails, though floating point makes it 0.8999999999999999', () => {
    expect(0.6 + 0.3).toBeLessThan(0.9);
    const t = tinyTable(cell([0.6, 0.3, 0.05, 0.05]), sum);
    expect(nkDominance.run(t, params(), ctx)[0].status).toBe('fail');
  });

  it('just under the limit passes, just over fails', () => {
    expect(nkDominance.run(tinyTable(cell([0.6, 0.29, 0.06, 0.05]), sum), params(), ctx)[0].status).toBe('pass');
    expect(nkDominance.run(tinyTable(cell([0.6, 0.31, 0.05, 0.04]), sum), params(), ctx)[0].status).toBe('fail');
  });

  it('a total accumulated from many decimal rows still reaches the limit exactly', () => {
    // 0.7 + 0.2 dominate 1.0 made of ten rows of 0.01.
    const t = tinyTable(cell([0.7, 0.2, ...Array(10).fill(0.01)]), sum);
    expect(nkDominance.run(t, params(), ctx)[0].status).toBe('fail');
  });

  it('pre-aggregated: top [0.6, 0.3] of a sum of 1.0 fails; [0.6, 0.29] passes', () => {
    const pre = (top: number[]) => tableFromCells({ statistic: 'sum', cells: [{ labels: { s: 'A' }, count: 12, sum: 1.0, top }] }, 2, '/outputs/0');
    expect(nkDominance.run(pre([0.6, 0.3]), params(), ctx)[0].status).toBe('fail');
    expect(nkDominance.run(pre([0.6, 0.29]), params(), ctx)[0].status).toBe('pass');
  });
});
