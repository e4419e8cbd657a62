/**
 * What differencing reads of a published table (`src/lib/published-table.ts` has the one
 * published-table type): its dimensions and each cell's labels and count. Defined with the
 * parsed table (not with the differencing check) because the parse layer's `releasable`, the
 * pipeline's recording and the checks all compute a population total, and only this layer is
 * below all three.
 *
 * @example populationTotal({ dims: ['sex'], cells: [{ labels: { sex: 'F' }, count: 12 }, { labels: { sex: 'M' }, count: 20 }] }) // 32
 */
import type { PublishedCell, PublishedTable } from '../../lib/published-table.js';
import { MARGIN_LABEL } from './cell-table.js';

/** What differencing reads of a published cell: its labels and its count (the value is not compared). */
export type ComparedCell = Pick<PublishedCell, 'labels' | 'count'> & Partial<Pick<PublishedCell, 'value'>>;

/** What differencing reads of a published table: its dimensions (in any order) and its cells. */
export interface ComparedTable extends Pick<PublishedTable, 'dims'> {
  cells: readonly ComparedCell[];
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
export function populationTotal(t: ComparedTable): number {
  const dims = [...t.dims];
  let sum = 0;
  for (const cell of t.cells) {
    const out = summedOut(cell.labels, dims);
    if (out.every(Boolean)) return cell.count;
    if (!out.some(Boolean)) sum += cell.count;
  }
  return sum;
}
