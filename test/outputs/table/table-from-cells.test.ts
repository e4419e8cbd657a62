import { describe, expect, it } from 'vitest';
import { cellCount, cellLabels } from '../../../src/outputs/table/cell-table.js';
import type { CellInput, CellsTableInput } from '../../../src/outputs/table/table-from-cells.js';
import { tableFromCells } from '../../../src/outputs/table/table-from-cells.js';
import { expectCode } from '../../helpers/parse-output.js';

const parse = (input: CellsTableInput) => tableFromCells(input, 2, '/outputs/0');
const freq = (cells: CellInput[]) => parse({ statistic: 'frequency', cells });
const bad = (input: CellsTableInput) => expectCode(() => parse(input), 'CELLS_INVALID');

describe('pre-aggregated cells: a value must agree with its evidence', () => {
  it('refuses a frequency cell whose value (3) is not its count (50), naming the cell and both numbers', () => {
    const e = bad({ statistic: 'frequency', cells: [{ labels: { region: 'north' }, count: 50, value: 3 }, { labels: { region: 'south' }, count: 40 }] });
    expect(e.message).toMatch(/"region":"north"/);
    expect(e.message).toMatch(/value 3 does not match its count 50/);
    expect(e.details).toEqual([{ pointer: '/outputs/0/cells/0', message: 'value 3 does not match its count 50' }]);
  });

  it('accepts a frequency value equal to its count, and a count table likewise', () => {
    expect(freq([{ labels: { r: 'a' }, count: 50, value: 50 }]).value[0]).toBe(50);
    expect(parse({ statistic: 'count', cells: [{ labels: { r: 'a' }, count: 12, value: 12 }] }).value[0]).toBe(12);
    bad({ statistic: 'count', cells: [{ labels: { r: 'a' }, count: 12, value: 13 }] });
  });

  it('refuses a null value on a non-empty count cell', () => {
    expect(bad({ statistic: 'frequency', cells: [{ labels: { r: 'a' }, count: 12, value: null }] }).message).toMatch(/null but the count is 12/);
  });

  it('refuses a sum of 950,000 whose evidence says 1,000, however it is written', () => {
    const cells = (c: Partial<CellInput>) => [{ labels: { site: 'A' }, count: 50, ...c }, { labels: { site: 'B' }, count: 40, sum: 4000, top: [200, 190] }];
    expect(bad({ statistic: 'sum', cells: cells({ value: 950_000, sum: 1_000, top: [30, 29] }) }).message).toMatch(/value 950000 does not match its sum 1000/);
    expect(bad({ statistic: 'sum', cells: cells({ sum: 950_000, sum_abs: 1_000, top: [30, 29] }) }).message).toMatch(/sum_abs 1000 is less than \|sum\| 950000/);
    expect(bad({ statistic: 'sum', cells: cells({ sum: 950_000, max: 20, min: 1 }) }).message).toMatch(/sum 950000 is more than count × max = 50 × 20/);
    expect(bad({ statistic: 'sum', cells: cells({ value: 950_000, top: [30, 29], sum_abs: 1_000 }) }).message).toMatch(/1000 is less than \|sum\| 950000/);
  });

  it('accepts a sum equal to its evidence within the relative tolerance', () => {
    const t = parse({ statistic: 'sum', cells: [{ labels: { s: 'A' }, count: 3, value: 0.1 + 0.2, sum: 0.3, top: [0.15, 0.1] }] });
    expect(t.value[0]).toBeCloseTo(0.3, 15);
    expect(t.evidence[0]).toBe(1);
  });

  it('checks a mean against sum ÷ count (relative tolerance 1e-9), on both sides', () => {
    const mean = (value: number) => ({ statistic: 'mean' as const, cells: [{ labels: { s: 'A' }, count: 3, value, sum: 10, top: [4, 3] }] });
    expect(parse(mean(10 / 3)).value[0]).toBe(10 / 3);
    expect(parse(mean((10 / 3) * (1 + 5e-10))).value[0]).toBeCloseTo(10 / 3, 8);
    expect(bad(mean((10 / 3) * (1 + 5e-9))).message).toMatch(/does not match its sum ÷ count = 10 ÷ 3/);
    expect(bad(mean(3.3)).message).toMatch(/value 3.3/);
  });

  it('refuses a mean of a cell with no contributors', () => {
    bad({ statistic: 'mean', cells: [{ labels: { s: 'A' }, count: 0, value: 4 }] });
    expect(Number.isNaN(parse({ statistic: 'mean', cells: [{ labels: { s: 'A' }, count: 0, value: null }] }).value[0])).toBe(true);
  });

  it('derives the sum of a mean cell sent without one, so its dominance can be judged', () => {
    const t = parse({ statistic: 'mean', cells: [{ labels: { s: 'A' }, count: 10, value: 12, top: [20, 15] }] });
    expect(t.evidence[0]).toBe(1);
    expect(t.sumAbs[0]).toBe(120);
  });

  it('refuses evidence that contradicts itself', () => {
    const one = (c: Partial<CellInput>) => bad({ statistic: 'sum', cells: [{ labels: { s: 'A' }, count: 10, ...c }] });
    expect(one({ sum: -5, top: [3, 2] }).message).toMatch(/negative although no contribution is declared negative/);
    expect(one({ sum: 100, sum_abs: 120, top: [30, 20] }).message).toMatch(/differs from sum 100 although no contribution is negative/);
    expect(one({ sum: 100, top: [60, 50] }).message).toMatch(/add up to more than the cell total/);
    expect(one({ sum: 100, min: 20, max: 10 }).message).toMatch(/min 20 is greater than max 10/);
    expect(one({ sum: 100, min: -1, max: 50 }).message).toMatch(/min -1 is negative/);
    expect(one({ sum: 100, top: [50, 20], min: 1, max: 40 }).message).toMatch(/largest contribution 50 is neither/);
    expect(one({ sum: 100, min: 11, max: 40 }).message).toMatch(/less than count × min/);
    expect(one({ sum: 100, distinct: 11 }).message).toMatch(/between 1 and the count 10/);
    expect(one({ sum: 100, distinct: 1, min: 5, max: 15 }).message).toMatch(/distinct 1, but min 5 differs from max 15/);
    expect(one({ sum: 100, distinct: 2, min: 10, max: 10 }).message).toMatch(/distinct 2, but min and max are both 10/);
    expect(one({ sum: 100, negative: true, sum_abs: 120, min: 1, max: 30 }).message).toMatch(/declares a negative contribution but its min is 1/);
  });
});

