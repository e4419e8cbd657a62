import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../src/checks/index.js';
import type { CellTable } from '../../../src/outputs/table/cell-table.js';
import { cellCount, cellLabels } from '../../../src/outputs/table/cell-table.js';
import { tableEvidence } from '../../../src/outputs/table/table-evidence.js';
import { tableFromCells } from '../../../src/outputs/table/table-from-cells.js';
import { ctx, params, tinyTable } from '../../helpers/tiny-table.js';

/** Every table check's findings, without messages (which may word evidence differently). */
function verdicts(t: CellTable) {
  return CHECKS.filter((c) => c.kind === 'table' && c.id !== 'differencing').map((c) => [
    c.id,
    c.run(t, params(), ctx).map((f) => ({ status: f.status, cells: (f.cells ?? []).map((x) => JSON.stringify(x.labels)).sort() })),
  ]);
}

const replayed = (t: CellTable) => tableFromCells(JSON.parse(JSON.stringify(tableEvidence(t))), t.topK, '/evidence');

const rows = Array.from({ length: 400 }, (_, i) => ({
  a: `a${i % 2}`,
  b: `b${i % 3}`,
  c: `c${i % 5}`,
  u: `p${i % 90}`,
  v: i % 17 === 0 ? null : ((i * 37) % 101) - (i % 23 === 0 ? 30 : 0),
  flag: i % 7 === 0 ? 1 : 0,
  same: i % 5 === 0 ? 4 : 4 + (i % 3),
}));

describe('tableEvidence: replay re-forms the table and every check agrees', () => {
  it.each([
    ['frequency, two row variables, margins', { index: ['a', 'b'], columns: 'c', margins: true }],
    ['sum with negatives and missing', { index: 'a', columns: ['b', 'c'], values: 'v', aggfunc: 'sum', margins: true }],
    ['mean of an indicator', { index: 'b', columns: 'c', values: 'flag', aggfunc: 'mean', margins: true }],
    ['mean, all the same in some cells', { index: 'c', columns: 'a', values: 'same', aggfunc: 'mean' }],
    ['median', { index: 'b', values: 'v', aggfunc: 'median', margins: true }],
    ['std', { index: 'b', columns: 'a', values: 'v', aggfunc: 'std' }],
    ['max', { index: 'b', columns: 'a', values: 'v', aggfunc: 'max' }],
    ['count', { index: 'b', columns: 'c', values: 'v', aggfunc: 'count', margins: true }],
    ['units: frequency with margins', { index: 'a', columns: 'b', unit: 'u', margins: true }],
    ['units: sum with margins', { index: ['a', 'b'], columns: 'c', values: 'v', aggfunc: 'sum', unit: 'u', margins: true }],
    ['units: mean', { index: 'b', columns: 'c', values: 'same', aggfunc: 'mean', unit: 'u', margins: true }],
  ] as const)('%s', (_name, spec) => {
    const t = tinyTable(rows, spec as Parameters<typeof tinyTable>[1]);
    const r = replayed(t);
    expect(cellCount(r)).toBe(cellCount(t));
    for (let c = 0; c < cellCount(t); c++) expect(cellLabels(r, c)).toEqual(cellLabels(t, c));
    const skip = t.unit !== null ? ['binary_measure'] : [];
    const keep = (v: ReturnType<typeof verdicts>) => v.filter(([id]) => !skip.includes(id as string));
    expect(keep(verdicts(r))).toEqual(keep(verdicts(t)));
  });

  it('keeps only labels and the flag of a suppressed cell', () => {
    const t = tableFromCells(
      { statistic: 'sum', cells: [{ labels: { s: 'A' }, count: 4, suppressed: true, sum: 31337, top: [31000, 300] }, { labels: { s: 'B' }, count: 40, sum: 4000, top: [200, 190] }] },
      2,
      '/outputs/0',
    );
    const ev = tableEvidence(t);
    expect(ev.cells[0]).toEqual({ labels: { s: 'A' }, suppressed: true });
    expect(JSON.stringify(ev)).not.toMatch(/31337|31000/);
    expect(verdicts(replayed(t))).toEqual(verdicts(t));
  });

  it('carries the measure, the unit and declared structural zeros', () => {
    const t = tinyTable([...rows, { a: 'a0', b: 'b9', c: 'c0', u: 'p1', v: 1, flag: 0, same: 4 }], { index: 'b', columns: 'a', unit: 'u', structural_zeros: [{ b: 'b9', a: 'a1' }] });
    const ev = tableEvidence(t);
    expect(ev).toMatchObject({ unit: 'u', index: ['b'], columns: ['a'] });
    expect(ev.cells.filter((c) => c.structural_zero).map((c) => c.labels)).toEqual([{ b: 'b9', a: 'a1' }]);
    expect(tableEvidence(tinyTable(rows, { index: 'a', values: 'v', aggfunc: 'sum' })).measure).toBe('v');
  });
});
