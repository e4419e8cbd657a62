import { describe, expect, it } from 'vitest';
import { groupMembers, groupSize } from '../../../src/lib/unit-membership.js';
import { plotKind } from '../../../src/outputs/plot/plot-kind.js';
import type { BoxPlot, CategoryPlot, HistogramPlot, KaplanMeierPlot, ScatterPlot } from '../../../src/outputs/plot/plot-output.js';
import { MALFORMED_MICRODATA } from '../../helpers/malformed-microdata.js';
import { expectCode, parseAs, parseCtx } from '../../helpers/parse-output.js';

const parseCtxParams = () => parseCtx.params;

type Row = Record<string, string | number | boolean | null>;
const json = (rows: Row[]) => ({ format: 'json', data: rows });
const csv = (text: string) => ({ format: 'csv', data: text });
const plot = <T>(fields: Record<string, unknown>) => parseAs(plotKind, fields) as T;

describe('histogram from microdata', () => {
  const values = [0, 1, 5, 9.99, 10, 15, 20];
  const rows = values.map((age) => ({ age }));

  it('counts values per bin [from, to), the last bin closed, values outside no bin', () => {
    const h = plot<HistogramPlot>({ type: 'histogram', microdata: json([...rows, { age: -1 }, { age: 20.5 }, { age: null }]), spec: { values: 'age', edges: [0, 10, 20] } });
    expect(h.bins).toEqual([
      { from: 0, to: 10, count: 4 },
      { from: 10, to: 20, count: 3 },
    ]);
    expect(h.edgeCheck).toEqual({ below: 1, onLow: 1, onHigh: 1, above: 1 });
    expect(h.units).toBeNull();
  });

  it('takes the edges from declared bins and checks their counts', () => {
    const bins = [{ from: 0, to: 10, count: 4 }, { from: 10, to: 20, count: 3 }];
    expect(plot<HistogramPlot>({ type: 'histogram', microdata: json(rows), spec: { values: 'age' }, bins }).bins).toEqual(bins);
  });

  it('a declared count the microdata contradicts is bad input naming both numbers', () => {
    const e = expectCode(() => plot({ type: 'histogram', microdata: json(rows), spec: { values: 'age' }, bins: [{ from: 0, to: 10, count: 4 }, { from: 10, to: 20, count: 30 }] }), 'PLOT_INVALID');
    expect(e.details[0]).toMatchObject({ pointer: '/outputs/0/bins/1/count', message: 'bins[1] [10, 20) count: declared 30, the microdata gives 3' });
  });

  it.each([
    ['edges that are not the bins’', { values: 'age', edges: [0, 10, 30] }, [{ from: 0, to: 10, count: 4 }, { from: 10, to: 20, count: 3 }], 'BINS_INVALID', '/outputs/0/spec/edges'],
    ['edges out of order', { values: 'age', edges: [0, 20, 10] }, undefined, 'BINS_INVALID', '/outputs/0/spec/edges/2'],
    ['one edge', { values: 'age', edges: [0] }, undefined, 'BINS_INVALID', '/outputs/0/spec/edges'],
    ['no edges, no bins', { values: 'age' }, undefined, 'PLOT_INVALID', '/outputs/0/spec/edges'],
    ['no values column', { edges: [0, 10] }, undefined, 'PLOT_INVALID', '/outputs/0/spec/values'],
    ['bins with a gap', { values: 'age' }, [{ from: 0, to: 5, count: 3 }, { from: 10, to: 20, count: 3 }], 'BINS_INVALID', '/outputs/0/bins/1'],
  ] as const)('%s → %s', (_what, spec, bins, code, pointer) => {
    const e = expectCode(() => plot({ type: 'histogram', microdata: json(rows), spec, ...(bins ? { bins } : {}) }), code);
    expect(e.details[0]!.pointer).toBe(pointer);
  });

  it('a column the microdata lacks, or a value that is not a number, is the readers’ bad input', () => {
    expectCode(() => plot({ type: 'histogram', microdata: json(rows), spec: { values: 'bmi', edges: [0, 1] } }), 'UNKNOWN_COLUMN');
    expectCode(() => plot({ type: 'histogram', microdata: csv('age\n3\nold\n'), spec: { values: 'age', edges: [0, 1] } }), 'NON_NUMERIC_MEASURE');
  });

  it('with a unit column, counts distinct units and exposes each bin’s units', () => {
    const data = csv('pid,age\nP1,3\nP1,4\np1 ,5\nP2,4\nP3,15\nP3,3\n');
    const h = plot<HistogramPlot>({ type: 'histogram', microdata: data, spec: { values: 'age', unit: 'pid', edges: [0, 10, 20] } });
    expect(h.bins.map((b) => b.count)).toEqual([3, 1]);
    expect(h.units?.column).toBe('pid');
    expect(h.units?.values).toEqual(['p1', 'p2', 'p3']);
    expect([...groupMembers(h.units!, 0)]).toEqual([0, 1, 2]);
    expect([...groupMembers(h.units!, 1)]).toEqual([2]);
  });

  it('a row without a unit is bad input', () => {
    const e = expectCode(() => plot({ type: 'histogram', microdata: csv('pid,age\nP1,3\n,4\n'), spec: { values: 'age', unit: 'pid', edges: [0, 10] } }), 'PLOT_INVALID');
    expect(e.details[0]).toMatchObject({ pointer: '/outputs/0/spec/unit', message: expect.stringContaining('row 2 has no value in the unit column') });
  });

  it('the unit column cannot be the measure', () => {
    expectCode(() => plot({ type: 'histogram', microdata: json(rows), spec: { values: 'age', unit: 'age', edges: [0, 10] } }), 'PLOT_INVALID');
  });
});

