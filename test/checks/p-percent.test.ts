import { describe, expect, it } from 'vitest';
import { pPercent } from '../../src/checks/p-percent.js';
import { tableFromCells } from '../../src/outputs/table/table-from-cells.js';
import { ctx, params, tinyTable } from '../helpers/tiny-table.js';

const cell = (values: (number | null)[]) => values.map((v) => ({ r: 'a', c: 'x', v }));
const sum = { index: 'r', columns: 'c', values: 'v', aggfunc: 'sum' } as const;

describe('p_percent', () => {
  it.each([
    ['ratio exactly p passes (50/500)', [500, 100, 25, 25], {}, 'pass'],
    ['ratio below p fails', [500, 100, 25, 24], {}, 'fail'],
    ['all-zero contributions fail', [0, 0, 0], {}, 'fail'],
    ['one contributor fails', [7], {}, 'fail'],
    ['negatives on absolute values', [-500, 100, 25, 24], {}, 'fail'],
    ['p=0.2', [100, 50, 15], { p: 0.2 }, 'fail'],
  ])('%s', (_name, values, over, status) => {
    const [f] = pPercent.run(tinyTable(cell(values as number[]), sum), params(over), ctx);
    expect(f.status).toBe(status);
  });

  it('a cell with no contributions passes (only the threshold catches it)', () => {
    const t = tinyTable([...cell([null, null]), { r: 'b', c: 'x', v: 10 }, { r: 'b', c: 'x', v: 10 }, { r: 'b', c: 'x', v: 10 }], sum);
    const [f] = pPercent.run(t, params(), ctx);
    expect(f.status).toBe('pass');
  });
});

describe('p_percent at the limit (decimal contributions)', () => {
  // (T − x1 − x2) / x1 with x1 = 0.4, x2 = 0.3 and the rest 0.01 + 0.03 = 0.04: exactly 10%.
  it('a rest of exactly p of the largest passes (p% is strict), though floating point puts it under', () => {
    const v = [0.4, 0.3, 0.01, 0.03];
    expect((v.reduce((a, b) => a + b, 0) - 0.4 - 0.3) / 0.4).toBeLessThan(0.1);
    expect(pPercent.run(tinyTable(cell(v), sum), params(), ctx)[0].status).toBe('pass');
  });

  it('a rest just under p fails, just over passes', () => {
    expect(pPercent.run(tinyTable(cell([0.4, 0.3, 0.01, 0.02]), sum), params(), ctx)[0].status).toBe('fail');
    expect(pPercent.run(tinyTable(cell([0.4, 0.3, 0.01, 0.04]), sum), params(), ctx)[0].status).toBe('pass');
  });

  it('the boundary at p = 0.3: a rest of 0.02 + 0.1 of a largest 0.4 is exactly 30%', () => {
    expect(pPercent.run(tinyTable(cell([0.4, 0.1, 0.02, 0.1]), sum), params({ p: 0.3 }), ctx)[0].status).toBe('pass');
    expect(pPercent.run(tinyTable(cell([0.4, 0.1, 0.02, 0.09]), sum), params({ p: 0.3 }), ctx)[0].status).toBe('fail');
  });

  it('pre-aggregated: a rest of exactly p passes, just under fails', () => {
    const pre = (sumAll: number) => tableFromCells({ statistic: 'sum', cells: [{ labels: { s: 'A' }, count: 12, sum: sumAll, top: [0.4, 0.3] }] }, 2, '/outputs/0');
    expect(pPercent.run(pre(0.4 + 0.3 + 0.04), params(), ctx)[0].status).toBe('pass');
    expect(pPercent.run(pre(0.4 + 0.3 + 0.039), params(), ctx)[0].status).toBe('fail');
  });
});
