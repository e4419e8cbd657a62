import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditStore, ReleasedTableHit, ReleasedTotal } from '../../src/audit/audit-store.js';
import Database from 'better-sqlite3';
import { SQLITE_FILE, openSqliteStore, sqliteReleasedTablesSql } from '../../src/audit/sqlite-store.js';
import type { DifferencingHistory } from '../../src/pipeline/history-index.js';
import { historyIndex, historyIndexFor } from '../../src/pipeline/history-index.js';
import type { SigningKey } from '../../src/signing/signing-keys.js';
import { sampleReleased, signedAppend, testSigningKey } from '../helpers/sample-decision.js';

let dir: string;
let store: AuditStore;
let key: SigningKey;
let next = 1;

/** Appends decision `next` releasing a by-sex table of `cohort` (F = 12 + n) and one by region. */
async function release(n: number, dataset = 'cohort'): Promise<number> {
  const i = next++;
  const byRegion = { output: 'by-region', dataset, dims: ['region'], statistic: 'frequency', cells: [{ labels: { region: 'N' }, count: 40, value: 40 }], total: 40 };
  await store.append(await signedAppend(key, i, { dataset }, { released: [sampleReleased(n, { dataset }), byRegion] }));
  return i;
}

/** The store, recording the `afterSeq` of every read. */
function spy(source: DifferencingHistory): DifferencingHistory & { after: (number | undefined)[] } {
  const after: (number | undefined)[] = [];
  return {
    after,
    releasedTables: (q) => (after.push(q.afterSeq), source.releasedTables(q)),
    releasedTotals: (q) => (after.push(q.afterSeq), source.releasedTotals(q)),
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'airlock-history-'));
  store = await openSqliteStore({ dataDir: dir });
  key = await testSigningKey();
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('historyIndex', () => {
  it('reads only what is new, and sees every later release', async () => {
    await release(0);
    await release(5);
    const source = spy(store);
    const index = historyIndex(source);
    const q = { project: 'p1', dataset: 'cohort', dims: ['sex'] };
    expect((await index.tables(q)).map((t) => [t.decision_id, t.table?.total])).toEqual([
      ['d-0001', 32],
      ['d-0002', 37],
    ]);
    await release(7);
    expect((await index.tables(q)).map((t) => t.decision_id)).toEqual(['d-0001', 'd-0002', 'd-0003']);
    expect(source.after).toEqual([0, 2]);
    expect((await index.totals({ project: 'p1', dataset: 'cohort' })).map((t) => [t.output, t.total])).toEqual([
      ['by-sex', 32],
      ['by-region', 40],
      ['by-sex', 37],
      ['by-region', 40],
      ['by-sex', 39],
      ['by-region', 40],
    ]);
  });

  it('keeps projects, datasets and dimension sets apart', async () => {
    await release(1, 'other');
    const index = historyIndex(store);
    expect(await index.tables({ project: 'p1', dataset: 'other', dims: ['sex'] })).toHaveLength(1);
    expect(await index.tables({ project: 'p1', dataset: 'other', dims: ['region'] })).toHaveLength(1);
    expect(await index.tables({ project: 'p1', dataset: 'other', dims: ['region', 'sex'] })).toEqual([]);
    expect(await index.tables({ project: 'p2', dataset: 'other', dims: ['sex'] })).toEqual([]);
  });

  it('shares one layout object among tables of the same categories', async () => {
    const [a, b] = await historyIndex(store).tables({ project: 'p1', dataset: 'cohort', dims: ['sex'] });
    expect(a!.table!.layout).toBe(b!.table!.layout);
  });

  it('adds no duplicates when the source ignores afterSeq, or when lookups overlap', async () => {
    const ignoring: DifferencingHistory = {
      releasedTables: (q) => store.releasedTables({ ...q, afterSeq: undefined }),
      releasedTotals: (q) => store.releasedTotals({ ...q, afterSeq: undefined }),
    };
    const index = historyIndex(ignoring);
    const q = { project: 'p1', dataset: 'cohort', dims: ['sex'] };
    const [x, y] = await Promise.all([index.tables(q), index.tables(q)]);
    expect(x.map((t) => t.seq)).toEqual([1, 2, 3]);
    expect(y.map((t) => t.seq)).toEqual([1, 2, 3]);
    expect((await index.tables(q)).map((t) => t.seq)).toEqual([1, 2, 3]);
  });

  it('evicts least recently used groups beyond its bound, and reads them again in full', async () => {
    const source = spy(store);
    // Each by-sex table keeps 3 cube positions + 1; three of them exceed 8.
    const index = historyIndex(source, { maxPositions: 8 });
    const cohort = { project: 'p1', dataset: 'cohort', dims: ['sex'] };
    const other = { project: 'p1', dataset: 'other', dims: ['sex'] };
    expect(await index.tables(cohort)).toHaveLength(3);
    expect(await index.tables(other)).toHaveLength(1);
    expect(await index.tables(cohort)).toHaveLength(3);
    expect(source.after).toEqual([0, 0, 0]);
  });

  it('a failed read changes nothing: the next lookup reads the same again', async () => {
    let failing = true;
    const hits: ReleasedTableHit[] = await store.releasedTables({ project: 'p1', dataset: 'cohort', dims: ['sex'] });
    const flaky: DifferencingHistory = {
      releasedTables: async (q) => {
        if (failing) throw new Error('ECONNRESET');
        return hits.filter((h) => h.seq > (q.afterSeq ?? 0));
      },
      releasedTotals: async (): Promise<ReleasedTotal[]> => [],
    };
    const index = historyIndex(flaky);
    const q = { project: 'p1', dataset: 'cohort', dims: ['sex'] };
    await expect(index.tables(q)).rejects.toThrow('ECONNRESET');
    failing = false;
    expect(await index.tables(q)).toHaveLength(3);
  });

  it('reads what is new through the released_lookup index', () => {
    const raw = new Database(join(dir, SQLITE_FILE), { readonly: true });
    try {
      const plan = raw.prepare(`EXPLAIN QUERY PLAN ${sqliteReleasedTablesSql(true)}`).all('cohort', '["sex"]', 'p1', 2) as { detail: string }[];
      expect(plan.map((p) => p.detail).join('\n')).toMatch(/SEARCH r USING INDEX released_lookup \(dataset=\? AND dims=\? AND seq>\?\)/);
    } finally {
      raw.close();
    }
  });

  it('gives one index per source', () => {
    expect(historyIndexFor(store)).toBe(historyIndexFor(store));
  });
});