describe('bar and pie charts from microdata', () => {
  const data = csv('pid,region\n1,North\n2,North\n3,South\n4,north \n5,\n6,East\n');

  it('counts every observed category as published, in label order; missing ones in no bar', () => {
    const p = plot<CategoryPlot>({ type: 'bar', microdata: data, spec: { index: 'region' } });
    expect(p.categories).toEqual([
      { label: 'East', count: 1 },
      { label: 'North', count: 2 },
      { label: 'north ', count: 1 },
      { label: 'South', count: 1 },
    ]);
  });

  it('plots the declared categories, matched exactly or after normalisation, and checks their counts', () => {
    const p = plot<CategoryPlot>({ type: 'pie', microdata: csv('region\nNorth\nNorth\nSouth\n'), spec: { index: 'region' }, categories: [{ label: 'NORTH', count: 2 }, { label: 'West', count: 0 }] });
    expect(p.categories).toEqual([{ label: 'NORTH', count: 2 }, { label: 'West', count: 0 }]);
  });

  it.each([
    ['a count that disagrees', [{ label: 'South', count: 2 }], '/outputs/0/categories/0/count', 'categories[0] "South" count: declared 2, the microdata gives 1'],
    ['a label of several spellings', [{ label: 'NORTH', count: 3 }], '/outputs/0/categories/0/label', expect.stringContaining('matches 2 differently written categories')],
    ['two labels for one category', [{ label: 'South', count: 1 }, { label: 'south', count: 1 }], '/outputs/0/categories/1/label', expect.stringContaining('names the same category')],
    ['a category that is not in the data with a count', [{ label: 'West', count: 4 }], '/outputs/0/categories/0/count', 'categories[0] "West" count: declared 4, the microdata gives 0'],
  ])('%s → PLOT_INVALID', (_what, categories, pointer, message) => {
    const e = expectCode(() => plot({ type: 'bar', microdata: data, spec: { index: 'region' }, categories }), 'PLOT_INVALID');
    expect(e.details[0]).toMatchObject({ pointer, message });
  });

  it('with a unit column, a bar counts distinct units', () => {
    const p = plot<CategoryPlot>({ type: 'bar', microdata: csv('pid,sex\nA,F\nA,F\nB,F\nC,M\n'), spec: { index: 'sex', unit: 'pid' } });
    expect(p.categories).toEqual([{ label: 'F', count: 2 }, { label: 'M', count: 1 }]);
    expect(groupSize(p.units!, 0)).toBe(2);
  });
});

