/**
 * A table as published: what a release shows, what the audit store keeps of a released table,
 * and what differencing compares. Defined with the parsed table (not with the differencing
 * check) because the parse layer's `releasable`, the pipeline's recording and the checks all
 * read it, and only this layer is below all three.
 *
 * @example populationTotal({ dims: ['sex'], cells: [{ labels: { sex: 'F' }, count: 12 }, { labels: { sex: 'M' }, count: 20 }] }) // 32
 */
import { MARGIN_LABEL } from './cell-table.js';

/** One published cell: its labels (variable → category, `All` for margins) and its count. */
export interface PublishedCell {
  labels: Readonly<Record<string, string>>;
  count: number;
  value?: number | null;
}

/** A table as published: what a release shows and what the audit store keeps of it. */
export interface PublishedTable {
  /** The dimension variables, in any order. */
  dims: readonly string[];
  cells: readonly PublishedCell[];
}

/** Per dimension, whether the cell sums it out (`All`, or empty beside an `All`). */
function summedOut(labels: Readonly<Record<string, string>>, dims: readonly string[]): boolean[] {
  const margin = dims.some((v) => labels[v] === MARGIN_LABEL);
  return dims.map((v) => labels[v] === MARGIN_LABEL || (margin && labels[v] === ''));
}

/**
 * The population total of a published table: its grand-total cell, or the sum of its
 * interior cells when it publishes none.
 *
 * @example populationTotal({ dims: ['sex'], cells: [{ labels: { sex: 'F' }, count: 12 }, { labels: { sex: 'M' }, count: 20 }] }) // 32
 */
export function populationTotal(t: PublishedTable): number {
  const dims = [...t.dims];
  let sum = 0;
  for (const cell of t.cells) {
    const out = summedOut(cell.labels, dims);
    if (out.every(Boolean)) return cell.count;
    if (!out.some(Boolean)) sum += cell.count;
  }
  return sum;
}
