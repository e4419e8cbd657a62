import { describe, expect, it } from 'vitest';
import type { TableStatistic } from '../../src/domain.js';
import { MARGIN_LABEL, type CellTable } from '../../src/outputs/table/cell-table.js';
import { protectTable, roundTo } from '../../src/remedies/protect-table.js';

/** sex x region with margins last; `values` row-major over the 3x4 grid. */
function table(statistic: TableStatistic, values: number[]): CellTable {
  const n = values.length;
  return {
    statistic,
    measure: statistic === 'frequency' ? null : 'income',
    rows: { vars: ['sex'], keys: [['F'], ['M'], [MARGIN_LABEL]], margin: 2 },
    cols: { vars: ['region'], keys: [['north'], ['south'], ['west'], [MARGIN_LABEL]], margin: 3 },
    count: Float64Array.from(values),
    records: Float64Array.from(values),
    value: Float64Array.from(values),
    missing: new Float64Array(n),
    negative: new Uint8Array(n),
    sumAbs: new Float64Array(n),
    top: new Float64Array(n * 2),
    topK: 2,
    evidence: new Uint8Array(n).fill(1),
    source: 'cells',
    unit: null,
    min: new Float64Array(n).fill(NaN),
    max: new Float64Array(n).fill(NaN),
    distinct: new Float64Array(n).fill(NaN),
    measureValues: { values: 'unknown' },
    suppressed: new Uint8Array(n),
    declaredZero: new Uint8Array(n),
    evidenceTrusted: false,
    units: null,
  };
}

// F: 3 12 40 | 55 ;  M: 11 27 52 | 90 ;  All: 14 39 92 | 145
const counts = [3, 12, 40, 55, 11, 27, 52, 90, 14, 39, 92, 145];

describe('protectTable', () => {
  it('suppresses the failing cell and the cheapest cycle through it', () => {
    const p = protectTable(table('frequency', counts), new Set([0]));
    expect(p).toMatchObject({ primary: [0], secondary: [1, 4, 5], suppressed: [0, 1, 4, 5] });
    expect(p.rows[0]).toEqual({ labels: { sex: 'F', region: 'north' }, value: null, suppressed: true, reason: 'primary' });
    // Each complement says which sensitive cell it protects (issue 12 item 6).
    expect(p.rows[5]).toEqual({ labels: { sex: 'M', region: 'south' }, value: null, suppressed: true, reason: 'secondary', protects: { sex: 'F', region: 'north' } });
    expect(p.rows[11]).toEqual({ labels: { sex: MARGIN_LABEL, region: MARGIN_LABEL }, value: 145, suppressed: false });
  });

  it.each<[string, TableStatistic, number, number[]]>([
    ['frequency rounded to base 5', 'frequency', 5, [40, 55, 50, 90, 15, 40, 90, 145]],
    ['count rounded to base 10, ties up (55 → 60, 145 → 150)', 'count', 10, [40, 60, 50, 90, 10, 40, 90, 150]],
    ['a sum table is not rounded', 'sum', 5, [40, 55, 52, 90, 14, 39, 92, 145]],
  ])('%s', (_, statistic, roundBase, expected) => {
    const p = protectTable(table(statistic, counts), new Set([0]), { roundBase });
    expect(p.rows.filter((r) => !r.suppressed).map((r) => r.value)).toEqual(expected);
  });

  it('keeps an empty cell empty', () => {
    const t = table('mean', counts);
    t.value[10] = NaN;
    expect(protectTable(t, new Set([0])).rows[10].value).toBeNull();
  });

  it.each<[string, Set<number>, number | undefined]>([
    ['a failing cell outside the table', new Set([12]), undefined],
    ['a negative failing cell', new Set([-1]), undefined],
    ['a zero round base', new Set([0]), 0],
  ])('rejects %s with INTERNAL', (_, failing, roundBase) => {
    expect(() => protectTable(table('frequency', counts), failing, { roundBase })).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});

describe('roundTo', () => {
  it.each([
    [12, 5, 10],
    [13, 5, 15],
    [2, 5, 0],
    [15, 10, 20],
    [25, 10, 30],
    [0, 5, 0],
  ])('roundTo(%d, %d) = %d', (x, base, expected) => {
    expect(roundTo(x, base)).toBe(expected);
  });
});