describe('pre-aggregated cells: margins must equal the cells they cover', () => {
  const sexTable = (all: number) => [
    { labels: { sex: 'F' }, count: 20 },
    { labels: { sex: 'M' }, count: 30 },
    { labels: { sex: 'All' }, count: all },
  ];

  it('refuses a margin one lower than its cells, naming it and both numbers', () => {
    const e = bad({ statistic: 'frequency', cells: sexTable(49) });
    expect(e.message).toMatch(/"sex":"All"/);
    expect(e.message).toMatch(/margin count 49 does not match the total 50 of the 2 cells it covers/);
    expect(e.details[0].pointer).toBe('/outputs/0/cells/2');
  });

  it('accepts a table of the total alone (nothing under it to agree with)', () => {
    expect(freq([{ labels: { region: 'All' }, count: 100 }]).count[0]).toBe(100);
  });

  it('refuses one higher and accepts the exact total', () => {
    bad({ statistic: 'frequency', cells: sexTable(51) });
    expect(freq(sexTable(50)).count[2]).toBe(50);
  });

  it('checks every margin of a two-way table, the grand total included', () => {
    const grid = (grand: number) => [
      { labels: { r: 'a', c: 'x' }, count: 10 },
      { labels: { r: 'a', c: 'y' }, count: 20 },
      { labels: { r: 'a', c: 'All' }, count: 30 },
      { labels: { r: 'b', c: 'x' }, count: 15 },
      { labels: { r: 'b', c: 'y' }, count: 25 },
      { labels: { r: 'b', c: 'All' }, count: 40 },
      { labels: { r: 'All', c: 'x' }, count: 25 },
      { labels: { r: 'All', c: 'y' }, count: 45 },
      { labels: { r: 'All', c: 'All' }, count: grand },
    ];
    expect(cellCount(freq(grid(70)))).toBe(9);
    expect(bad({ statistic: 'frequency', cells: grid(69) }).message).toMatch(/margin count 69 does not match the total 70 of the 4 cells/);
  });

  it('checks margin sums of sum and mean tables', () => {
    const cells = (allSum: number) => [
      { labels: { site: 'A' }, count: 12, sum: 1200, top: [110, 105] },
      { labels: { site: 'B' }, count: 15, sum: 1500, top: [120, 115] },
      { labels: { site: 'All' }, count: 27, sum: allSum, top: [120, 115] },
    ];
    expect(parse({ statistic: 'sum', cells: cells(2700) }).value[2]).toBe(2700);
    expect(bad({ statistic: 'sum', cells: cells(2699) }).message).toMatch(/margin sum 2699 does not match the total 2700/);
    bad({ statistic: 'mean', cells: cells(2600).map((c) => ({ ...c, value: c.sum / c.count })) });
  });

  it('with suppressed cells of unknown count, a margin must still cover the published part', () => {
    const cells = (all: number) => [
      { labels: { sex: 'F' }, suppressed: true },
      { labels: { sex: 'M' }, count: 30 },
      { labels: { sex: 'All' }, count: all },
    ];
    expect(freq(cells(33)).count[2]).toBe(33);
    expect(bad({ statistic: 'frequency', cells: cells(29) }).message).toMatch(/less than the total 30 of the published cells/);
    // A suppressed cell's declared count is a claim that can make the input bad, never good.
    bad({ statistic: 'frequency', cells: [{ labels: { sex: 'F' }, suppressed: true, count: 4 }, { labels: { sex: 'M' }, count: 30 }, { labels: { sex: 'All' }, count: 33 }] });
  });

  it('with distinct units, a margin lies between its largest cell and the total of its cells', () => {
    const cells = (all: number) => [
      { labels: { ward: 'A' }, count: 20 },
      { labels: { ward: 'B' }, count: 30 },
      { labels: { ward: 'All' }, count: all },
    ];
    expect(parse({ statistic: 'frequency', unit: 'patient_id', cells: cells(45) }).count[2]).toBe(45);
    expect(bad({ statistic: 'frequency', unit: 'patient_id', cells: cells(29) }).message).toMatch(/less than the count 30 of one of/);
    bad({ statistic: 'frequency', unit: 'patient_id', cells: cells(51) });
  });
});

