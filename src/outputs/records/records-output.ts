/**
 * The parsed form of a `kind: "records"` output: every column, which of them are
 * quasi-identifiers (every column except governance's sensitive attributes, plus any the
 * submitter adds), their equivalence classes on values as published, and the sensitive
 * columns with their values normalised — what `k_anonymity` and `l_diversity` read.
 *
 * @example
 * const r: RecordsOutput = parseRecords(raw, ctx);
 * r.classes.count; // number of distinct quasi-identifier combinations
 */
import { at } from '../../lib/invariant.js';
import type { CategoryColumn } from '../table/columnar.js';
import type { EquivalenceClasses } from './equivalence-classes.js';

/** A column checked for attribute disclosure (`l_diversity`). */
export interface SensitiveColumn {
  name: string;
  /**
   * `governance`: listed in `sensitive_attributes` (not a quasi-identifier unless the
   * submitter names it as one); `declared`: named only by the submitter, so it stays a
   * quasi-identifier as well (a declaration never weakens `k_anonymity`).
   */
  source: 'governance' | 'declared';
  /** Its values after `normalise()` (`"HIV"` and `"hiv "` are one value); −1 = missing. */
  values: CategoryColumn;
  /** The classes within which its values must vary: those of the quasi-identifiers other than itself. */
  classes: EquivalenceClasses;
}

export interface RecordsOutput {
  nRows: number;
  /** Every column of the microdata, in its order. */
  columns: string[];
  /** Every column's values as published, parallel to `columns` (what `direct_identifiers` checks, whatever the submitter named). */
  columnData: CategoryColumn[];
  quasiIdentifiers: string[];
  /** One column per quasi-identifier, in the same order, values as published. */
  qiColumns: CategoryColumn[];
  /** Equivalence classes of the quasi-identifiers, on values as published. */
  classes: EquivalenceClasses;
  sensitive: SensitiveColumn[];
  /**
   * Governance-listed sensitive columns whose values mostly identify single records (an
   * identifier under a sensitive name): kept as quasi-identifiers too.
   */
  identifyingSensitive: string[];
}

/**
 * How findings name an equivalence class: a number and where it first occurs, never its
 * values.
 *
 * @example classRef(r.classes, 2) // 'class#3 (first at row 17)'
 */
export function classRef(classes: EquivalenceClasses, c: number): string {
  return `class#${c + 1} (first at row ${at(classes.firstRow, c) + 1})`;
}

/** Most column names a message lists before it says how many more there are. */
const LISTED_COLUMNS = 8;

/**
 * The quasi-identifiers as a message lists them: all of them up to a few, then a count.
 *
 * @example listColumns(['age', 'sex']) // 'age, sex'
 */
export function listColumns(names: readonly string[]): string {
  if (names.length <= LISTED_COLUMNS) return names.join(', ');
  return `${names.slice(0, LISTED_COLUMNS).join(', ')} and ${names.length - LISTED_COLUMNS} more columns`;
}
