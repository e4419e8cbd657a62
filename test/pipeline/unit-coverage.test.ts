/**
 * Coverage snapshots (`unit-coverage.ts`): a restarted process starts from the saved units of
 * each dataset and opens only what was recorded after, on a real SQLite file and a real
 * PostgreSQL schema. The attacks: an altered snapshot, or one sealed under another key, must not
 * be believed (the dataset is folded from the start instead); an older snapshot never replaces
 * a newer one; a pending entry never counts as released.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import roaring from 'roaring';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AuditStore } from '../../src/audit/audit-store.js';
import { openPostgresStore } from '../../src/audit/postgres-store.js';
import { SQLITE_FILE, openSqliteStore } from '../../src/audit/sqlite-store.js';
import type { HistoryOutput } from '../../src/history/history-index.js';
import { unitKeysOf } from '../../src/history/unit-keys.js';
import { SAVE_EVERY, UnitCoverage } from '../../src/pipeline/unit-coverage.js';
import { PG_URL, dropSchema, uniqueSchema } from '../helpers/pg-schema.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const { RoaringBitmap32 } = roaring;
const tmp = tempDirs('airlock-coverage-');
const keys = unitKeysOf(randomBytes(32), 'test');
const stores: AuditStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** History entry `seq` of `dataset`; its units (by `unitsOf`) are {seq, seq + 1000}. */
const entry = (seq: number, dataset = 'cohort', status: 'released' | 'pending' = 'released'): HistoryOutput => ({
  seq,
  idx: 0,
  decision_id: `d-${seq}`,
  output: 't',
  kind: 'table',
  status,
  dataset,
  namespace: 'default',
  project: 'p1',
  forms: [],
  hasUnits: true,
  sketch: null,
});
const unitsOf = (h: HistoryOutput) => RoaringBitmap32.from([h.seq, h.seq + 1000]);

/** A folding function that records what it opened. */
function folder() {
  const opened: number[] = [];
  return { opened, fold: async (h: HistoryOutput) => (opened.push(h.seq), unitsOf(h)) };
}

const everything = () => true;

describe('coverage snapshots on SQLite', () => {
  it('a restart opens only the entries after the saved snapshot, and gets the same units', async () => {
    const dataDir = tmp();
    const store = await openSqliteStore({ dataDir });
    stores.push(store);
    const history = Array.from({ length: SAVE_EVERY + 6 }, (_, i) => entry(i + 1));
    const first = new UnitCoverage('default');
    const f1 = folder();
    await first.update(history, everything, { history: store, keys, fold: f1.fold });
    expect(f1.opened).toHaveLength(history.length);
    const saved = await store.unitCoverage('default');
    expect(saved.map((r) => [r.dataset, r.upto_seq])).toEqual([['cohort', history.length]]);
    // Sealed: the unit ids are not in the stored bytes as a plain bitmap.
    expect(Buffer.from(saved[0]!.units).includes(Buffer.from(first.population(everything)!.serialize('portable')))).toBe(false);

    // "Restart": a new instance on the same store, two more entries recorded meanwhile.
    const later = [...history, entry(history.length + 1), entry(history.length + 2, 'cohort', 'pending')];
    const second = new UnitCoverage('default');
    const f2 = folder();
    await second.update(later, everything, { history: store, keys, fold: f2.fold });
    expect(f2.opened).toEqual([history.length + 1]); // the pending entry is not released
    const want = RoaringBitmap32.orMany(later.filter((h) => h.status === 'released').map(unitsOf));
    expect(second.population(everything)!.isEqual(want)).toBe(true);
  });

  it('an altered snapshot, or one sealed under another key, is not believed: the dataset is folded again', async () => {
    const dataDir = tmp();
    const store = await openSqliteStore({ dataDir });
    stores.push(store);
    const history = Array.from({ length: SAVE_EVERY }, (_, i) => entry(i + 1));
    await new UnitCoverage('default').update(history, everything, { history: store, keys, fold: folder().fold });
    // Another key's snapshot for the same rows: ignored.
    const other = folder();
    const foreign = new UnitCoverage('default');
    await foreign.update(history, everything, { history: store, keys: unitKeysOf(randomBytes(32), 'other'), fold: other.fold });
    expect(other.opened).toHaveLength(history.length);
    // A byte flipped in the stored snapshot: ignored.
    const db = new Database(join(dataDir, SQLITE_FILE));
    try {
      const row = db.prepare('SELECT units FROM unit_coverage').get() as { units: Buffer };
      row.units[row.units.length - 20]! ^= 1;
      db.prepare('UPDATE unit_coverage SET units = ?').run(row.units);
    } finally {
      db.close();
    }
    const again = folder();
    const fresh = new UnitCoverage('default');
    await fresh.update(history, everything, { history: store, keys, fold: again.fold });
    expect(again.opened).toHaveLength(history.length);
    expect(fresh.population(everything)!.isEqual(RoaringBitmap32.orMany(history.map(unitsOf)))).toBe(true);
  });

  it("folds only the population's datasets, and another population's later request still gets all of its own", async () => {
    const store = await openSqliteStore({ dataDir: tmp() });
    stores.push(store);
    const history = [entry(1, 'cohort'), entry(2, 'registry'), entry(3, 'cohort'), entry(4, 'registry')];
    const cov = new UnitCoverage('default');
    const f = folder();
    await cov.update(history, (d) => d === 'cohort', { history: store, keys, fold: f.fold });
    expect(f.opened).toEqual([1, 3]);
    await cov.update(history, (d) => d === 'registry', { history: store, keys, fold: f.fold });
    expect(f.opened).toEqual([1, 3, 2, 4]);
    expect(cov.population((d) => d === 'registry')!.toArray()).toEqual([2, 4, 1002, 1004]);
    expect(cov.population((d) => d === 'nobody')).toBeNull();
  });
});

describe('coverage snapshots on PostgreSQL', () => {
  const schema = uniqueSchema('coverage');
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('saves, reads back, and never lets an older snapshot replace a newer one', async () => {
    const store = await openPostgresStore({ connectionString: PG_URL, schema });
    stores.push(store);
    await store.saveUnitCoverage({ namespace: 'default', dataset: 'cohort', upto_seq: 10, units: Buffer.from('ten') });
    await store.saveUnitCoverage({ namespace: 'default', dataset: 'cohort', upto_seq: 20, units: Buffer.from('twenty') });
    await store.saveUnitCoverage({ namespace: 'default', dataset: 'cohort', upto_seq: 15, units: Buffer.from('fifteen') });
    await store.saveUnitCoverage({ namespace: 'registry', dataset: 'cohort', upto_seq: 5, units: Buffer.from('other') });
    const rows = await store.unitCoverage('default');
    expect(rows.map((r) => [r.dataset, r.upto_seq, Buffer.from(r.units).toString()])).toEqual([['cohort', 20, 'twenty']]);
    // And through the coverage itself: a restart from PostgreSQL opens only what follows.
    const history = Array.from({ length: SAVE_EVERY + 1 }, (_, i) => entry(i + 1, 'ds'));
    await new UnitCoverage('default').update(history, everything, { history: store, keys, fold: folder().fold });
    const f = folder();
    const restarted = new UnitCoverage('default');
    await restarted.update([...history, entry(SAVE_EVERY + 2, 'ds')], everything, { history: store, keys, fold: f.fold });
    expect(f.opened).toEqual([SAVE_EVERY + 2]);
    expect(restarted.population((d) => d === 'ds')!.size).toBe(2 * (SAVE_EVERY + 2));
  });
});
