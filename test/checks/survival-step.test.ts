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
    ['10 events', km([0, 50, 10, 0]), 10, 'pass'],
    ['10 events and 4 censored', km([0, 50, 10, 4]), 10, 'pass'],
    ['10 censored, no event', km([0, 50, 0, 10]), 10, 'pass'],
    ['1 event and 9 censored: 10 leave, but the drop is one person', km([0, 50, 1, 9]), 10, 'fail'],
    ['9 events and 30 censored', km([0, 50, 9, 30]), 10, 'fail'],
    ['6 events and 4 censored', km([0, 50, 6, 4]), 10, 'fail'],
    ['1 event', km([0, 50, 1, 0]), 10, 'fail'],
    ['1 censored, no event', km([0, 50, 0, 1]), 10, 'fail'],
    ['9 censored, no event', km([0, 50, 0, 9]), 10, 'fail'],
    ['20 events, threshold 20', km([0, 50, 20, 0]), 20, 'pass'],
    ['19 events, threshold 20', km([0, 50, 19, 0]), 20, 'fail'],
  ])('%s: %s', (_what, fields, threshold, status) => {
    const [f] = run(fields, threshold);
    expect(f).toMatchObject({ check: 'survival_step', status });
  });

  it('says why: events, and people leaving', () => {
    const [f] = run(km([1, 60, 1, 9], [2, 50, 3, 2], [3, 45, 10, 0], [4, 35, 35, 0]));
    expect(f!.items).toEqual([
      { ref: 'steps[0] (time 1)', value: 1, reason: 'events 1 < threshold 10: the drop of the curve counts fewer than 10 people (censoring does not dilute it)' },
      {
        ref: 'steps[1] (time 2)',
        value: 3,
        reason: 'events 3 < threshold 10: the drop of the curve counts fewer than 10 people (censoring does not dilute it); 5 left the risk set (events 3 + censored 2) < threshold 10',
      },
    ]);
    expect(f!.remedy).toMatch(/^Report grouped time intervals starting at times 1, 4 so each holds at least 10 events/);
  });

  it('does not apply to other plots', () => {
    expect(run({ type: 'bar', categories: [{ label: 'a', count: 1 }] })).toEqual([]);
  });
});
