/**
 * The slowest table to protect for its size, for the bounded-work test and benchmark: a
 * pre-aggregated n × n frequency table with margins in which cell (r, 37r mod n) of every row
 * is 3 (failing `min_count`), so each row needs its own complementary suppressions.
 *
 * @example hardTable(199) // 40,000 cells with margins, the default protection budget
 */
export function hardTable(n: number, failing = true, name = 'big'): { name: string; kind: 'table'; statistic: 'frequency'; index: string[]; columns: string[]; cells: { labels: Record<string, string>; count: number }[] } {
  const cells: { labels: Record<string, string>; count: number }[] = [];
  const rowT = new Array<number>(n).fill(0);
  const colT = new Array<number>(n).fill(0);
  let all = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const count = failing && c === (r * 37) % n ? 3 : 20 + ((r * c) % 7);
      rowT[r]! += count;
      colT[c]! += count;
      all += count;
      cells.push({ labels: { r: `r${r}`, c: `c${c}` }, count });
    }
  }
  for (let r = 0; r < n; r++) cells.push({ labels: { r: `r${r}`, c: 'All' }, count: rowT[r]! });
  for (let c = 0; c < n; c++) cells.push({ labels: { r: 'All', c: `c${c}` }, count: colT[c]! });
  cells.push({ labels: { r: 'All', c: 'All' }, count: all });
  return { name, kind: 'table', statistic: 'frequency', index: ['r'], columns: ['c'], cells };
}
