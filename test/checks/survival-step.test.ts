import { describe, expect, it } from 'vitest';
import { survivalStep } from '../../src/checks/survival-step.js';
import { plotKind } from '../../src/outputs/plot/plot-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const km = (...steps: [number, number, number, number][]) => ({ type: 'kaplan_meier', steps: steps.map(([time, at_risk, events, censored]) => ({ time, at_risk, events, censored })) });
const run = (fields: Record<string, unknown>, threshold = 10) => survivalStep.run(parseAs(plotKind, fields), params({ threshold }), ctx);

describe('survival_step', () => {
  it.each([
    ['nobody leaves', km([0, 50, 0, 0]), 10, 'pass'],
    ['10 leave (events + censored)', km([0, 50, 6, 4]), 10, 'pass'],
    ['9 leave', km([0, 50, 5, 4]), 10, 'fail'],
    ['1 leaves', km([0, 50, 1, 0]), 10, 'fail'],
    ['1 censored', km([0, 50, 0, 1]), 10, 'fail'],
    ['20 leave, threshold 20', km([0, 50, 20, 0]), 20, 'pass'],
    ['19 leave, threshold 20', km([0, 50, 19, 0]), 20, 'fail'],
  ])('%s: %s', (_what, fields, threshold, status) => {
    const [f] = run(fields, threshold);
    expect(f).toMatchObject({ check: 'survival_step', status });
  });

  it('names each small step and proposes grouped intervals', () => {
    const [f] = run(km([1, 40, 3, 2], [2, 35, 4, 3], [3, 28, 10, 0], [4, 18, 18, 0]));
    expect(f.items).toEqual([
      { ref: 'steps[0] (time 1)', value: 5, reason: '5 left the risk set (events 3 + censored 2) < threshold 10' },
      { ref: 'steps[1] (time 2)', value: 7, reason: '7 left the risk set (events 4 + censored 3) < threshold 10' },
    ]);
    expect(f.remedy).toMatch(/^Report grouped time intervals starting at times 1, 3, 4 so at least 10 leave the risk set in each/);
  });

  it('does not apply to other plots', () => {
    expect(run({ type: 'bar', categories: [{ label: 'a', count: 1 }] })).toEqual([]);
  });
});
