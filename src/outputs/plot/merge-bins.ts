/**
 * Coarser histogram bins that pass `min_count` (and `zeros`): adjacent bins are merged
 * greedily until each merged bin holds at least `threshold` records.
 *
 * @example mergeBins([{ from: 0, to: 5, count: 4 }, { from: 5, to: 10, count: 7 }], 10)
 * // [{ from: 0, to: 10, count: 11 }]
 */
import { groupAdjacent } from './group-adjacent.js';
import type { HistogramBin } from './plot-output.js';
import { binLabel } from './plot-output.js';
import { at } from '../../lib/invariant.js';

/** The merged bins, or null when the whole histogram holds fewer than `threshold` records. */
export function mergeBins(bins: readonly HistogramBin[], threshold: number): HistogramBin[] | null {
  const groups = groupAdjacent(
    bins.map((b) => b.count),
    Math.max(threshold, 1),
  );
  if (!groups) return null;
  return groups.map(([s, e]) => ({ from: at(bins, s).from, to: at(bins, e - 1).to, count: bins.slice(s, e).reduce((a, b) => a + b.count, 0) }));
}

/**
 * The merges, in words, for a remedy: each merged bin that combines several original ones.
 *
 * @example describeBinMerges([{ from: 0, to: 10, count: 11 }], originalBins) // 'merge [0, 5) and [5, 10) into [0, 10)'
 */
export function describeBinMerges(merged: readonly HistogramBin[], bins: readonly HistogramBin[]): string {
  const parts: string[] = [];
  for (const m of merged) {
    const inside = bins.filter((b) => b.from >= m.from && b.to <= m.to);
    if (inside.length > 1) parts.push(`merge ${inside.map(binLabel).join(' and ')} into ${binLabel(m)}`);
  }
  const shown = parts.slice(0, 5).join('; ');
  return parts.length > 5 ? `${shown}; and ${parts.length - 5} more merges` : shown;
}