describe('Kaplan-Meier from microdata', () => {
  // time, event: events at 2 (×2), 5, 9; censored at 3, 5, 12
  const rows: Row[] = [
    { t: 2, e: 1 },
    { t: 2, e: 1 },
    { t: 3, e: 0 },
    { t: 5, e: 1 },
    { t: 5, e: 0 },
    { t: 9, e: 1 },
    { t: 12, e: 0 },
  ];

  it('reports every event time with at_risk, its events and those censored before the next', () => {
    const p = plot<KaplanMeierPlot>({ type: 'kaplan_meier', microdata: json(rows), spec: { time: 't', event: 'e' } });
    expect(p.steps).toEqual([
      { time: 2, atRisk: 7, events: 2, censored: 1 },
      { time: 5, atRisk: 4, events: 1, censored: 1 },
      { time: 9, atRisk: 2, events: 1, censored: 1 },
    ]);
  });

  it('with spec.times, a step’s events are those of its interval', () => {
    const p = plot<KaplanMeierPlot>({ type: 'kaplan_meier', microdata: json(rows), spec: { time: 't', event: 'e', times: [0, 4] } });
    expect(p.steps).toEqual([
      { time: 0, atRisk: 7, events: 2, censored: 1 },
      { time: 4, atRisk: 4, events: 2, censored: 2 },
    ]);
  });

  it('checks declared steps against the microdata', () => {
    const steps = [
      { time: 2, at_risk: 7, events: 2, censored: 1 },
      { time: 5, at_risk: 4, events: 1, censored: 1 },
      { time: 9, at_risk: 2, events: 1, censored: 1 },
    ];
    expect(plot<KaplanMeierPlot>({ type: 'kaplan_meier', microdata: json(rows), spec: { time: 't', event: 'e' }, steps }).steps).toHaveLength(3);
    const wrong = steps.map((s, i) => (i === 1 ? { time: 5, at_risk: 4, events: 2, censored: 0 } : s));
    const e = expectCode(() => plot({ type: 'kaplan_meier', microdata: json(rows), spec: { time: 't', event: 'e' }, steps: wrong }), 'SURVIVAL_INCONSISTENT');
    expect(e.details[0]).toMatchObject({ pointer: '/outputs/0/steps/1/events', message: 'steps[1] (time 5) events: declared 2, the microdata gives 1' });
  });

  it('reads event flags written as booleans or text', () => {
    const p = plot<KaplanMeierPlot>({ type: 'kaplan_meier', microdata: csv('t,dead\n1,TRUE\n2,false\n3,yes\n'), spec: { time: 't', event: 'dead' } });
    expect(p.steps.map((s) => s.events)).toEqual([1, 1]);
  });

  it.each([
    ['an event status of 2', csv('t,e\n1,2\n'), { time: 't', event: 'e' }, expect.stringContaining('must be 1/0 or true/false')],
    ['a missing time', csv('t,e\n1,1\n,0\n'), { time: 't', event: 'e' }, 'row 2 has no time'],
    ['a missing event status', csv('t,e\n1,1\n2,\n'), { time: 't', event: 'e' }, 'row 2 has no event status'],
    ['a unit in two rows', csv('p,t,e\nA,1,1\nB,2,0\na ,3,1\n'), { time: 't', event: 'e', unit: 'p' }, 'rows 1 and 3 belong to one unit: a survival curve needs one row per unit'],
    ['no events', csv('t,e\n1,0\n2,0\n'), { time: 't', event: 'e' }, expect.stringContaining('no events')],
  ])('%s → PLOT_INVALID', (_what, microdata, spec, message) => {
    const e = expectCode(() => plot({ type: 'kaplan_meier', microdata, spec }), 'PLOT_INVALID');
    expect(e.details[0]!.message).toEqual(message);
  });

  it('with a unit column, each step’s risk set is its units', () => {
    const data = csv('p,t,e\nA,2,1\nB,2,1\nC,3,0\nD,5,1\n');
    const p = plot<KaplanMeierPlot>({ type: 'kaplan_meier', microdata: data, spec: { time: 't', event: 'e', unit: 'p' } });
    expect(p.steps.map((s) => s.atRisk)).toEqual([4, 1]);
    expect([...groupMembers(p.units!, 0)].map((u) => p.units!.values[u])).toEqual(['a', 'b', 'c', 'd']);
    expect([...groupMembers(p.units!, 1)].map((u) => p.units!.values[u])).toEqual(['d']);
  });
});

describe('bounded work', () => {
  it('nested risk sets over many units cannot exceed the row limit in memberships', () => {
    const rows = Array.from({ length: 12 }, (_, i) => `u${i},${i + 1},1`);
    const ctx = { limits: { maxRows: 50, maxCells: 100, maxOutputs: 1 }, params: parseCtxParams(), pointer: '/outputs/0' };
    // 12 + 11 + … + 1 = 78 memberships > 50
    const e = expectCode(() => parseAs(plotKind, { type: 'kaplan_meier', microdata: csv(`u,t,e\n${rows.join('\n')}\n`), spec: { time: 't', event: 'e', unit: 'u' } }, ctx), 'PLOT_INVALID');
    expect(e.message).toContain('more than 50 unit memberships');
    // without a unit column nothing is stored per unit: the same curve is fine
    expect(parseAs(plotKind, { type: 'kaplan_meier', microdata: csv(`u,t,e\n${rows.join('\n')}\n`), spec: { time: 't', event: 'e' } }, ctx)).toMatchObject({ units: null });
  });

  it('more distinct scatter points than the cell limit is bad input', () => {
    const ctx = { limits: { maxRows: 1000, maxCells: 5, maxOutputs: 1 }, params: parseCtxParams(), pointer: '/outputs/0' };
    const data = json(Array.from({ length: 6 }, (_, i) => ({ x: i, y: i })));
    expectCode(() => parseAs(plotKind, { type: 'scatter', microdata: data, spec: { x: 'x', y: 'y' } }, ctx), 'PLOT_INVALID');
  });
});

