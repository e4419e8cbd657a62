import { describe, expect, it } from 'vitest';
import { minCount } from '../../src/checks/min-count.js';
import { cellCount } from '../../src/outputs/table/cell-table.js';
import type { CellTable } from '../../src/outputs/table/cell-table.js';
import { outputRemedy } from '../../src/remedies/index.js';
import type { RemedyWork } from '../../src/remedies/output-remedy.js';
import { protectTable } from '../../src/remedies/protect-table.js';
import { tableRemedy } from '../../src/remedies/table-remedy.js';
import { cellByLabels, ctx, params, repeat, tinyTable } from '../helpers/tiny-table.js';

// A 2 × 2 frequency table with one small cell (a|x = 3): min_count fails it, and suppression must hide a complement.
const small = (): CellTable => tinyTable([...repeat(3, { r: 'a', c: 'x' }), ...repeat(20, { r: 'a', c: 'y' }), ...repeat(20, { r: 'b', c: 'x' }), ...repeat(20, { r: 'b', c: 'y' })], { index: 'r', columns: 'c' });

describe('tableRemedy: the protected version of a failing table', () => {
  it('offers a re-checked version that suppresses the failing cell, and a publishable CSV', () => {
    const t = small();
    const out = tableRemedy.protect(t, minCount.run(t, params(), ctx), params()) as { protected: { primary: number[]; rechecked: boolean; csv: string } };
    expect(out.protected.rechecked).toBe(true);
    expect(out.protected.primary).toEqual([cellByLabels(t, 'a|x')]);
    // The failing cell and the complements that protect it are blank in what may be published.
    expect(out.protected.csv).toBe('r,x,y\na,,\nb,,\n');
  });

  it('offers nothing when no cell fails', () => {
    const t = tinyTable(repeat(40, { r: 'a', c: 'x' }), { index: 'r', columns: 'c' });
    expect(tableRemedy.protect(t, minCount.run(t, params(), ctx), params())).toEqual({});
  });

  it('through the work hand-off: counts the table against the budget, protects as on this thread', async () => {
    const t = small();
    const counted: number[] = [];
    const work: RemedyWork = {
      beforeProtection: (cells) => void counted.push(cells),
      protect: (table, failing, opts) => Promise.resolve(protectTable(table, failing, opts)),
    };
    const findings = minCount.run(t, params(), ctx);
    const offered = await tableRemedy.protectWith!(t, findings, params(), work);
    expect(counted).toEqual([cellCount(t)]);
    expect(offered).toEqual(tableRemedy.protect(t, findings, params()));
  });
});

describe('outputRemedy: the registry', () => {
  it('has the table and plot remedies, and none for kinds released or reviewed as they are', () => {
    expect(outputRemedy('table')).toBe(tableRemedy);
    expect(outputRemedy('plot')?.kind).toBe('plot');
    expect(['model', 'summary', 'records', 'file'].map((k) => outputRemedy(k as 'model'))).toEqual([undefined, undefined, undefined, undefined]);
  });
});
