import { describe, expect, it } from 'vitest';
import { auditIntervals, AuditUnavailable, maskedAuditInput } from '../../../src/checks/protection/lp-audit.js';
import { LpInfeasible } from '../../../src/lib/lp-bounds.js';
import { cellCount } from '../../../src/outputs/table/cell-table.js';
import type { CellTable } from '../../../src/outputs/table/cell-table.js';
import { cellByLabels } from '../../helpers/tiny-table.js';
import { gridTable } from '../../helpers/grid-table.js';

const counts = (t: CellTable) => Float64Array.from(t.count);
function maskOf(t: CellTable, ...labels: string[]): Uint8Array {
  const m = new Uint8Array(cellCount(t));
  for (const l of labels) m[cellByLabels(t, l)] = 1;
  return m;
}
function intervals(t: CellTable, mask: Uint8Array, integer = true) {
  const cells = [...mask.keys()].filter((c) => mask[c]);
  return auditIntervals(maskedAuditInput(t, counts(t), mask, [], integer), cells).map((iv) => [iv.lo, iv.hi]);
}

describe('auditIntervals (LP relaxation of everything published)', () => {
  it('finds the interval a 2x2 block leaves: n|F ∈ [0, 33], n|M ∈ [10, 43]', () => {
    const t = gridTable([
      [3, 40],
      [30, 35],
    ]);
    expect(intervals(t, maskOf(t, 'r0|c0', 'r0|c1', 'r1|c0', 'r1|c1'))).toEqual([
      [0, 33],
      [10, 43],
      [0, 33],
      [32, 65],
    ]);
  });

  it('pins a lone suppressed cell exactly (width 0) — the exact-recovery attack is a special case', () => {
    const t = gridTable([
      [3, 40],
      [30, 35],
    ]);
    expect(intervals(t, maskOf(t, 'r0|c0'))).toEqual([[3, 3]]);
  });

  it('the issue\'s 3x4 attack: a block around small cells bounded by small neighbours is pinned to within 1', () => {
    const t = gridTable([
      [3, 1, 50, 60],
      [1, 0, 40, 70],
      [30, 20, 80, 90],
    ]);
    // The four small cells suppressed together: non-negativity and the totals leave r0|c0 ∈ [3, 4].
    const iv = intervals(t, maskOf(t, 'r0|c0', 'r0|c1', 'r1|c0', 'r1|c1'));
    expect(iv[0]).toEqual([3, 4]);
    expect(iv[3]).toEqual([0, 1]);
  });

  it('rounds integer bounds inward, and leaves magnitudes fractional', () => {
    // Row totals 5 and 5, columns 5 and 5 with margins: 2x2 hidden → [0, 5] both ways; fractional
    // bounds arise only through non-integral data, so check the flag on a sum-like call.
    const t = gridTable([
      [2, 3],
      [3, 2],
    ]);
    const m = maskOf(t, 'r0|c0', 'r0|c1', 'r1|c0', 'r1|c1');
    expect(intervals(t, m, true)[0]).toEqual([0, 5]);
    const half = Float64Array.from(counts(t), (v) => v / 2);
    const iv = auditIntervals(maskedAuditInput(t, half, m, [], false), [cellByLabels(t, 'r0|c0')]);
    expect([iv[0].lo, iv[0].hi]).toEqual([0, 2.5]);
    const ivInt = auditIntervals(maskedAuditInput(t, half, m, [], true), [cellByLabels(t, 'r0|c0')]);
    expect([ivInt[0].lo, ivInt[0].hi]).toEqual([0, 2]);
  });

  it('uses the known totals of a table without margins (sdc-rules: totals are assumed published)', () => {
    const t = gridTable(
      [
        [3, 40, 7],
        [30, 35, 9],
      ],
      { margins: false },
    );
    expect(intervals(t, maskOf(t, 'r0|c0', 'r0|c1', 'r1|c0', 'r1|c1'))).toEqual([
      [0, 33],
      [10, 43],
      [0, 33],
      [32, 65],
    ]);
    // Without known values the attacker's totals cannot be formed: the audit refuses.
    const input = maskedAuditInput(t, counts(t), maskOf(t, 'r0|c0', 'r1|c0'), [], true);
    expect(() => auditIntervals({ ...input, totals: null }, [0])).toThrow(AuditUnavailable);
  });

  it('adds linked constraints: a published sum over two suppressed cells narrows both', () => {
    const t = gridTable([
      [3, 40],
      [30, 35],
    ]);
    const m = maskOf(t, 'r0|c0', 'r0|c1', 'r1|c0', 'r1|c1');
    const a = cellByLabels(t, 'r0|c0');
    const b = cellByLabels(t, 'r1|c1');
    // Someone published r0|c0 + r1|c1 = 38: then r0|c0 − r1|c1 = −32 (from the totals) pins both.
    const iv = auditIntervals(maskedAuditInput(t, counts(t), m, [{ cols: [a, b], coef: [1, 1], lo: 38, hi: 38 }], true), [a, b]);
    expect(iv.map((x) => [x.lo, x.hi])).toEqual([
      [3, 3],
      [35, 35],
    ]);
  });

  it('refuses contradictory published numbers (infeasible), never returning an interval', () => {
    const t = gridTable([
      [3, 40],
      [30, 35],
    ]);
    const m = maskOf(t, 'r0|c0', 'r0|c1', 'r1|c0', 'r1|c1');
    const a = cellByLabels(t, 'r0|c0');
    expect(() => auditIntervals(maskedAuditInput(t, counts(t), m, [{ cols: [a], coef: [1], lo: 500, hi: 500 }], true), [a])).toThrow(LpInfeasible);
  });
});
