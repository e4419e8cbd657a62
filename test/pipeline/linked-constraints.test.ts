import { describe, expect, it } from 'vitest';
import { auditIntervals, maskedAuditInput } from '../../src/checks/protection/lp-audit.js';
import { meetsLevel, protectionLevel } from '../../src/checks/protection/protection-levels.js';
import { failingCellChecks } from '../../src/checks/protection/sensitive-cells.js';
import { tableLabelForm } from '../../src/history/label-form.js';
import { cellCount } from '../../src/outputs/table/cell-table.js';
import type { CellTable } from '../../src/outputs/table/cell-table.js';
import { protectedVersion } from '../../src/remedies/table-remedy.js';
import { additiveValues } from '../../src/remedies/audited-suppression.js';
import { linkedConstraints } from '../../src/pipeline/linked-constraints.js';
import { cellByLabels, params, tinyTable } from '../helpers/tiny-table.js';
import { LINKED_ROWS as rows } from '../helpers/linked-rows.js';

const threeWay = (): CellTable => tinyTable(rows, { index: ['region', 'sex'], columns: 'diagnosis', margins: true });
const twoWay = (index: string, columns: string): CellTable => tinyTable(rows, { index, columns, margins: true });

function maskOf(t: CellTable, ...labels: string[]): Uint8Array {
  const m = new Uint8Array(cellCount(t));
  for (const l of labels) m[cellByLabels(t, l)] = 1;
  return m;
}

describe('linked tables (issue 12 item 3)', () => {
  it('a 2-way region × diagnosis table in the same request pins a cell the 3-way alone protects: F/A/x = 3', () => {
    const t = threeWay();
    const fax = cellByLabels(t, 'A|F|x');
    const mask = maskOf(t, 'A|F|x', 'A|F|y', 'B|F|x', 'B|F|y');
    const alone = auditIntervals(maskedAuditInput(t, additiveValues(t), mask, [], true), [fax])[0];
    expect(alone.hi - alone.lo).toBeGreaterThanOrEqual(10);
    const linked = linkedConstraints(t, [tableLabelForm('by_region_diagnosis', twoWay('region', 'diagnosis'))]);
    expect(linked.used).toEqual(['by_region_diagnosis']);
    // A/x = 28 = F/A/x + M/A/x (25 published): F/A/x = 3.
    const pinned = auditIntervals(maskedAuditInput(t, additiveValues(t), mask, linked.rows, true), [fax])[0];
    expect([pinned.lo, pinned.hi]).toEqual([3, 3]);
  });

  it('the protected version made with the linked tables meets every level against them (or none is offered, with the reason)', () => {
    const t = threeWay();
    const p = params();
    const failing = failingCellChecks(t, p);
    expect(failing.has(cellByLabels(t, 'A|F|x'))).toBe(true);
    const forms = [tableLabelForm('by_region_diagnosis', twoWay('region', 'diagnosis')), tableLabelForm('by_region_sex', twoWay('region', 'sex'))];
    const linked = linkedConstraints(t, forms);
    expect(linked.used.sort()).toEqual(['by_region_diagnosis', 'by_region_sex']);
    const findings = [{ check: 'min_count' as const, status: 'fail' as const, message: '', remedy: '', cells: [...failing.keys()].map((c) => ({ labels: Object.fromEntries(Object.entries({ region: 'A', sex: 'F', diagnosis: 'x' })), value: 3, count: 3, reason: '' })).slice(0, 1) }];
    const v = protectedVersion(t, findings, p, linked.rows);
    const version = v.protected as { suppressed: number[] } | null;
    if (version === null) {
      expect(v.protection_refused).toMatch(/A|linked/);
      return;
    }
    const mask = new Uint8Array(cellCount(t));
    for (const c of version.suppressed) mask[c] = 1;
    for (const [cell, checks] of failing) {
      const iv = auditIntervals(maskedAuditInput(t, additiveValues(t), mask, linked.rows, true), [cell])[0];
      expect(meetsLevel(iv, protectionLevel(t, cell, checks, p) as never)).toBe(true);
    }
  });

  it('skips forms it cannot place: other variables, other categories, other measures', () => {
    const t = threeWay();
    const other = tinyTable([...rows.map((r) => ({ ...r, age: 'old' })), { region: 'A', sex: 'F', diagnosis: 'x', age: 'young' }], { index: 'age' });
    const fewerRegions = tinyTable(rows.filter((r) => r.region !== 'C'), { index: 'region' });
    const out = linkedConstraints(t, [tableLabelForm('by_age', other), tableLabelForm('two_regions', fewerRegions)]);
    expect(out.rows).toEqual([]);
    expect(out.skipped.map((s) => s.output)).toEqual(['by_age', 'two_regions']);
    expect(out.skipped[1].reason).toMatch(/categories of region differ/);
  });
});
