/**
 * The greedy grouping behind the plot remedies: walk the items in order, closing a group as
 * soon as its weight reaches the threshold; a short last group joins the one before it. Used
 * for coarser histogram bins (weight = count) and grouped Kaplan-Meier intervals (weight =
 * events).
 *
 * @example groupAdjacent([3, 8, 12, 2], 10) // [[0, 2], [2, 4]]  (half-open index ranges)
 */

/**
 * Half-open index ranges `[start, end)` covering all items, each of total weight ≥
 * threshold; null when even all items together weigh less.
 *
 * @example groupAdjacent([4, 4], 10) // null
 */
export function groupAdjacent(weights: readonly number[], threshold: number): [number, number][] | null {
  const groups: [number, number][] = [];
  let start = 0;
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    if (sum >= threshold) {
      groups.push([start, i + 1]);
      start = i + 1;
      sum = 0;
    }
  });
  if (start < weights.length) {
    const last = groups.at(-1);
    if (last === undefined) return null;
    last[1] = weights.length;
  }
  return groups.length ? groups : null;
}
