import { describe, expect, it } from 'vitest';
import { cellValue } from '../../../src/outputs/table/cell-table.js';
import { groupMembers, groupSize } from '../../../src/lib/unit-membership.js';
import { expectCode } from '../../helpers/parse-output.js';
import { cellByLabels, tinyTable } from '../../helpers/tiny-table.js';

type Row = Record<string, string | number | null>;
const spec = (over: Record<string, unknown> = {}) => ({ index: 'r', columns: 'c', values: 'v', aggfunc: 'sum' as const, unit: 'u', margins: true, ...over });

describe('buildTable with a unit column', () => {
  it('counts distinct units: ten admissions of one patient are one contributor', () => {
    const rows: Row[] = Array.from({ length: 10 }, () => ({ r: 'a', c: 'x', u: 'p1', v: 1 }));
    const t = tinyTable(rows, { index: 'r', columns: 'c', unit: 'u' });
    expect(t.count[0]).toBe(1);
    expect(cellValue(t, 0)).toBe(1);
    expect(t.unit).toBe('u');
  });

  it('judges dominance on each unit\'s total: one firm spread over twenty rows is one contributor', () => {
    const rows: Row[] = [
      ...Array.from({ length: 20 }, () => ({ r: 'a', c: 'x', u: 'big-firm', v: 50 })),
      ...Array.from({ length: 10 }, (_, i) => ({ r: 'a', c: 'x', u: `small-${i}`, v: 10 })),
    ];
    const t = tinyTable(rows, spec({ margins: false }));
    expect(t.count[0]).toBe(11);
    expect(t.top[0]).toBe(1000);
    expect(t.top[1]).toBe(10);
    expect(t.sumAbs[0]).toBe(1100);
    // Per row the largest would be 50 of 1100: the unit total shows the firm holds 91%.
    expect(cellValue(t, 0)).toBe(1100);
  });

  it('normalises unit values: "P01" and "p01 " are one unit', () => {
    const t = tinyTable([{ r: 'a', c: 'x', u: 'P01' }, { r: 'a', c: 'x', u: 'p01 ' }, { r: 'a', c: 'x', u: 'P02' }], { index: 'r', columns: 'c', unit: 'u' });
    expect(t.count[0]).toBe(2);
    expect(t.units?.values).toEqual(['p01', 'p02']);
  });

  it('computes margins from unit totals: a unit in two cells is one contributor with the sum of its parts', () => {
    const rows: Row[] = [
      { r: 'a', c: 'x', u: 'p1', v: 30 },
      { r: 'a', c: 'y', u: 'p1', v: 40 },
      { r: 'a', c: 'x', u: 'p2', v: 5 },
      { r: 'a', c: 'y', u: 'p3', v: 6 },
    ];
    const t = tinyTable(rows, spec());
    const rowMargin = cellByLabels(t, 'a|All');
    expect(t.count[cellByLabels(t, 'a|x')]).toBe(2);
    expect(t.count[cellByLabels(t, 'a|y')]).toBe(2);
    expect(t.count[rowMargin]).toBe(3);
    // p1's total in the margin is 70, not its parts 40 and 30 merged as two contributions.
    expect([t.top[rowMargin * 2], t.top[rowMargin * 2 + 1]]).toEqual([70, 6]);
    expect(t.sumAbs[rowMargin]).toBe(81);
    expect(cellValue(t, cellByLabels(t, 'All|All'))).toBe(81);
  });

  it('fills CellTable.units: distinct units per cell, margins included, ascending, and contributors without a missing measure', () => {
    const rows: Row[] = [
      { r: 'a', c: 'x', u: 'p2', v: 1 },
      { r: 'a', c: 'x', u: 'p1', v: null },
      { r: 'b', c: 'x', u: 'p2', v: 2 },
      { r: 'b', c: 'y', u: 'p3', v: 3 },
    ];
    const t = tinyTable(rows, spec());
    const m = t.units;
    if (!m || !m.contributors) throw new Error('no unit membership');
    const ids = (c: number) => Array.from(groupMembers(m, c)).map((i) => m.values[i]);
    expect(ids(cellByLabels(t, 'a|x'))).toEqual(['p2', 'p1']);
    expect(Array.from(groupMembers(m, cellByLabels(t, 'a|x')))).toEqual([0, 1]);
    expect(ids(cellByLabels(t, 'All|x'))).toEqual(['p2', 'p1']);
    expect(groupSize(m, cellByLabels(t, 'All|All'))).toBe(3);
    expect(groupSize(m.contributors, cellByLabels(t, 'a|x'))).toBe(1);
    expect(t.count[cellByLabels(t, 'a|x')]).toBe(1);
    expect(t.records[cellByLabels(t, 'a|x')]).toBe(2);
    expect(t.missing[cellByLabels(t, 'a|x')]).toBe(1);
    expect(groupSize(m, cellByLabels(t, 'a|y'))).toBe(0);
    expect(m.column).toBe('u');
  });

  it('computes means, medians and extremes over units\' totals', () => {
    const rows: Row[] = [
      { r: 'a', c: 'x', u: 'p1', v: 1 },
      { r: 'a', c: 'x', u: 'p1', v: 2 },
      { r: 'a', c: 'x', u: 'p2', v: 10 },
      { r: 'a', c: 'x', u: 'p3', v: 4 },
    ];
    const stat = (aggfunc: string) => cellValue(tinyTable(rows, spec({ aggfunc, margins: false })), 0);
    expect(stat('mean')).toBeCloseTo(17 / 3, 12);
    expect(stat('median')).toBe(4);
    expect(stat('min')).toBe(3);
    expect(stat('max')).toBe(10);
    expect(stat('count')).toBe(3);
    expect(stat('std')).toBeCloseTo(Math.sqrt(((3 - 17 / 3) ** 2 + (10 - 17 / 3) ** 2 + (4 - 17 / 3) ** 2) / 2), 12);
  });

  it('refuses a row of the table without a unit, and a unit column that is a dimension', () => {
    expectCode(() => tinyTable([{ r: 'a', c: 'x', u: 'p1', v: 1 }, { r: 'a', c: 'x', u: null, v: 2 }], spec()), 'MICRODATA_INVALID');
    // A row outside the table (missing dimension) needs no unit.
    expect(tinyTable([{ r: 'a', c: 'x', u: 'p1', v: 1 }, { r: null, c: 'x', u: null, v: 2 }], spec()).count[0]).toBe(1);
    expectCode(() => tinyTable([{ r: 'a', c: 'x', v: 1 }], spec({ unit: 'r' })), 'SPEC_INVALID');
    expectCode(() => tinyTable([{ r: 'a', c: 'x', v: 1 }], spec({ unit: 'v' })), 'SPEC_INVALID');
  });

  it('counts the units with a row at each value of an indicator', () => {
    const rows: Row[] = [
      { r: 'a', c: 'x', u: 'p1', v: 1 },
      { r: 'a', c: 'x', u: 'p1', v: 0 },
      { r: 'a', c: 'x', u: 'p2', v: 0 },
      { r: 'a', c: 'x', u: 'p3', v: 0 },
    ];
    const t = tinyTable(rows, spec({ aggfunc: 'mean', margins: false }));
    if (t.measureValues.values !== 'two') throw new Error('not an indicator');
    expect(t.measureValues.atHigh[0]).toBe(1);
    expect(t.measureValues.atLow[0]).toBe(3);
  });
});

