/**
 * The normalised form of every table, whichever way it arrived (microdata + spec, or
 * pre-aggregated cells): two axes of labelled keys and per-cell typed arrays, row-major
 * (`cell = row * nCols + col`). Checks and remedies read only this.
 *
 * @example
 * const c = cellIndex(t, 2, 1); // row 2, column 1
 * t.count[c];
 */
import type { TableStatistic } from '../../domain.js';
import type { UnitMembership } from '../../lib/unit-membership.js';
import { nullRecord } from '../../lib/null-record.js';

/**
 * The verdict on a `protection` token (`src/pipeline/protection-token.ts`): trusted only when
 * it is airlock's signature, by a key of its JWKS, unexpired, for this project and dataset,
 * over exactly the cells and evidence submitted with it.
 *
 * @example { trusted: false, reason: 'the token does not cover these cells and evidence' }
 */
export interface ProtectionVerdict {
  trusted: boolean;
  /** Why the token is (not) trusted, for the finding. */
  reason: string;
  /** The key that signed it, when the header could be read. */
  kid?: string;
}

/** The label margins carry, on every variable of the axis (outermost first, then ""). */
export const MARGIN_LABEL = 'All';

/** One axis of a table: its variables and one key (a label per variable) per position. */
export interface Axis {
  vars: string[];
  keys: string[][];
  /** Position of the margin (`All`) entry on this axis, or −1 when there is none. */
  margin: number;
}

/**
 * What is known about the values a table's measure takes over its published cells
 * (`binary_measure`): at most two values (an indicator, with per cell the contributors at
 * each), more than two, or unknown (pre-aggregated cells without `distinct` evidence).
 *
 * @example { values: 'two', low: 0, high: 1, atLow: Float64Array [47, 0], atHigh: Float64Array [3, 50] }
 */
export type MeasureValues =
  | {
      values: 'two';
      /** The smaller and the larger value (equal when the measure takes one value). */
      low: number;
      high: number;
      /** Per cell: contributors (units, with a unit column) with a row at `low` / at `high`. */
      atLow: Float64Array;
      atHigh: Float64Array;
    }
  | { values: 'many' }
  | { values: 'unknown' };

export interface CellTable {
  statistic: TableStatistic;
  /** Where the table came from: computed from microdata, or pre-aggregated cells (evidence is a claim). */
  source: 'microdata' | 'cells';
  /** The measure variable, when the table has one and it is named (pre-aggregated: optional `measure`). */
  measure: string | null;
  /**
   * The unit column (sdc-rules.md "Units"): counts are distinct units and every contribution
   * is a unit's total in the cell. Null when each row is a contributor.
   */
  unit: string | null;
  /** True when pre-aggregated cells did not name their measure (`measure` is then a placeholder). */
  anonymousMeasure?: boolean;
  rows: Axis;
  cols: Axis;
  /** The count the threshold and zero checks use (D1: non-missing contributions for measures). */
  count: Float64Array;
  /** Records in the cell, whether or not their measure is missing. */
  records: Float64Array;
  /** The published value; NaN means empty (`null`). */
  value: Float64Array;
  /** Records in the cell whose measure is missing. */
  missing: Float64Array;
  /** 1 where the cell has a negative contribution. */
  negative: Uint8Array;
  /** Σ|x| over the cell's contributions. */
  sumAbs: Float64Array;
  /** Largest absolute contributions, `topK` per cell, descending, 0-padded. */
  top: Float64Array;
  topK: number;
  /**
   * 1 where the dominance evidence (sumAbs and the top contributions) is known. Always 1 for
   * tables computed from microdata; pre-aggregated cells may lack it.
   */
  evidence: Uint8Array;
  /**
   * Smallest and largest contribution (a unit's total with a unit column, a row's value
   * otherwise; signed). NaN where unknown: empty cells, frequency tables, pre-aggregated cells
   * without `min`/`max` evidence.
   */
  min: Float64Array;
  max: Float64Array;
  /** Distinct contribution values per cell (pre-aggregated `distinct` evidence); NaN where unknown. */
  distinct: Float64Array;
  /** The values the measure takes over the published cells (sum and mean tables). */
  measureValues: MeasureValues;
  /**
   * 1 where the cell is published suppressed: no value, and its evidence (when sent) is a claim
   * that is never published and never makes a check pass. All 0 for microdata tables.
   */
  suppressed: Uint8Array;
  /** 1 where the submitter declares the cell a structural zero (a claim: `zeros` gives review at best). */
  declaredZero: Uint8Array;
  /**
   * Whether the evidence behind the suppressed cells is airlock's own, so `suppression_audit`
   * may use it (sdc-rules.md "Suppressed cells"): true for tables computed from microdata, and
   * for pre-aggregated cells that carry airlock's verified `protection` token covering exactly
   * these cells and their evidence; false otherwise (the evidence of a suppressed cell is then a
   * claim: frequency cells are audited by the width rule alone, magnitude cells get review).
   * Absent means false.
   */
  evidenceTrusted?: boolean;
  /** What airlock found of the `protection` token the output carried; absent when it carried none. */
  protection?: ProtectionVerdict;
  /** Which units make up each cell (margins included), with a unit column from microdata; null otherwise. */
  units: UnitMembership | null;
}

/**
 * Whether a table's cells summarise a measure (every statistic but `frequency`).
 *
 * @example hasMeasure(t) // true for a mean table
 */
export function hasMeasure(t: CellTable): boolean {
  return t.statistic !== 'frequency';
}

/** Number of cells of a table. */
export function cellCount(t: CellTable): number {
  return t.rows.keys.length * t.cols.keys.length;
}

/** Row-major index of the cell at (row, col). */
export function cellIndex(t: CellTable, row: number, col: number): number {
  return row * t.cols.keys.length + col;
}

/**
 * Whether a cell is a margin (on the row or column margin of its axes).
 *
 * @example isMarginCell(t, cellIndex(t, t.rows.margin, 0)) // true
 */
export function isMarginCell(t: CellTable, cell: number): boolean {
  const nC = t.cols.keys.length;
  const r = Math.floor(cell / nC);
  return r === t.rows.margin || cell - r * nC === t.cols.margin;
}

/**
 * The labels of a cell as `{ variable: category }`. On an axis with two variables a margin
 * key is `["All", ""]`, so its labels are `{ a: "All", b: "" }`.
 *
 * @example cellLabels(t, 0) // { region: 'north', year: '2021' }
 */
export function cellLabels(t: CellTable, cell: number): Record<string, string> {
  const nCols = t.cols.keys.length;
  const r = Math.floor(cell / nCols);
  const c = cell - r * nCols;
  const out = nullRecord<string>();
  t.rows.vars.forEach((v, i) => (out[v] = t.rows.keys[r][i]));
  t.cols.vars.forEach((v, i) => (out[v] = t.cols.keys[c][i]));
  return out;
}

/** The published value of a cell as JSON (`null` for empty or suppressed). */
export function cellValue(t: CellTable, cell: number): number | null {
  const v = t.value[cell];
  return Number.isNaN(v) || t.suppressed[cell] ? null : v;
}

/** The published count of a cell as JSON (`null` for a suppressed cell: its evidence is never published). */
export function cellCountValue(t: CellTable, cell: number): number | null {
  return t.suppressed[cell] ? null : t.count[cell];
}

/** The i-th largest absolute contribution of a cell (0 when there are fewer). */
export function topContribution(t: CellTable, cell: number, i: number): number {
  return i < t.topK ? t.top[cell * t.topK + i] : 0;
}
