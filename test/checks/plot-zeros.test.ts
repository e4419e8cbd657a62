import { describe, expect, it } from 'vitest';
import { plotZeros } from '../../src/checks/plot-zeros.js';
import { plotKind } from '../../src/outputs/plot/plot-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const run = (fields: Record<string, unknown>, zeros_are_disclosive = true) => plotZeros.run(parseAs(plotKind, fields), params({ zeros_are_disclosive }), ctx);

describe('zeros on plots', () => {
  it.each([
    ['a zero bin', { type: 'histogram', bins: [{ from: 0, to: 1, count: 20 }, { from: 1, to: 2, count: 0 }] }, 'fail'],
    ['no zero bin', { type: 'histogram', bins: [{ from: 0, to: 1, count: 20 }, { from: 1, to: 2, count: 1 }] }, 'pass'],
    ['a zero bar', { type: 'bar', categories: [{ label: 'a', count: 0 }, { label: 'b', count: 30 }] }, 'fail'],
    ['a zero slice', { type: 'pie', categories: [{ label: 'a', count: 0 }, { label: 'b', count: 30 }] }, 'fail'],
  ])('%s: %s', (_what, fields, status) => {
    const [f] = run(fields);
    expect(f).toMatchObject({ check: 'zeros', status });
  });

  it('names the zero bin and the merge that removes it', () => {
    const [f] = run({ type: 'histogram', bins: [{ from: 0, to: 1, count: 20 }, { from: 1, to: 2, count: 0 }, { from: 2, to: 3, count: 12 }] });
    expect(f.items).toEqual([{ ref: 'bins[1] [1, 2)', value: 0, reason: 'count is 0' }]);
    expect(f.remedy).toContain('merge [1, 2) and [2, 3) into [1, 3)');
  });

  it('does not apply when zeros are not disclosive', () => {
    expect(run({ type: 'bar', categories: [{ label: 'a', count: 0 }] }, false)).toEqual([]);
  });

  it.each([
    { type: 'kaplan_meier', steps: [{ time: 0, at_risk: 20, events: 0, censored: 0 }] },
    { type: 'scatter', points: [{ x: 0, y: 0, n: 20 }] },
  ])('does not apply to $type', (fields) => {
    expect(run(fields)).toEqual([]);
  });
});