describe('buildTable: smallest and largest contributions, indicators (no unit)', () => {
  it('tracks each cell\'s min and max for every magnitude statistic, margins included', () => {
    const rows: Row[] = [
      { r: 'a', c: 'x', v: 5 },
      { r: 'a', c: 'x', v: -2 },
      { r: 'b', c: 'x', v: 7 },
    ];
    for (const aggfunc of ['sum', 'mean', 'median', 'std'] as const) {
      const t = tinyTable(rows, { index: 'r', columns: 'c', values: 'v', aggfunc, margins: true });
      expect([t.min[cellByLabels(t, 'a|x')], t.max[cellByLabels(t, 'a|x')]]).toEqual([-2, 5]);
      expect([t.min[cellByLabels(t, 'All|All')], t.max[cellByLabels(t, 'All|All')]]).toEqual([-2, 7]);
    }
  });

  it('leaves min and max unknown in empty cells and frequency tables', () => {
    const t = tinyTable([{ r: 'a', c: 'x', v: 1 }, { r: 'b', c: 'y', v: 2 }], { index: 'r', columns: 'c', values: 'v', aggfunc: 'sum' });
    expect(Number.isNaN(t.min[cellByLabels(t, 'a|y')])).toBe(true);
    expect(Number.isNaN(tinyTable([{ r: 'a', c: 'x' }], { index: 'r', columns: 'c' }).min[0])).toBe(true);
  });

  it('finds an indicator and counts its rows per cell; a third value anywhere in the table makes it not one', () => {
    const flags = (n: number, ones: number, r: string) => Array.from({ length: n }, (_, i) => ({ r, c: 'x', v: i < ones ? 1 : 0 }));
    const t = tinyTable([...flags(50, 3, 'north'), ...flags(50, 50, 'south')], { index: 'r', columns: 'c', values: 'v', aggfunc: 'mean', margins: true });
    if (t.measureValues.values !== 'two') throw new Error('not an indicator');
    expect(t.measureValues).toMatchObject({ low: 0, high: 1 });
    expect(t.measureValues.atHigh[cellByLabels(t, 'north|x')]).toBe(3);
    expect(t.measureValues.atLow[cellByLabels(t, 'south|x')]).toBe(0);
    expect(t.measureValues.atHigh[cellByLabels(t, 'All|All')]).toBe(53);
    const three = tinyTable([...flags(50, 3, 'north'), { r: 'south', c: 'x', v: 2 }], { index: 'r', columns: 'c', values: 'v', aggfunc: 'sum' });
    expect(three.measureValues.values).toBe('many');
    // A third value only in a row outside the table (missing dimension) does not count.
    const outside = tinyTable([...flags(50, 3, 'north'), { r: null, c: 'x', v: 2 }], { index: 'r', columns: 'c', values: 'v', aggfunc: 'sum' });
    expect(outside.measureValues.values).toBe('two');
  });
});

