import { describe, expect, it } from 'vitest';
import { pPercent } from '../../src/checks/p-percent.js';
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