describe('pre-aggregated cells: suppressed cells and structural zeros', () => {
  it('accepts a suppressed cell without a value or a count, and marks it', () => {
    const t = freq([{ labels: { r: 'a' }, suppressed: true }, { labels: { r: 'b' }, count: 40 }]);
    expect(Array.from(t.suppressed)).toEqual([1, 0]);
    expect(Number.isNaN(t.value[0])).toBe(true);
    expect(Number.isNaN(t.count[0])).toBe(true);
  });

  it('refuses a suppressed cell with a value, and a cell without a count that is not suppressed', () => {
    expect(bad({ statistic: 'frequency', cells: [{ labels: { r: 'a' }, suppressed: true, value: 3 }] }).message).toMatch(/suppressed cell has no value/);
    expect(bad({ statistic: 'frequency', cells: [{ labels: { r: 'a' } }] }).message).toMatch(/count is required/);
  });

  it('accepts a declared structural zero of 0 and refuses one that is not empty', () => {
    expect(freq([{ labels: { r: 'a' }, count: 0, structural_zero: true }]).declaredZero[0]).toBe(1);
    expect(bad({ statistic: 'frequency', cells: [{ labels: { r: 'a' }, count: 2, structural_zero: true }] }).message).toMatch(/structural zero but has 2 records/);
    bad({ statistic: 'frequency', cells: [{ labels: { r: 'a' }, count: 0, structural_zero: true, suppressed: true }] });
  });
});

