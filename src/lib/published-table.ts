/**
 * A table as it is published: one type for every place that handles a released table — what
 * the table kind keeps of a released table, what the audit store records and hashes, what a
 * review releases, what differencing compares. Each of those once had its own near-identical
 * shape; the ones that differ (the store's, which adds where the table came from; the
 * comparison's, which reads less) are derived from these.
 *
 * @example
 * const t: PublishedTable = { dims: ['sex'], statistic: 'frequency', cells: [{ labels: { sex: 'F' }, count: 20, value: 20 }], total: 20 };
 */

/** One published cell: its labels (variable → category, `All` for margins), its count and its value (null when not shown). */
export interface PublishedCell {
  labels: Readonly<Record<string, string>>;
  count: number;
  value: number | null;
}

/** A released table's published cells, margins included. */
export interface PublishedTable {
  /** The dimension variable names (sorted where the store keeps them). */
  dims: readonly string[];
  /** The statistic the cells show (`frequency`, `sum`, …). */
  statistic: string;
  cells: readonly PublishedCell[];
  /** The released population total, or null when the table publishes none. */
  total: number | null;
}

/** A published table where the audit store keeps it: which output of which dataset (population) it is. */
export interface ReleasedTable extends PublishedTable {
  /** The output's name in its request. */
  output: string;
  /** The dataset (population) the table is drawn from. */
  dataset: string;
}
