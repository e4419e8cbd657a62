/**
 * The protected version of a failing table: primary suppression of the failing cells,
 * secondary suppression so none of them can be recomputed from what is released, and
 * optional rounding of the released counts. The pipeline re-runs the checks on the result
 * before offering it; this module only guarantees that no suppressed cell is exactly
 * recoverable from the released cells and totals.
 *
 * @example
 * const p = protectTable(table, new Set([4]), { roundBase: 5 });
 * p.rows[4]; // { labels: { sex: 'F', region: 'north' }, value: null, suppressed: true, reason: 'primary' }
 */
import type { ProtectionLevel } from '../checks/protection/protection-levels.js';
import { additiveValue, protectionLevel } from '../checks/protection/protection-levels.js';
import type { CheckId } from '../domain.js';
import { isCountStatistic } from '../domain.js';
import { AirlockError } from '../errors.js';
import { got, outOfRange } from '../lib/invariant.js';
import type { LpRow } from '../lib/lp-bounds.js';
import type { RoundingScheme } from '../lib/round-count.js';
import { roundCount } from '../lib/round-count.js';
import { cellCount, cellLabels, cellValue, type CellTable } from '../outputs/table/cell-table.js';
import type { Rounding } from '../outputs/table/rounded-bounds.js';
import type { Parameters } from '../rules/parameters.js';
import { auditedSuppression, ProtectionRefused } from './audited-suppression.js';
import { suppressWithReasons } from './secondary-suppression.js';

/**
 * One cell of the protected table.
 *
 * @example { labels: { sex: 'F' }, value: null, suppressed: true, reason: 'secondary' }
 */
export interface ProtectedRow {
  labels: Record<string, string>;
  /** The released value; null when suppressed (or empty). */
  value: number | null;
  suppressed: boolean;
  reason?: 'primary' | 'secondary';
  /** For a complement: the labels of the sensitive cell it was chosen to protect. */
  protects?: Record<string, string>;
}

/**
 * The attacker's interval of a sensitive cell in the offered version, and the rules it meets.
 *
 * @example { labels: { sex: 'F', region: 'north' }, lo: 0, hi: 14, rules: ['min_count'] }
 */
export interface AuditedCell {
  labels: Record<string, string>;
  /** Null when unbounded (JSON has no infinity): below for cells with negative contributions. */
  lo: number | null;
  hi: number | null;
  rules: string[];
}

/**
 * The protected version of a table, as offered to the researcher.
 *
 * @example { suppressed: [0, 1, 4, 5], primary: [0], secondary: [1, 4, 5], rows }
 */
export interface ProtectedTable {
  /** Every suppressed cell index (row-major), ascending. */
  suppressed: number[];
  /** The failing cells, ascending. */
  primary: number[];
  /** The complementary cells, ascending. */
  secondary: number[];
  /** One row per cell, in cell order. */
  rows: ProtectedRow[];
  /** How the released counts are rounded, when they are (count tables with a rounding base). */
  rounding?: Rounding;
  /**
   * The LP audit of the version (additive tables protected with the failing checks known):
   * every sensitive cell's interval against an attacker solving linear programmes.
   */
  audit?: AuditedCell[];
}

/**
 * Options of `protectTable`.
 *
 * @example { roundBase: 5 }
 */
export interface ProtectOptions {
  /** Round released counts with this base (count tables only). */
  roundBase?: number;
  /** How to round them (default `nearest`: to the nearest multiple of `roundBase`). */
  roundingScheme?: RoundingScheme;
  /** Cells never chosen as complements (1 = fixed): structural zeros, whose value is known by definition. */
  fixed?: Uint8Array;
  /** With the failing checks per cell: protect against the LP attacker (`auditedSuppression`). */
  params?: Parameters;
  /** Constraints from linked tables of the same population (`linkedConstraints`). */
  linked?: LpRow[];
}

/** The cells a protected version must hide: indices, or indices with the checks each fails (then audited against the LP attacker). */
export type PrimaryCells = ReadonlySet<number> | ReadonlyMap<number, ReadonlySet<CheckId>>;

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Rounds to the nearest multiple of `base`; a tie (exactly half-way) goes up, to the larger
 * multiple, e.g. base 10: 15 → 20, 25 → 30 (counts are non-negative, so "up" is away from 0).
 *
 * @example roundTo(12, 5) // 10
 */
