/**
 * The release history differencing compares against, kept in memory in the form the
 * comparison needs, so a check against thousands of earlier releases costs an indexed query
 * for what is new plus a pass over typed arrays — not re-reading and re-parsing every earlier
 * table on each request.
 *
 * Per (project, dataset, dimension set) the index keeps each earlier released table as a
 * `PreparedTable` (its cube of counts, no labels per cell), and per (project, dataset) the
 * released population totals. Each lookup first asks the store only for records after the
 * last seq it has seen (`afterSeq`, served by the store's `released_lookup` index). That is
 * sound because the store is append-only (released rows are never updated or deleted) and
 * appends are serialised, so a record's rows become visible together and in seq order — on
 * SQLite and on PostgreSQL, whichever instance appended them. A source that ignores
 * `afterSeq` still works (rows at or below the last seq are skipped), only slower.
 *
 * Memory is bounded: groups are evicted least recently used once the kept cube positions
 * exceed `maxPositions`; an evicted group is read again in full when next needed.
 *
 * @example
 * const index = historyIndexFor(store);
 * const earlier = await index.tables({ project: 'p1', dataset: 'cohort', dims: ['region', 'sex'] });
 */
import type { ReleasedTableHit, ReleasedTotal } from '../audit/audit-store.js';
import type { Layout, PreparedTable } from '../checks/differencing.js';
import { prepareTable } from '../checks/differencing.js';

/** What differencing reads from the audit store (an `AuditStore` is one). */
export interface DifferencingHistory {
  releasedTables(q: { project: string; dataset: string; dims: readonly string[]; afterSeq?: number }): Promise<ReleasedTableHit[]>;
  releasedTotals(q: { project: string; dataset: string; afterSeq?: number }): Promise<ReleasedTotal[]>;
  /**
   * Runs `fn` exclusively for this key across every instance sharing the store (PostgreSQL);
   * absent for an embedded store, which has one writer process.
   */
  exclusive?<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** An earlier released table, prepared; `table` is null when it is too large to compare. */
export interface HistoryTable {
  decision_id: string;
  seq: number;
  output: string;
  table: PreparedTable | null;
  /** Whether the store keeps its population total (so `totals` lists it too); records from before totals were stored do not. */
  hasTotal: boolean;
}

/** An earlier released population total. */
export interface HistoryTotal {
  decision_id: string;
  seq: number;
  output: string;
  total: number;
}

export interface HistoryIndex {
  /** Earlier released tables of the project and dataset with exactly these dimensions, oldest first. */
  tables(q: { project: string; dataset: string; dims: readonly string[] }): Promise<readonly HistoryTable[]>;
  /** Earlier released population totals of the project and dataset, oldest first. */
  totals(q: { project: string; dataset: string }): Promise<readonly HistoryTotal[]>;
}

interface Group<T> {
  lastSeq: number;
  items: T[];
  cost: number;
  /** The refresh in progress: refreshes of one group run one after another. */
  tail: Promise<unknown>;
  /** Layouts of this group's tables, shared by key so that comparisons can plan once per layout. */
  layouts: Map<string, Layout>;
}

/** Default memory bound: cube positions kept (8 bytes each) across all groups. */
export const DEFAULT_MAX_POSITIONS = 4_000_000;

/**
 * A new index over a history source (see the module comment).
 *
 * @example const index = historyIndex(store, { maxPositions: 1_000_000 });
 */
export function historyIndex(source: DifferencingHistory, opts: { maxPositions?: number } = {}): HistoryIndex {
  const maxPositions = opts.maxPositions ?? DEFAULT_MAX_POSITIONS;
  const groups = new Map<string, Group<HistoryTable> | Group<HistoryTotal>>();
  let cost = 0;

  const groupOf = <T>(key: string): Group<T> => {
    let g = groups.get(key) as Group<T> | undefined;
    if (g) groups.delete(key);
    else g = { lastSeq: 0, items: [], cost: 0, tail: Promise.resolve(), layouts: new Map() };
    // Re-inserted: the Map's order is the least recently used first.
    groups.set(key, g as Group<HistoryTable>);
    return g;
  };

  const evict = (keep: string): void => {
    for (const [key, g] of groups) {
      if (cost <= maxPositions) return;
      if (key === keep) continue;
      groups.delete(key);
      cost -= g.cost;
    }
  };

  const refresh = async <R extends { seq: number }, T>(key: string, fetch: (afterSeq: number) => Promise<R[]>, toItem: (row: R, g: Group<T>) => { item: T; cost: number }): Promise<T[]> => {
    const g = groupOf<T>(key);
    const run = g.tail.then(async () => {
      const rows = await fetch(g.lastSeq);
      let last = g.lastSeq;
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq <= g.lastSeq) continue;
        const { item, cost: c } = toItem(row, g);
        g.items.push(item);
        g.cost += c;
        if (groups.get(key) === (g as unknown)) cost += c;
        if (seq > last) last = seq;
      }
      g.lastSeq = last;
    });
    g.tail = run.catch(() => undefined);
    await run;
    evict(key);
    return g.items.slice();
  };

  return {
    tables(q) {
      const dims = [...q.dims].sort();
      const key = JSON.stringify(['t', q.project, q.dataset, dims]);
      return refresh<ReleasedTableHit, HistoryTable>(
        key,
        (afterSeq) => source.releasedTables({ project: q.project, dataset: q.dataset, dims, afterSeq }),
        (hit, g) => {
          let table: PreparedTable | null;
          try {
            table = prepareTable(hit);
          } catch (e) {
            if (!(e instanceof RangeError)) throw e;
            table = null;
          }
          if (table) {
            const shared = g.layouts.get(table.layout.key);
            if (shared) table = { ...table, layout: shared };
            else g.layouts.set(table.layout.key, table.layout);
          }
          return { item: { decision_id: hit.decision_id, seq: Number(hit.seq), output: hit.output, table, hasTotal: hit.total !== null && hit.total !== undefined }, cost: 1 + (table?.cube.length ?? 0) };
        },
      );
    },
    totals(q) {
      const key = JSON.stringify(['n', q.project, q.dataset]);
      return refresh<ReleasedTotal, HistoryTotal>(
        key,
        (afterSeq) => source.releasedTotals({ project: q.project, dataset: q.dataset, afterSeq }),
        (t) => ({ item: { decision_id: t.decision_id, seq: Number(t.seq), output: t.output, total: Number(t.total) }, cost: 1 }),
      );
    },
  };
}

const indexes = new WeakMap<DifferencingHistory, HistoryIndex>();

/**
 * The one index of a history source (created on first use and kept as long as the source),
 * so every request the source serves shares it.
 *
 * @example await historyIndexFor(store).totals({ project: 'p1', dataset: 'cohort' })
 */
export function historyIndexFor(source: DifferencingHistory): HistoryIndex {
  let index = indexes.get(source);
  if (!index) {
    index = historyIndex(source);
    indexes.set(source, index);
  }
  return index;
}
