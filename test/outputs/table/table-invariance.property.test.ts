/**
 * Table building invariances on random microdata: the order of the rows, the spelling of the
 * labels and the unit of the measure (a positive scale) change no verdict of the table checks
 * — min_count, (n,k) dominance, p% — for any cell.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksFor } from '../../../src/checks/index.js';
import type { Finding } from '../../../src/domain.js';
import { params, ctx, tinyTable } from '../../helpers/tiny-table.js';
import { runs } from '../../helpers/property-runs.js';

type Row = { r: string; c: string; v: number };
const SPEC = { index: 'r', columns: 'c', values: 'v', aggfunc: 'sum' } as const;
const CHECKS = checksFor('table', ['min_count', 'nk_dominance', 'p_percent']);

// Integer contributions, a few dominant: sums are exact whatever the order, so any change of
// verdict would be the builder's doing, not rounding.
const row = fc.record({ r: fc.constantFrom('a', 'b', 'c'), c: fc.constantFrom('x', 'y'), v: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 500, max: 5000 })) });
const rows = fc.array(row, { minLength: 1, maxLength: 60 });

/** Every check's status per cell, as "check status labels", sorted; `rename` maps labels back. */
function verdicts(data: Row[], rename: (l: string) => string = (l) => l): string[] {
  const t = tinyTable(data, SPEC, Math.max(params().nk_n, 2));
  const found: Finding[] = CHECKS.flatMap((c) => c.run(t, params(), ctx));
  return found
    .flatMap((f) => (f.cells?.length ? f.cells.map((cell) => `${f.check} ${f.status} ${JSON.stringify(Object.entries(cell.labels).map(([k, l]) => [k, rename(l)]).sort())}`) : [`${f.check} ${f.status}`]))
    .sort();
}

describe('table verdicts are invariant', () => {
  it('under any order of the rows', () => {
    fc.assert(
      fc.property(rows.chain((rs) => fc.tuple(fc.constant(rs), fc.shuffledSubarray(rs, { minLength: rs.length, maxLength: rs.length }))), ([rs, shuffled]) => {
        expect(verdicts(shuffled)).toEqual(verdicts(rs));
      }),
      runs(150),
    );
  });

  it('under a renaming of the labels (one-to-one)', () => {
    const names: Record<string, string> = { a: 'Zeta', b: 'alpha', c: '10', x: 'ψ', y: 'X' };
    const back = Object.fromEntries(Object.entries(names).map(([k, v]) => [v, k]));
    fc.assert(
      fc.property(rows, (rs) => {
        const renamed = rs.map((r) => ({ r: names[r.r]!, c: names[r.c]!, v: r.v }));
        expect(verdicts(renamed, (l) => back[l] ?? l)).toEqual(verdicts(rs));
      }),
      runs(150),
    );
  });

  it('under a positive scaling of the measure (dominance is a ratio)', () => {
    fc.assert(
      fc.property(rows, fc.constantFrom(0.25, 2, 8, 1024, 1 / 64), (rs, k) => {
        expect(verdicts(rs.map((r) => ({ ...r, v: r.v * k })))).toEqual(verdicts(rs));
      }),
      runs(150),
    );
  });
});
