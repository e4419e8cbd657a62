import { describe, expect, it } from 'vitest';
import { plotKind } from '../../../src/outputs/plot/plot-kind.js';
import { expectCode, parseAs } from '../../helpers/parse-output.js';

const km = (steps: [number, number, number, number][]) => ({ type: 'kaplan_meier', steps: steps.map(([time, at_risk, events, censored]) => ({ time, at_risk, events, censored })) });
const box = (over: Record<string, unknown> = {}) => ({ type: 'box', n: 40, whisker_low: 1, q1: 3, median: 5, q3: 7, whisker_high: 9, outliers: [], ...over });

describe('plot kind: parsing every plot type', () => {
  it('histogram', () => {
    const p = parseAs(plotKind, { type: 'histogram', bins: [{ from: 0, to: 10, count: 12 }, { from: 10, to: 20, count: 15 }], edges_from_data: false });
    expect(p).toEqual({ type: 'histogram', bins: [{ from: 0, to: 10, count: 12 }, { from: 10, to: 20, count: 15 }], edgesFromData: false, edgeCheck: null, source: 'declared', units: null });
  });

  it('histogram with undeclared edges', () => {
    const p = parseAs(plotKind, { type: 'histogram', bins: [{ from: 0, to: 1, count: 12 }, { from: 1, to: 3, count: 15 }] });
    expect(p).toMatchObject({ edgesFromData: null });
  });

  it.each(['bar', 'pie'])('%s', (type) => {
    expect(parseAs(plotKind, { type, categories: [{ label: 'a', count: 12 }, { label: 'b', count: 0 }] })).toEqual({ type, categories: [{ label: 'a', count: 12 }, { label: 'b', count: 0 }], source: 'declared', units: null });
  });

  it('kaplan_meier', () => {
    const p = parseAs(plotKind, km([[0, 50, 0, 0], [3, 50, 10, 2], [7, 38, 12, 0], [12, 26, 0, 26]]));
    expect(p).toEqual({
      type: 'kaplan_meier',
      steps: [
        { time: 0, atRisk: 50, events: 0, censored: 0 },
        { time: 3, atRisk: 50, events: 10, censored: 2 },
        { time: 7, atRisk: 38, events: 12, censored: 0 },
        { time: 12, atRisk: 26, events: 0, censored: 26 },
      ],
      source: 'declared',
      units: null,
    });
  });

  it('scatter: a point without n is one record', () => {
    expect(parseAs(plotKind, { type: 'scatter', points: [{ x: 1, y: 2 }, { x: 3, y: 4, n: 12 }] })).toEqual({ type: 'scatter', points: [{ x: 1, y: 2, n: 1 }, { x: 3, y: 4, n: 12 }], source: 'declared', units: null });
  });

  it('box', () => {
    expect(parseAs(plotKind, box({ outliers: [0, 12], whiskers_at_extremes: false }))).toEqual({
      type: 'box', n: 40, q1: 3, median: 5, q3: 7, whiskerLow: 1, whiskerHigh: 9, whiskersAtExtremes: false, outliers: [0, 12], dataRange: null, source: 'declared', units: null,
    });
  });
});

