import { describe, expect, it } from 'vitest';
import { groupAdjacent } from '../../../src/outputs/plot/group-adjacent.js';
import { groupSurvivalSteps } from '../../../src/outputs/plot/group-survival-steps.js';
import { mergeBins } from '../../../src/outputs/plot/merge-bins.js';
import { mergeCategories } from '../../../src/outputs/plot/merge-categories.js';

describe('groupAdjacent', () => {
  it.each([
    [[3, 8, 12, 2], 10, [[0, 2], [2, 4]]],
    [[10, 10], 10, [[0, 1], [1, 2]]],
    [[4, 4], 10, null],
    [[0, 0, 10, 0], 10, [[0, 4]]],
    [[], 10, null],
  ])('%j with threshold %i', (weights, t, groups) => {
    expect(groupAdjacent(weights, t)).toEqual(groups);
  });
});

describe('mergeBins', () => {
  it('merges adjacent bins until each holds the threshold', () => {
    const bins = [{ from: 0, to: 5, count: 4 }, { from: 5, to: 10, count: 7 }, { from: 10, to: 15, count: 30 }, { from: 15, to: 20, count: 2 }];
    expect(mergeBins(bins, 10)).toEqual([{ from: 0, to: 10, count: 11 }, { from: 10, to: 20, count: 32 }]);
  });
  it('null when the whole histogram is below the threshold', () => {
    expect(mergeBins([{ from: 0, to: 1, count: 9 }], 10)).toBeNull();
  });
});

describe('mergeCategories', () => {
  it('pools small categories into Other, topping it up with the smallest passing ones', () => {
    const cats = [{ label: 'a', count: 30 }, { label: 'b', count: 3 }, { label: 'c', count: 12 }, { label: 'd', count: 20 }];
    expect(mergeCategories(cats, 10)).toEqual({ categories: [{ label: 'a', count: 30 }, { label: 'd', count: 20 }, { label: 'Other', count: 15 }], merged: ['b', 'c'] });
  });
  it('joins an existing Other rather than adding a second', () => {
    const cats = [{ label: 'a', count: 30 }, { label: 'Other', count: 15 }, { label: 'b', count: 0 }];
    expect(mergeCategories(cats, 10)).toEqual({ categories: [{ label: 'a', count: 30 }, { label: 'Other', count: 15 }], merged: ['b'] });
  });
  it('null when everything together is below the threshold', () => {
    expect(mergeCategories([{ label: 'a', count: 3 }, { label: 'b', count: 4 }], 10)).toBeNull();
  });
});

describe('groupSurvivalSteps', () => {
  it('groups until each interval holds at least threshold events, and stops before fewer than threshold are at risk', () => {
    const steps = [
      { time: 1, atRisk: 60, events: 3, censored: 2 },
      { time: 2, atRisk: 55, events: 8, censored: 3 },
      { time: 3, atRisk: 44, events: 10, censored: 0 },
      { time: 4, atRisk: 34, events: 1, censored: 9 },
      { time: 5, atRisk: 24, events: 9, censored: 4 },
      { time: 6, atRisk: 11, events: 2, censored: 0 },
      { time: 7, atRisk: 9, events: 9, censored: 0 },
    ];
    expect(groupSurvivalSteps(steps, 10)).toEqual([
      { time: 1, atRisk: 60, events: 11, censored: 5 },
      { time: 3, atRisk: 44, events: 10, censored: 0 },
      { time: 4, atRisk: 34, events: 10, censored: 13 },
      // 2 + 9 events from time 6 on: one interval, at risk 11
      { time: 6, atRisk: 11, events: 11, censored: 0 },
    ]);
  });

  it('groups by events, not by people leaving: 1 event among 9 censored is not enough', () => {
    const steps = [
      { time: 1, atRisk: 40, events: 1, censored: 9 },
      { time: 2, atRisk: 30, events: 12, censored: 0 },
      { time: 3, atRisk: 18, events: 18, censored: 0 },
    ];
    expect(groupSurvivalSteps(steps, 10)).toEqual([
      { time: 1, atRisk: 40, events: 13, censored: 9 },
      { time: 3, atRisk: 18, events: 18, censored: 0 },
    ]);
  });

  it('null when the whole curve has fewer than threshold events', () => {
    expect(groupSurvivalSteps([{ time: 1, atRisk: 40, events: 9, censored: 31 }], 10)).toBeNull();
  });
});
