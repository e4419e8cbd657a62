/**
 * The units each dataset has released in a namespace, for the coverage rule (sdc-rules.md
 * "Unit mode": fewer than half of an output's units among its population's released units →
 * review). A population's released units are the union over its datasets (by the rules in
 * force), so they are kept per dataset:
 * - in memory, each released history entry folded in once, in seq order, so `upto` (every
 *   released entry of the namespace up to that seq is in) only moves forward;
 * - in the store, as sealed snapshots (`unit_coverage`: derived data outside the chain), saved
 *   every `SAVE_EVERY` folded entries, so a restarted process — or another replica — starts
 *   from the latest snapshot and opens only the entries recorded after it, instead of every
 *   unit form of the history.
 * A snapshot that cannot be opened (altered, or sealed under another unit key) is ignored and
 * the dataset is folded from the start: it can only cost time, never coverage.
 *
 * @example
 * const cov = new UnitCoverage('default');
 * await cov.update(earlier, (dataset) => populations.contains(key, dataset), { history, keys, fold });
 * cov.population((dataset) => populations.contains(key, dataset))?.andCardinality(mine);
 */
import roaring from 'roaring';
import type { DifferencingHistory, HistoryOutput } from '../history/history-index.js';
import type { UnitKeys } from '../history/unit-keys.js';
import { open, seal } from '../history/unit-keys.js';
import { fromStore } from './from-store.js';
import { at } from '../lib/invariant.js';

const { RoaringBitmap32 } = roaring;
type Bitmap = InstanceType<typeof RoaringBitmap32>;

/** Entries folded into a dataset's units between two saved snapshots. */
export const SAVE_EVERY = 64;

interface DatasetUnits {
  bitmap: Bitmap;
  /** Every released entry of the namespace with seq ≤ upto is in `bitmap`. */
  upto: number;
  /** Entries folded since the last snapshot saved (or loaded). */
  since: number;
}

/** The sealing context of a snapshot: a snapshot cannot be moved to another dataset or seq. */
function context(dataset: string, upto: number): string {
  return `coverage\u0000${dataset}\u0000${upto}`;
}

/** The released units of one namespace's datasets (see the module comment). */
export class UnitCoverage {
  private readonly datasets = new Map<string, DatasetUnits>();
  private loaded = false;

  constructor(readonly namespace: string) {}

  /**
   * Folds in the released entries of `earlier` (the namespace's history, oldest first) of the
   * datasets `contains` accepts (a population: others are left for their own requests) not
   * yet in, after loading the saved snapshots on first use; saves the datasets that grew by
   * `SAVE_EVERY` entries. `fold` gives an entry's units (null: it has none).
   */
  async update(
    earlier: readonly HistoryOutput[],
    contains: (dataset: string) => boolean,
    deps: { history: DifferencingHistory | null; keys: UnitKeys; fold: (h: HistoryOutput) => Promise<Bitmap | null> },
  ): Promise<void> {
    const { history, keys } = deps;
    // Optional in a store: one without them keeps no snapshots (every process folds from the start).
    const savedCoverage = history?.unitCoverage?.bind(history);
    const saveCoverage = history?.saveUnitCoverage?.bind(history);
    if (!this.loaded) {
      for (const row of savedCoverage ? await fromStore(() => savedCoverage(this.namespace)) : []) {
        try {
          const bitmap = RoaringBitmap32.deserialize(open(keys, this.namespace, row.units, context(row.dataset, row.upto_seq)), 'portable');
          this.datasets.set(row.dataset, { bitmap, upto: row.upto_seq, since: 0 });
        } catch {
          // Not ours to trust: the dataset is folded from its first entry instead.
        }
      }
      this.loaded = true;
    }
    if (earlier.length === 0) return;
    for (const h of earlier) {
      if (h.status !== 'released' || !contains(h.dataset)) continue;
      let d = this.datasets.get(h.dataset);
      if (!d) this.datasets.set(h.dataset, (d = { bitmap: new RoaringBitmap32(), upto: 0, since: 0 }));
      if (h.seq <= d.upto) continue;
      const units = await deps.fold(h);
      if (units) d.bitmap.orInPlace(units);
      d.since++;
    }
    // Only now (every entry up to the last seen is in) may `upto` move: a failed read above leaves it, and folding again is harmless.
    const last = at(earlier, earlier.length - 1).seq;
    for (const [dataset, d] of this.datasets) {
      if (!contains(dataset)) continue;
      d.upto = Math.max(d.upto, last);
      if (d.since >= SAVE_EVERY && saveCoverage) {
        const units = seal(keys, this.namespace, d.bitmap.serialize('portable'), context(dataset, d.upto));
        await fromStore(() => saveCoverage({ namespace: this.namespace, dataset, upto_seq: d.upto, units }));
        d.since = 0;
      }
    }
  }

  /**
   * The units released by the datasets `contains` accepts (a population), or null when none has.
   *
   * @example cov.population((d) => d === 'cohort')?.size
   */
  population(contains: (dataset: string) => boolean): Bitmap | null {
    const parts = [...this.datasets].filter(([dataset, d]) => d.bitmap.size > 0 && contains(dataset)).map(([, d]) => d.bitmap);
    if (parts.length === 0) return null;
    return parts.length === 1 ? at(parts, 0) : RoaringBitmap32.orMany(parts);
  }
}
