/**
 * The history index's reservations (`HistoryIndex.reserve`): outputs a request is recording
 * count as history at once, never twice once committed, and not at all once withdrawn.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEntryRow } from '../../src/audit/audit-store.js';
import type { DifferencingHistory, ReservedOutput } from '../../src/history/history-index.js';
import { historyIndex } from '../../src/history/history-index.js';
import type { PopulationIndex } from '../../src/rules/populations.js';

const everyone = { contains: () => true } as unknown as PopulationIndex;
const form = [{ output: 't', kind: 'table', dims: ['sex'], constants: {}, measure: null, nested: false, cells: [{ labels: { sex: 'F' }, size: 1, count: 40, sum: null }] }];

/** A store whose committed entries the test appends to. */
function source(rows: HistoryEntryRow[]): DifferencingHistory {
  return {
    historyEntries: async ({ afterSeq, limit }) => rows.filter((r) => r.seq > afterSeq).slice(0, limit),
    settledReviews: async () => [],
    historyUnits: async () => [],
    unitIds: async () => ({ ids: new Map(), maxId: 0 }),
  };
}

const place = { output: 't', kind: 'table', status: 'released' as const, dataset: 'cohort', namespace: 'default', project: 'p1' };
const reservation = (decision_id: string): ReservedOutput => ({ ...place, idx: 0, decision_id, forms: form as ReservedOutput['forms'] });
const row = (seq: number, decision_id: string): HistoryEntryRow => ({ ...place, population: 'cohort', seq, idx: 0, decision_id, form: JSON.stringify(form), has_units: false, sketch: null });

describe('HistoryIndex.reserve', () => {
  const read = (index: ReturnType<typeof historyIndex>) => index.population({ key: 'cohort', populations: everyone, project: null }).map((o) => [o.decision_id, o.seq]);

  it('a reserved output counts at once; once its record is read it counts once, as committed; withdrawn, it is gone', async () => {
    const rows: HistoryEntryRow[] = [row(1, 'd-1')];
    const index = historyIndex(source(rows));
    await index.refresh();
    const withdraw = index.reserve([reservation('d-2')]);
    expect(read(index)).toEqual([['d-1', 1], ['d-2', Number.MAX_SAFE_INTEGER]]);
    // Committed: the refresh reads it, and the reservation no longer shows beside it.
    rows.push(row(2, 'd-2'));
    await index.refresh();
    expect(read(index)).toEqual([['d-1', 1], ['d-2', 2]]);
    withdraw();
    expect(read(index)).toEqual([['d-1', 1], ['d-2', 2]]);
  });

  it('a reservation withdrawn without a record (the record failed) leaves nothing behind', async () => {
    const index = historyIndex(source([]));
    const withdraw = index.reserve([reservation('d-9')]);
    expect(read(index)).toEqual([['d-9', Number.MAX_SAFE_INTEGER]]);
    withdraw();
    await index.refresh();
    expect(read(index)).toEqual([]);
  });

  it('respects the population and project scope like committed entries', async () => {
    const index = historyIndex(source([]));
    index.reserve([reservation('d-3')]);
    expect(index.population({ key: 'cohort', populations: everyone, project: 'p2' })).toEqual([]);
    expect(index.population({ key: 'cohort', populations: { contains: () => false } as unknown as PopulationIndex, project: null })).toEqual([]);
    expect(index.namespace('default')).toEqual([]);
  });
  it('a reserved output committed across a page boundary stays visible while the refresh reads its record again', async () => {
    const rows: HistoryEntryRow[] = [];
    let calls = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let waiting!: () => void;
    const atGate = new Promise<void>((resolve) => (waiting = resolve));
    const src: DifferencingHistory = {
      ...source(rows),
      historyEntries: async ({ afterSeq, limit }) => {
        calls++;
        if (calls === 3) {
          waiting();
          await gate;
        }
        return rows.filter((r) => r.seq > afterSeq).slice(0, limit);
      },
    };
    const index = historyIndex(src);
    await index.refresh();
    const withdraw = index.reserve([0, 1].map((idx) => ({ ...reservation('X'), idx })));
    // 4,999 records of another dataset, then X's two entries: the first page (5,000 rows) ends inside X's record.
    for (let s = 1; s <= 4999; s++) rows.push({ ...row(s, `o-${s}`), dataset: 'other' });
    rows.push(row(5000, 'X'), { ...row(5000, 'X'), idx: 1 });
    const cohortOnly = { contains: (_k: string, d: string) => d === 'cohort' } as unknown as PopulationIndex;
    const seen = () => index.population({ key: 'cohort', populations: cohortOnly, project: null }).filter((o) => o.decision_id === 'X').length;
    expect(seen()).toBe(2);
    const refreshing = index.refresh();
    await atGate;
    expect(seen()).toBe(2);
    open();
    await refreshing;
    withdraw();
    expect(seen()).toBe(2);
  });
});
