import { describe, expect, it } from 'vitest';
import { minCount } from '../../src/checks/min-count.js';
import { zeros } from '../../src/checks/zeros.js';
import { structuralZeros } from '../../src/checks/structural-zeros.js';
import { tableFromCells } from '../../src/outputs/table/table-from-cells.js';
import { cellByLabels, ctx, params, repeat, tinyTable } from '../helpers/tiny-table.js';

// sex × pregnant: the male/pregnant cell is empty by definition.
const rows = [...repeat(12, { sex: 'female', pregnant: 'yes' }), ...repeat(15, { sex: 'female', pregnant: 'no' }), ...repeat(20, { sex: 'male', pregnant: 'no' })];
const governance = params({ structural_zeros: [{ Sex: 'MALE', pregnant: 'Yes ' }] });

describe('structural zeros', () => {
  it('a governance-listed empty cell passes zeros and min_count', () => {
    const t = tinyTable(rows, { index: 'sex', columns: 'pregnant' });
    expect(zeros.run(t, governance, ctx)).toEqual([expect.objectContaining({ status: 'pass' })]);
    expect(minCount.run(t, governance, ctx)).toEqual([expect.objectContaining({ status: 'pass' })]);
  });

  it('without the listing the same cell fails both', () => {
    const t = tinyTable(rows, { index: 'sex', columns: 'pregnant' });
    expect(zeros.run(t, params(), ctx)[0].status).toBe('fail');
    expect(minCount.run(t, params(), ctx)[0].status).toBe('fail');
  });

  it('a cell only the submitter declares gets review from zeros and min_count, never pass', () => {
    const t = tinyTable(rows, { index: 'sex', columns: 'pregnant', structural_zeros: [{ sex: 'male', pregnant: 'yes' }] });
    for (const check of [zeros, minCount]) {
      const found = check.run(t, params(), ctx);
      expect(found.map((f) => f.status)).toEqual(['review']);
      expect(found[0].cells).toEqual([{ labels: { sex: 'male', pregnant: 'yes' }, value: 0, count: 0, reason: expect.stringMatching(/declared a structural zero/) }]);
    }
  });

  it('a declaration next to an ordinary zero: the declared cell is review, the other still fails', () => {
    const cells = tableFromCells(
      {
        statistic: 'frequency',
        cells: [
          { labels: { sex: 'female', pregnant: 'yes' }, count: 0 },
          { labels: { sex: 'female', pregnant: 'no' }, count: 15 },
          { labels: { sex: 'male', pregnant: 'yes' }, count: 0, structural_zero: true },
          { labels: { sex: 'male', pregnant: 'no' }, count: 20 },
        ],
      },
      2,
      '/outputs/0',
    );
    expect(zeros.run(cells, params(), ctx).map((f) => [f.status, f.cells?.map((c) => c.labels.sex)])).toEqual([
      ['fail', ['female']],
      ['review', ['male']],
    ]);
  });

  it('a listed cell that is not empty is an ordinary cell (and a small one fails)', () => {
    const t = tinyTable([...rows, ...repeat(2, { sex: 'male', pregnant: 'yes' })], { index: 'sex', columns: 'pregnant' });
    expect(structuralZeros(t, governance).listed[cellByLabels(t, 'male|yes')]).toBe(0);
    expect(minCount.run(t, governance, ctx)[0].status).toBe('fail');
  });

  it('a listing names every cell with those labels, whatever the other variables', () => {
    const three = [...rows.map((r) => ({ ...r, region: 'north' })), ...rows.map((r) => ({ ...r, region: 'south' }))];
    const t = tinyTable(three, { index: 'sex', columns: ['pregnant', 'region'], margins: true });
    const z = structuralZeros(t, governance);
    expect(z.listed.reduce((a, b) => a + b, 0)).toBe(2);
    expect(zeros.run(t, governance, ctx)[0].status).toBe('pass');
  });
});