describe('pre-aggregated cells: labels, measure, indicator evidence', () => {
  it('compares variable names and labels after normalisation', () => {
    const t = freq([
      { labels: { Region: 'North' }, count: 20 },
      { labels: { region: 'south' }, count: 30 },
      { labels: { REGION: 'ALL' }, count: 50 },
    ]);
    expect(cellLabels(t, 2)).toEqual({ Region: 'All' });
    expect(t.rows.margin).toBe(2);
    expect(bad({ statistic: 'frequency', cells: [{ labels: { r: 'North' }, count: 20 }, { labels: { r: 'north ' }, count: 30 }] }).message).toMatch(/two cells have the same labels/);
  });

  it('carries the measure, and refuses one on a frequency table', () => {
    expect(parse({ statistic: 'mean', measure: 'bmi', cells: [{ labels: { r: 'a' }, count: 10, value: 25, top: [30, 29] }] }).measure).toBe('bmi');
    expectCode(() => parse({ statistic: 'frequency', measure: 'bmi', cells: [{ labels: { r: 'a' }, count: 10 }] }), 'CELLS_INVALID');
  });

  it('refuses a first cell without labels (a caller that skipped the schema) as CELLS_INVALID, not a crash', () => {
    const cells = [{ count: 10 }, { labels: { r: 'a' }, count: 10 }] as unknown as CellInput[];
    expect(bad({ statistic: 'frequency', cells }).details).toEqual([{ pointer: '/outputs/0/cells/0', message: 'a cell needs labels' }]);
  });

  it('derives an indicator and its counts per cell from distinct + min/max', () => {
    const t = parse({
      statistic: 'mean',
      cells: [
        { labels: { region: 'north' }, count: 50, sum: 3, min: 0, max: 1, distinct: 2 },
        { labels: { region: 'south' }, count: 50, sum: 50, min: 1, max: 1, distinct: 1 },
      ],
    });
    expect(t.measureValues).toMatchObject({ values: 'two', low: 0, high: 1 });
    if (t.measureValues.values !== 'two') throw new Error('not an indicator');
    expect(Array.from(t.measureValues.atHigh)).toEqual([3, 50]);
    expect(Array.from(t.measureValues.atLow)).toEqual([47, 0]);
  });

  it('knows a measure with three values is not an indicator, and says unknown without distinct evidence', () => {
    const three = parse({ statistic: 'sum', cells: [{ labels: { r: 'a' }, count: 10, sum: 10, min: 0, max: 2, distinct: 3 }] });
    expect(three.measureValues.values).toBe('many');
    const none = parse({ statistic: 'sum', cells: [{ labels: { r: 'a' }, count: 10, sum: 10 }] });
    expect(none.measureValues.values).toBe('unknown');
  });

  it('refuses indicator evidence whose sum no split of the count can give', () => {
    expect(bad({ statistic: 'sum', cells: [{ labels: { r: 'a' }, count: 10, sum: 2.5, min: 0, max: 1, distinct: 2 }] }).message).toMatch(/not 10 contributions at 0 or 1/);
    bad({ statistic: 'sum', cells: [{ labels: { r: 'a' }, count: 10, sum: 10, min: 0, max: 1, distinct: 2 }] });
  });
});

describe('pre-aggregated cells: named axes', () => {
  const cells = [
    { labels: { a: 'x', b: 'p', c: 'k' }, count: 10 },
    { labels: { a: 'x', b: 'q', c: 'k' }, count: 12 },
    { labels: { a: 'All', b: '', c: 'k' }, count: 22 },
  ];
  it('puts the named variables on the rows, so a two-variable margin forms a full grid', () => {
    const t = parse({ statistic: 'frequency', index: ['a', 'b'], columns: ['c'], cells });
    expect(t.rows.vars).toEqual(['a', 'b']);
    expect(t.rows.margin).toBe(2);
    // Without the axes the first variable alone is the row and the grid has holes.
    bad({ statistic: 'frequency', cells });
  });

  it('refuses axes that do not name every label variable exactly once', () => {
    expect(bad({ statistic: 'frequency', index: ['a'], columns: ['c'], cells }).message).toMatch(/must name every label variable/);
    expect(bad({ statistic: 'frequency', index: ['a', 'b'], columns: ['d'], cells }).message).toMatch(/"d" is not a label variable/);
    expect(bad({ statistic: 'frequency', index: ['a', 'a'], columns: ['b', 'c'], cells }).message).toMatch(/named twice/);
    expect(bad({ statistic: 'frequency', index: [], columns: ['a', 'b', 'c'], cells }).message).toMatch(/at least one row variable/);
  });
});
