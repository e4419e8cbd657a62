/**
 * Parsed outputs with unit membership, for unit-mode differencing tests before every parser
 * fills `units` itself: a table built from rows by the real builder, with its
 * `UnitMembership` (cells incl. margins) from the same rows; summaries and plots with the
 * groups given. One row per unit and cell, so the table's counts are counts of units.
 *
 * @example
 * const t = unitTable(rows, { index: 'region' }, 'pid');
 */
import type { RawOutput } from '../../src/outputs/output-kind.js';
import type { CellTable } from '../../src/outputs/table/cell-table.js';
import { MARGIN_LABEL, cellCount, cellLabels } from '../../src/outputs/table/cell-table.js';
import type { TableSpecInput } from '../../src/outputs/table/table-spec.js';
import type { UnitMembership } from '../../src/lib/unit-membership.js';
import { membershipFromPairs, setsFromPairs, unitIds } from '../../src/lib/unit-membership.js';
import type { PlotOutput } from '../../src/outputs/plot/plot-output.js';
import type { SummaryOutput } from '../../src/outputs/summary/summary-output.js';
import type { EvaluatedOutput } from '../../src/pipeline/evaluate-output.js';
import { asKindUnion, type ParsedOf } from '../../src/outputs/index.js';
import { tinyTable } from './tiny-table.js';

type Row = Record<string, string | number | null>;

/** A table from rows with its unit membership (unit column `unit`; contributors: measure not missing). */
export function unitTable(rows: Row[], spec: TableSpecInput, unit: string): CellTable & { units: UnitMembership } {
  const t = tinyTable(rows, { margins: true, ...spec });
  const { code, values } = unitIds(rows.map((r) => String(r[unit] ?? '')));
  const n = cellCount(t);
  const labels = Array.from({ length: n }, (_, c) => cellLabels(t, c));
  const dims = [...t.rows.vars, ...t.cols.vars];
  const g: number[] = [];
  const u: number[] = [];
  const cg: number[] = [];
  const cu: number[] = [];
  rows.forEach((r, i) => {
    if (code[i]! < 0 || dims.some((d) => r[d] === null || r[d] === undefined || r[d] === '')) return;
    for (let c = 0; c < n; c++) {
      const l = labels[c]!;
      const margin = Object.values(l).includes(MARGIN_LABEL);
      if (!dims.every((d) => l[d] === String(r[d]) || l[d] === MARGIN_LABEL || (margin && l[d] === ''))) continue;
      g.push(c);
      u.push(code[i]!);
      if (t.measure !== null && r[t.measure] !== null && r[t.measure] !== undefined) {
        cg.push(c);
        cu.push(code[i]!);
      }
    }
  });
  const units: UnitMembership = membershipFromPairs(Uint32Array.from(g), Uint32Array.from(u), n, values, unit);
  if (t.measure !== null) units.contributors = setsFromPairs(Uint32Array.from(cg), Uint32Array.from(cu), n);
  return Object.assign(t, { units });
}

/** A membership over groups given as lists of unit values (contributors: `contributors[i]`, when given). */
export function membershipOf(groups: string[][], contributors?: string[][]): UnitMembership {
  const all = [...new Set(groups.flat())];
  const { code, values } = unitIds(all);
  const index = new Map(all.map((v, i) => [v, code[i]!]));
  const g: number[] = [];
  const u: number[] = [];
  groups.forEach((members, i) => members.forEach((m) => (g.push(i), u.push(index.get(m)!))));
  const m = membershipFromPairs(Uint32Array.from(g), Uint32Array.from(u), groups.length, values);
  if (contributors) {
    const cg: number[] = [];
    const cu: number[] = [];
    contributors.forEach((members, i) => members.forEach((x) => (cg.push(i), cu.push(index.get(x)!))));
    m.contributors = setsFromPairs(Uint32Array.from(cg), Uint32Array.from(cu), groups.length);
  }
  return m;
}

/** A summary of statistics over the given unit groups (one statistic per group). */
export function unitSummary(stats: { name: string; units: string[]; missing?: string[]; value: number }[]): SummaryOutput & { units: UnitMembership } {
  const statistics = stats.map((s) => ({ name: s.name, statistic: 'mean' as const, p: null, n: s.units.length - (s.missing?.length ?? 0), value: s.value }));
  const units = membershipOf(
    stats.map((s) => s.units),
    stats.map((s) => s.units.filter((x) => !(s.missing ?? []).includes(x))),
  );
  return { statistics, units, source: 'microdata' };
}

/** A bar chart over the given unit groups. */
export function unitBars(bars: { label: string; units: string[] }[]): PlotOutput & { units: UnitMembership } {
  return { type: 'bar', categories: bars.map((b) => ({ label: b.label, count: b.units.length })), units: membershipOf(bars.map((b) => b.units)), source: 'microdata' };
}

/** An evaluated output (every per-output check passed) around a parsed form, as the pipeline has it before differencing. */
export function evaluated<K extends 'table' | 'summary' | 'plot'>(name: string, kind: K, parsed: ParsedOf<K>): EvaluatedOutput {
  return asKindUnion<EvaluatedOutput>({
    kind,
    decision: { name, kind, sha256: '0'.repeat(64), outcome: 'release', findings: [{ check: 'min_count', status: 'pass', message: 'ok', remedy: '' }] },
    parsed,
    releasable: null,
    evidence: null,
  });
}

/** Unit values `prefix1 … prefixN`. */
export function units(prefix: string, n: number, from = 1): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${from + i}`);
}

export type { RawOutput };
