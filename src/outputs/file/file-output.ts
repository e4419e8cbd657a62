/**
 * The normalised form of a `kind: "file"` output: the names it goes by (its extensions),
 * what its content reveals it to be regardless of its name, and, for a CSV, its cells as
 * dictionary-encoded columns so `formula_cells` scans each distinct text once.
 *
 * @example
 * const f: FileOutput = { filename: 'a.csv', extensions: ['.csv'], size: 12, sniffed: null, csv: null };
 */
import type { CategoryColumn } from '../table/columnar.js';

/** What a file's first bytes say it is, whatever its name. */
export interface SniffedType {
  /** e.g. `Python pickle`, `SVG image`. */
  type: string;
  /** The extensions that type goes by, as rule files list them. */
  extensions: string[];
}

/** A CSV file's cells, or why it could not be read. */
export type CsvCells =
  | { ok: true; header: readonly string[]; columns: CategoryColumn[]; nRows: number }
  | { ok: false; code: string; message: string };

export interface FileOutput {
  filename: string;
  /** Lower-case extensions with the dot: the last one, and the one before a compression suffix. */
  extensions: string[];
  /** Decoded size in bytes. */
  size: number;
  sniffed: SniffedType | null;
  /** Present for `.csv` files. */
  csv: CsvCells | null;
}