describe('microdata of the wrong shape', () => {
  const specs = {
    histogram: { values: 'age', edges: [0, 100] },
    bar: { index: 'age' },
    kaplan_meier: { time: 'age', event: 'pid' },
    scatter: { x: 'age', y: 'age' },
    box: { values: 'age' },
  };
  const box = { whisker_low: 0, whisker_high: 100, outliers: [] };
  it.each(MALFORMED_MICRODATA)('%s is PLOT_INVALID at the field, for every plot type', (_what, microdata, at) => {
    for (const [type, spec] of Object.entries(specs)) {
      const e = expectCode(() => parseAs(plotKind, { type, microdata, spec, ...(type === 'box' ? box : {}) }), 'PLOT_INVALID');
      expect(e.details[0]?.pointer).toBe(`/outputs/0${at}`);
    }
  });
});

describe('box plot from microdata', () => {
  const ages = Array.from({ length: 40 }, (_, i) => ({ age: 10 + i }));
  const box = (over: Record<string, unknown> = {}) => ({ type: 'box', microdata: json(ages), spec: { values: 'age' }, whisker_low: 12, whisker_high: 47, outliers: [], ...over });

  it('computes n and the quartiles (type 7), keeps the data range', () => {
    const b = plot<BoxPlot>(box());
    expect(b).toMatchObject({ n: 40, q1: 19.75, median: 29.5, q3: 39.25, dataRange: { min: 10, max: 49 } });
  });

  it('accepts declared quartiles of another common definition, and printed precision', () => {
    // type 6 (SAS, SPSS, Minitab): q1 at (n + 1)/4 = 10.25th value = 19.25
    expect(plot<BoxPlot>(box({ n: 40, q1: 19.25, median: 29.5, q3: 39.75 })).q1).toBe(19.25);
    expect(plot<BoxPlot>(box({ median: 30 })).median).toBe(30);
  });

  it.each([
    ['a quartile no definition gives', { q1: 25 }, '/outputs/0/q1', 'q1: declared 25, the microdata gives 19.75 (any common quantile definition gives between 19 and 20)'],
    ['an n that is neither the units nor the values', { n: 41 }, '/outputs/0/n', 'n: declared 41, the microdata gives 40'],
    ['a whisker below every value', { whisker_low: 5 }, '/outputs/0/whisker_low', 'lies below every value of the microdata'],
    ['a whisker above every value', { whisker_high: 60 }, '/outputs/0/whisker_high', 'lies above every value of the microdata'],
  ])('%s → PLOT_INVALID', (_what, over, pointer, message) => {
    const e = expectCode(() => plot(box(over)), 'PLOT_INVALID');
    expect(e.details[0]).toMatchObject({ pointer, message });
  });

  it('with a unit column, n is the distinct units (a declared n may be the values)', () => {
    const data = csv(['pid,age', ...Array.from({ length: 40 }, (_, i) => `P${i % 20},${10 + i}`)].join('\n'));
    const b = plot<BoxPlot>({ ...box({ n: 40 }), microdata: data, spec: { values: 'age', unit: 'pid' } });
    expect(b.n).toBe(20);
    expect(groupSize(b.units!, 0)).toBe(20);
  });
});

describe('scatter plot from microdata', () => {
  const data = json([{ x: 1, y: 2 }, { x: 1, y: 2 }, { x: 3, y: 4 }, { x: null, y: 1 }]);

  it('each distinct pair is a point whose n is the rows there', () => {
    expect(plot<ScatterPlot>({ type: 'scatter', microdata: data, spec: { x: 'x', y: 'y' } }).points).toEqual([
      { x: 1, y: 2, n: 2 },
      { x: 3, y: 4, n: 1 },
    ]);
  });

  it('declared points must be in the data, with their n', () => {
    expect(plot<ScatterPlot>({ type: 'scatter', microdata: data, spec: { x: 'x', y: 'y' }, points: [{ x: 1, y: 2 }] }).points).toEqual([{ x: 1, y: 2, n: 2 }]);
    expectCode(() => plot({ type: 'scatter', microdata: data, spec: { x: 'x', y: 'y' }, points: [{ x: 5, y: 5, n: 20 }] }), 'PLOT_INVALID');
    const e = expectCode(() => plot({ type: 'scatter', microdata: data, spec: { x: 'x', y: 'y' }, points: [{ x: 1, y: 2, n: 20 }] }), 'PLOT_INVALID');
    expect(e.details[0]!.message).toBe('points[0] n: declared 20, the microdata gives 2');
  });
});
