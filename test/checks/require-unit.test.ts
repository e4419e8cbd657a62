import { describe, expect, it } from 'vitest';
import { minCount } from '../../src/checks/min-count.js';
import { tableFromCells } from '../../src/outputs/table/table-from-cells.js';
import { ctx, params, repeat, tinyTable } from '../helpers/tiny-table.js';

const rows = repeat(12, { r: 'a', c: 'x', u: 'p' }).map((x, i) => ({ ...x, u: `p${i}` }));
const required = params({ require_unit: true });

describe('require_unit (min_count)', () => {
  it('fails a table from microdata counted by rows', () => {
    const found = minCount.run(tinyTable(rows, { index: 'r', columns: 'c' }), required, ctx);
    expect(found).toEqual([expect.objectContaining({ check: 'min_count', status: 'fail', message: expect.stringMatching(/requires a unit column/) })]);
  });

  it('passes a table from microdata with a unit column (12 distinct units)', () => {
    expect(minCount.run(tinyTable(rows, { index: 'r', columns: 'c', unit: 'u' }), required, ctx)).toEqual([expect.objectContaining({ status: 'pass' })]);
  });

  it('sends pre-aggregated tables to review, declared unit or not', () => {
    for (const unit of [null, 'patient_id']) {
      const t = tableFromCells({ statistic: 'frequency', unit, cells: [{ labels: { r: 'a' }, count: 40 }] }, 2, '/outputs/0');
      expect(minCount.run(t, required, ctx).map((f) => f.status)).toEqual(['review']);
    }
  });

  it('changes nothing when governance does not require units', () => {
    expect(minCount.run(tinyTable(rows, { index: 'r', columns: 'c' }), params(), ctx).map((f) => f.status)).toEqual(['pass']);
  });
});
