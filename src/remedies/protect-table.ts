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
import { isCountStatistic } from '../domain.js';
import { AirlockError } from '../errors.js';
import type { RoundingScheme } from '../lib/round-count.js';
import { roundCount } from '../lib/round-count.js';
import { cellCount, cellLabels, cellValue, type CellTable } from '../outputs/table/cell-table.js';
import type { Rounding } from '../outputs/table/rounded-bounds.js';
import { suppress } from './secondary-suppression.js';

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
}

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
export function protectTable(t: CellTable, failing: Set<number>, opts: ProtectOptions = {}): ProtectedTable {
  const n = cellCount(t);
  const base = opts.roundBase;
  if (base !== undefined && !(Number.isFinite(base) && base > 0)) {
    throw new AirlockError('INTERNAL', `protectTable: round base ${base} is not a positive number`);
  }
  // Cells submitted suppressed stay suppressed: they are primary like the failing ones.
  const primaryMask = Uint8Array.from(t.suppressed);
  for (const i of failing) {
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new AirlockError('INTERNAL', `protectTable: failing cell ${i} is not in a table of ${n} cells`);
    }
    primaryMask[i] = 1;
  }
  const mask = suppress(
    { nRows: t.rows.keys.length, nCols: t.cols.keys.length, rowMargin: t.rows.margin, colMargin: t.cols.margin, value: t.value },
    primaryMask,
    opts.fixed ?? null,
  );
  const round = base !== undefined && isCountStatistic(t.statistic);
  const scheme = opts.roundingScheme ?? 'nearest';
  const out: ProtectedTable = { suppressed: [], primary: [], secondary: [], rows: [], ...(round ? { rounding: { scheme, base: base as number } } : {}) };
  for (let i = 0; i < n; i++) {
    const labels = cellLabels(t, i);
    if (mask[i]) {
      const reason = primaryMask[i] ? 'primary' : 'secondary';
      out.suppressed.push(i);
      out[reason].push(i);
      out.rows.push({ labels, value: null, suppressed: true, reason });
    } else {
      const v = cellValue(t, i);
      out.rows.push({ labels, value: v !== null && round ? roundCount(v, scheme, base as number) : v, suppressed: false });
    }
  }
  return out;
}