describe('buildTable: declared structural zeros', () => {
  const rows: Row[] = [
    ...Array.from({ length: 12 }, () => ({ sex: 'female', pregnant: 'yes' })),
    ...Array.from({ length: 15 }, () => ({ sex: 'female', pregnant: 'no' })),
    ...Array.from({ length: 20 }, () => ({ sex: 'male', pregnant: 'no' })),
  ];
  it('marks a declared empty cell, matching labels after normalisation', () => {
    const t = tinyTable(rows, { index: 'sex', columns: 'pregnant', structural_zeros: [{ Sex: 'Male', pregnant: 'YES' }] });
    expect(t.declaredZero[cellByLabels(t, 'male|yes')]).toBe(1);
    expect(t.declaredZero.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('refuses a declared structural zero that is not empty, or names no cell', () => {
    expect(expectCode(() => tinyTable(rows, { index: 'sex', columns: 'pregnant', structural_zeros: [{ sex: 'female', pregnant: 'yes' }] }), 'SPEC_INVALID').message).toMatch(/has count 12/);
    expectCode(() => tinyTable(rows, { index: 'sex', columns: 'pregnant', structural_zeros: [{ age: '90+' }] }), 'SPEC_INVALID');
    expectCode(() => tinyTable(rows, { index: 'sex', columns: 'pregnant', structural_zeros: [{ sex: 'other' }] }), 'SPEC_INVALID');
  });
});
