import { describe, expect, it } from 'vitest';
import { suppressionAudit } from '../../src/checks/suppression-audit.js';
import type { CellInput, CellsTableInput } from '../../src/outputs/table/table-from-cells.js';
import { tableFromCells } from '../../src/outputs/table/table-from-cells.js';
import { ctx, params, tinyTable } from '../helpers/tiny-table.js';

const table = (cells: CellInput[], statistic: CellsTableInput['statistic'] = 'frequency') => tableFromCells({ statistic, cells }, 2, '/outputs/0');
const run = (cells: CellInput[], statistic: CellsTableInput['statistic'] = 'frequency') => suppressionAudit.run(table(cells, statistic), params(), ctx);
const S = { suppressed: true } as const;

/** region × sex with margins; `at` replaces cells by key "region|sex". */
function grid(at: Record<string, Partial<CellInput>> = {}): CellInput[] {
  const counts: Record<string, number> = { 'n|F': 3, 'n|M': 40, 'n|All': 43, 's|F': 30, 's|M': 35, 's|All': 65, 'All|F': 33, 'All|M': 75, 'All|All': 108 };
  return Object.entries(counts).map(([k, count]) => {
    const [region, sex] = k.split('|');
    return { labels: { region, sex }, count, ...(at[k] ?? {}) } as CellInput;
  });
}
const hide = (...keys: string[]) => grid(Object.fromEntries(keys.map((k) => [k, { ...S, count: undefined }])));

describe('suppression_audit', () => {
  it('does not apply to a table without suppressed cells', () => {
    expect(run(grid())).toEqual([]);
    expect(suppressionAudit.run(tinyTable([{ r: 'a', c: 'x' }], { index: 'r', columns: 'c' }), params(), ctx)).toEqual([]);
  });

  it('fails a lone suppressed cell that its row total gives away, with the attacker\'s interval', () => {
    const [f] = run(hide('n|F'));
    expect(f.status).toBe('fail');
    expect(f.cells).toEqual([{ labels: { region: 'n', sex: 'F' }, value: null, count: null, reason: expect.stringMatching(/narrow it to \[3, 3\].*range of at least 10/) }]);
    expect(f.message).toMatch(/linear programmes/);
  });

  it('fails suppressed cells whose published totals narrow them below the threshold', () => {
    expect(run(hide('n|F', 'n|M'))[0].status).toBe('fail');
    // Four interior cells hidden, with a row total of 5: both cells of that row lie in [0, 5].
    const small = [
      { labels: { r: 'a', c: 'x' }, ...S },
      { labels: { r: 'a', c: 'y' }, ...S },
      { labels: { r: 'a', c: 'All' }, count: 5 },
      { labels: { r: 'b', c: 'x' }, ...S },
      { labels: { r: 'b', c: 'y' }, ...S },
      { labels: { r: 'b', c: 'All' }, count: 60 },
      { labels: { r: 'All', c: 'x' }, count: 30 },
      { labels: { r: 'All', c: 'y' }, count: 35 },
      { labels: { r: 'All', c: 'All' }, count: 65 },
    ];
    const [f] = run(small);
    expect(f.status).toBe('fail');
    // a|x, a|y ∈ [0, 5]; and through the column totals b|x ∈ [25, 30], b|y ∈ [30, 35].
    expect(f.cells?.map((c) => c.reason.match(/\[(\d+), (\d+)\]/)?.slice(1))).toEqual([
      ['0', '5'],
      ['0', '5'],
      ['25', '30'],
      ['30', '35'],
    ]);
  });

  it('releases a frequency pattern the LP audit proves wide enough (the width rule needs no value)', () => {
    const findings = run(hide('n|F', 'n|M', 's|F', 's|M'));
    expect(findings.map((f) => f.status)).toEqual(['pass']);
    expect(findings[0].cells).toHaveLength(4);
    expect(findings[0].cells?.[0].reason).toMatch(/\[0, 33\]/);
    expect(findings[0].message).toMatch(/width rule/);
  });

  it('holds every suppressed cell to the width rule without the token, even a large complement', () => {
    // s|M could be a complement (35), but nothing says so without the token: a range of 9 fails.
    const cells = [
      { labels: { r: 'a', c: 'x' }, ...S },
      { labels: { r: 'a', c: 'y' }, ...S },
      { labels: { r: 'a', c: 'All' }, count: 9 },
      { labels: { r: 'b', c: 'x' }, ...S },
      { labels: { r: 'b', c: 'y' }, ...S },
      { labels: { r: 'b', c: 'All' }, count: 60 },
      { labels: { r: 'All', c: 'x' }, count: 30 },
      { labels: { r: 'All', c: 'y' }, count: 39 },
      { labels: { r: 'All', c: 'All' }, count: 69 },
    ];
    expect(run(cells)[0].status).toBe('fail');
  });

  it('reviews a table without margins: the attacker\'s totals are unknown to airlock', () => {
    const cells = ['a', 'b'].flatMap((r) => ['x', 'y'].map((c) => ({ labels: { r, c }, ...S })));
    const [f] = run([...cells, { labels: { r: 'c', c: 'x' }, count: 20 }, { labels: { r: 'c', c: 'y' }, count: 20 }]);
    expect(f.status).toBe('review');
    expect(f.message).toMatch(/no margins/);
    // A cell alone in its column is determined by the totals whatever its value: fail, no value needed.
    const lone = run([{ labels: { r: 'a', c: 'x' }, ...S }, { labels: { r: 'a', c: 'y' }, count: 20 }, { labels: { r: 'b', c: 'x' }, count: 20 }, { labels: { r: 'b', c: 'y' }, count: 20 }]);
    expect(lone.map((x) => x.status)).toEqual(['fail']);
  });

  it('reviews suppressed magnitude cells (no protection token), and still fails a recoverable one', () => {
    const sums = (at: Record<string, Partial<CellInput>>) =>
      grid(at).map((c) => (c.suppressed ? c : { ...c, sum: (c.count ?? 0) * 10, top: [15, 14] }));
    const all = suppressionAudit.run(table(sums({ 'n|F': S, 'n|M': S, 's|F': S, 's|M': S }), 'sum'), params(), ctx);
    expect(all.map((f) => f.status)).toEqual(['review']);
    expect(all[0].message).toMatch(/magnitude table/);
    const one = suppressionAudit.run(table(sums({ 'n|F': S }), 'sum'), params(), ctx);
    expect(one.map((f) => f.status)).toEqual(['fail']);
  });
});
