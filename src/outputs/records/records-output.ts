/**
 * The normalised form of a `kind: "records"` output: the quasi-identifier columns (and
 * the sensitive column, if named) as dictionary-encoded columns, and the equivalence classes
 * they form, computed once at parse time for both `k_anonymity` and `l_diversity`.
 *
 * @example
 * const r: RecordsOutput = parseRecords(raw, ctx);
 * r.classes.count; // number of distinct quasi-identifier combinations
 */
import type { CategoryColumn } from '../table/columnar.js';
import type { EquivalenceClasses } from './equivalence-classes.js';

export interface RecordsOutput {
  nRows: number;
  quasiIdentifiers: string[];
  /** One column per quasi-identifier, in the same order. */
  qiColumns: CategoryColumn[];
  sensitive: string | null;
  sensitiveColumn: CategoryColumn | null;
  classes: EquivalenceClasses;
  /** Every column of the extract, named or not (what `direct_identifiers` checks). */
  columns: { name: string; column: CategoryColumn }[];
}

/**
 * How findings name an equivalence class: a number and where it first occurs, never its
 * values.
 *
 * @example classRef(r, 2) // 'class#3 (first at row 17)'
 */
export function classRef(r: RecordsOutput, c: number): string {
  return `class#${c + 1} (first at row ${r.classes.firstRow[c] + 1})`;
}