export function roundTo(x: number, base: number): number {
  return roundCount(x, 'nearest', base);
}

/**
 * Suppresses `failing` (primary) and the complements that protect them (secondary) in `t`,
 * and, with `roundBase`, rounds the released values of a count table. Margin cells are
 * treated like any other cell: a failing margin is suppressed, and a margin may be chosen as
 * a complement when no interior cell can do.
 *
 * @example
 * const p = protectTable(t, new Set([0]));
 * p.secondary; // e.g. [1, 3, 4] — the cheapest cells closing a cycle through cell 0
 */
export function protectTable(t: CellTable, failing: PrimaryCells, opts: ProtectOptions = {}): ProtectedTable {
  const n = cellCount(t);
  const base = opts.roundBase;
  if (base !== undefined && !(Number.isFinite(base) && base > 0)) {
    throw new AirlockError('INTERNAL', `protectTable: round base ${base} is not a positive number`);
  }
  // Cells submitted suppressed stay suppressed: they are primary like the failing ones.
  const primaryMask = Uint8Array.from(t.suppressed);
  for (const i of failing.keys()) {
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new AirlockError('INTERNAL', `protectTable: failing cell ${i} is not in a table of ${n} cells`);
    }
    primaryMask[i] = 1;
  }
  // With the failing checks known, each failing cell of an additive table gets its protection
  // level and the version must meet them against the LP attacker (ProtectionRefused otherwise).
  const levels = new Map<number, ProtectionLevel>();
  if (failing instanceof Map && opts.params) {
    if (t.suppressed.some((x, i) => x === 1 && !Number.isFinite(additiveValue(t, i)))) {
      // The attacker's totals and the cells' levels need values airlock was not given.
      throw new ProtectionRefused('the table was submitted with suppressed cells whose values airlock does not know, so no version can be audited; submit it unsuppressed (microdata and a spec, or full evidence)');
    }
    for (const [i, checks] of failing) {
      const level = protectionLevel(t, i, checks, opts.params);
      if (level) levels.set(i, level);
    }
  }
  const grid = { nRows: t.rows.keys.length, nCols: t.cols.keys.length, rowMargin: t.rows.margin, colMargin: t.cols.margin, value: t.value };
  const audited = levels.size ? auditedSuppression(t, levels, primaryMask, { fixed: opts.fixed ?? null, linked: opts.linked ?? [] }) : null;
  const { mask, protects } = audited ?? suppressWithReasons(grid, primaryMask, opts.fixed ?? null);
  // The base released counts are rounded to; null when they are not (no base, or no counts).
  const roundBase = base !== undefined && isCountStatistic(t.statistic) ? base : null;
  const scheme = opts.roundingScheme ?? 'nearest';
  const out: ProtectedTable = { suppressed: [], primary: [], secondary: [], rows: [], ...(roundBase !== null ? { rounding: { scheme, base: roundBase } } : {}) };
  for (let i = 0; i < n; i++) {
    const labels = cellLabels(t, i);
    if (mask[i]) {
      const reason = primaryMask[i] ? 'primary' : 'secondary';
      out.suppressed.push(i);
      out[reason].push(i);
      const row: ProtectedRow = { labels, value: null, suppressed: true, reason };
      const chosenFor = protects[i] ?? outOfRange();
      if (reason === 'secondary' && chosenFor >= 0) row.protects = cellLabels(t, chosenFor);
      out.rows.push(row);
    } else {
      const v = cellValue(t, i);
      out.rows.push({ labels, value: v !== null && roundBase !== null ? roundCount(v, scheme, roundBase) : v, suppressed: false });
    }
  }
  if (audited) out.audit = audited.intervals.map((iv) => ({ labels: cellLabels(t, iv.cell), lo: finiteOrNull(iv.lo), hi: finiteOrNull(iv.hi), rules: got(levels, iv.cell).rules }));
  return out;
}