describe('plot kind: bad input', () => {
  it.each([
    ['no type', { bins: [] }, 'PLOT_INVALID', '/outputs/0/type'],
    ['unknown type', { type: 'violin' }, 'PLOT_INVALID', '/outputs/0/type'],
    ['no bins', { type: 'histogram' }, 'PLOT_INVALID', '/outputs/0/bins'],
    ['empty bins', { type: 'histogram', bins: [] }, 'PLOT_INVALID', '/outputs/0/bins'],
    ['negative count', { type: 'histogram', bins: [{ from: 0, to: 1, count: -1 }] }, 'PLOT_INVALID', '/outputs/0/bins/0/count'],
    ['fractional count', { type: 'histogram', bins: [{ from: 0, to: 1, count: 2.5 }] }, 'PLOT_INVALID', '/outputs/0/bins/0/count'],
    ['missing count', { type: 'histogram', bins: [{ from: 0, to: 1 }] }, 'PLOT_INVALID', '/outputs/0/bins/0/count'],
    ['empty bin', { type: 'histogram', bins: [{ from: 1, to: 1, count: 3 }] }, 'BINS_INVALID', '/outputs/0/bins/0'],
    ['overlapping bins', { type: 'histogram', bins: [{ from: 0, to: 10, count: 12 }, { from: 5, to: 15, count: 12 }] }, 'BINS_INVALID', '/outputs/0/bins/1'],
    ['bins out of order', { type: 'histogram', bins: [{ from: 10, to: 20, count: 12 }, { from: 0, to: 10, count: 12 }] }, 'BINS_INVALID', '/outputs/0/bins/1'],
    ['a gap between bins', { type: 'histogram', bins: [{ from: 0, to: 1, count: 12 }, { from: 2, to: 3, count: 15 }] }, 'BINS_INVALID', '/outputs/0/bins/1'],
    ['a gap of a hair between bins', { type: 'histogram', bins: [{ from: 0, to: 0.1, count: 12 }, { from: 0.1000001, to: 3, count: 15 }] }, 'BINS_INVALID', '/outputs/0/bins/1'],
    ['a spec without microdata', { type: 'histogram', bins: [{ from: 0, to: 1, count: 12 }], spec: { values: 'age' } }, 'PLOT_INVALID', '/outputs/0/spec'],
    ['microdata without a spec', { type: 'histogram', microdata: { format: 'csv', data: 'age\n1\n' } }, 'PLOT_INVALID', '/outputs/0/spec'],
    ['edges_from_data not boolean', { type: 'histogram', bins: [{ from: 0, to: 1, count: 12 }], edges_from_data: 'no' }, 'PLOT_INVALID', '/outputs/0/edges_from_data'],
    ['duplicate label', { type: 'bar', categories: [{ label: 'a', count: 12 }, { label: 'a', count: 12 }] }, 'PLOT_INVALID', '/outputs/0/categories/1/label'],
    ['negative bar', { type: 'pie', categories: [{ label: 'a', count: -3 }] }, 'PLOT_INVALID', '/outputs/0/categories/0/count'],
    ['empty label', { type: 'pie', categories: [{ label: '', count: 3 }] }, 'PLOT_INVALID', '/outputs/0/categories/0/label'],
    ['steps out of order', km([[5, 50, 1, 0], [3, 49, 1, 0]]), 'SURVIVAL_INCONSISTENT', '/outputs/0/steps/1'],
    ['repeated time', km([[5, 50, 1, 0], [5, 49, 1, 0]]), 'SURVIVAL_INCONSISTENT', '/outputs/0/steps/1'],
    ['at_risk does not follow', km([[0, 50, 5, 2], [3, 45, 1, 0]]), 'SURVIVAL_INCONSISTENT', '/outputs/0/steps/1'],
    ['more leaving than at risk', km([[0, 10, 8, 3]]), 'SURVIVAL_INCONSISTENT', '/outputs/0/steps/0'],
    ['negative events', km([[0, 10, -1, 0]]), 'PLOT_INVALID', '/outputs/0/steps/0/events'],
    ['point without y', { type: 'scatter', points: [{ x: 1 }] }, 'PLOT_INVALID', '/outputs/0/points/0/y'],
    ['point with n 0', { type: 'scatter', points: [{ x: 1, y: 1, n: 0 }] }, 'PLOT_INVALID', '/outputs/0/points/0/n'],
    ['box quartiles out of order', box({ q1: 6 }), 'PLOT_INVALID', '/outputs/0/median'],
    ['box without outliers field', { ...box(), outliers: undefined }, 'PLOT_INVALID', '/outputs/0/outliers'],
    ['outlier inside the whiskers', box({ outliers: [5] }), 'PLOT_INVALID', '/outputs/0/outliers/0'],
    ['more outliers than n', box({ n: 1, outliers: [0, 10] }), 'PLOT_INVALID', '/outputs/0/outliers'],
    ['box n 0', box({ n: 0 }), 'PLOT_INVALID', '/outputs/0/n'],
  ] as const)('%s → %s', (_what, fields, code, pointer) => {
    const e = expectCode(() => parseAs(plotKind, fields), code);
    expect(e.details[0].pointer).toBe(pointer);
  });

  it('bounds the number of bins by the configured limit', () => {
    const bins = Array.from({ length: 5 }, (_, i) => ({ from: i, to: i + 1, count: 10 }));
    const ctx = { limits: { maxRows: 10, maxCells: 4, maxOutputs: 1 }, params: {} as never, pointer: '/outputs/3' };
    expectCode(() => parseAs(plotKind, { type: 'histogram', bins }, ctx), 'PLOT_INVALID');
  });
});
