/**
 * The differencing history, as differencing reads it: every output that entered the history
 * (released, or awaiting review) with its label form, kept in memory and read incrementally
 * from the store, so a check against thousands of earlier outputs costs one indexed query for
 * what is new plus comparisons in memory. Unit forms stay on disk (encrypted) and are read per
 * comparison (`units`).
 *
 * What is returned for a population is decided at read time by the rules in force: an entry
 * belongs to the population its dataset name resolves to *now* (a dataset governance adds to
 * a population later brings its earlier releases with it). An entry awaiting review counts
 * until its review is settled: a `final` record drops it, and when the review released the
 * output, the final record's own entry (status `released`) takes its place.
 *
 * Sound because the store is append-only and appends are serialised: rows of a record become
 * visible together and in seq order, so "everything after the last seq seen" is complete.
 *
 * @example
 * const index = historyIndexFor(store);
 * const earlier = await index.population({ key: 'p:cohort', populations, project: null });
 */
import type { HistoryEntryRow, UnitCoverageRow } from '../audit/audit-store.js';
import type { PopulationIndex } from '../rules/populations.js';
import type { LabelForm } from './label-form.js';
import { parseLabelFormsSliced } from './label-form.js';
import { at } from '../lib/invariant.js';

/** What differencing reads from the audit store (an `AuditStore` is one). */
export interface DifferencingHistory {
  historyEntries(q: { afterSeq: number; limit: number }): Promise<HistoryEntryRow[]>;
  settledReviews(q: { afterSeq: number }): Promise<{ seq: number; decision_id: string }[]>;
  historyUnits(keys: readonly { seq: number; idx: number }[]): Promise<{ seq: number; idx: number; units: Uint8Array }[]>;
  unitIds(namespace: string, digests: readonly Uint8Array[]): Promise<{ ids: Map<string, number>; maxId: number }>;
  /** Saved coverage snapshots (an `AuditStore` has them); without them a cold start folds every released form. */
  unitCoverage?(namespace: string): Promise<UnitCoverageRow[]>;
  saveUnitCoverage?(row: UnitCoverageRow): Promise<void>;
  /**
   * Runs `fn` exclusively for this key across every instance sharing the store (PostgreSQL);
   * absent for an embedded store, which has one writer process.
   */
  exclusive?<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** An earlier output, as differencing compares with it. */
export interface HistoryOutput {
  seq: number;
  idx: number;
  decision_id: string;
  output: string;
  kind: string;
  status: 'released' | 'pending';
  dataset: string;
  namespace: string;
  project: string;
  /** Its label forms (one per summary statistic; one for a table or plot). */
  forms: LabelForm[];
  hasUnits: boolean;
  /** The encrypted sketch of its unit form (opened and decoded by unit mode, which caches it). */
  sketch: Uint8Array | null;
}

export interface HistoryIndex {
  /** Reads what is new in the store (entries and settled reviews). */
  refresh(): Promise<void>;
  /** The outputs of population `key` (by the current `populations`), of `project` only when given; oldest first. */
  population(q: { key: string; populations: PopulationIndex; project: string | null }): HistoryOutput[];
  /** The outputs with a unit form in a namespace, oldest first. */
  namespace(ns: string): HistoryOutput[];
  /**
   * Makes outputs a request is about to record count as history at once, before their record
   * is committed: requests differenced meanwhile compare with them, so the request may let go
   * of the differencing lock while it signs and records (`src/pipeline/make-decision.ts`). The
   * returned function withdraws them — after the commit (the committed entries have taken
   * their place: a reserved output is never returned beside its own committed entry) or when
   * the record failed (then nothing was released, and a request compared with them meanwhile
   * was only held to more than it needed). Only outputs without unit forms can be reserved:
   * unit mode reads unit forms from the store. Their forms must be those the store will read
   * back (`storedLabelForms`): the index keeps them for the committed entry.
   */
  reserve(outputs: readonly ReservedOutput[]): () => void;
}

/** A history output not yet recorded: no seq, no unit form. */
export type ReservedOutput = Omit<HistoryOutput, 'seq' | 'hasUnits' | 'sketch'>;

/** How many entries one refresh query reads at a time. */
const PAGE = 5000;

/**
 * A new index over a history source (see the module comment).
 *
 * @example const index = historyIndex(store);
 */
export function historyIndex(source: DifferencingHistory): HistoryIndex {
  const outputs: HistoryOutput[] = [];
  /** Decisions whose review is settled: their pending entries no longer count. */
  const settled = new Set<string>();
  /** Outputs reserved by requests still recording them (see `reserve`), and the decisions committed so far. */
  const reserved = new Set<HistoryOutput>();
  const committed = new Set<string>();
  let lastSeq = 0;
  let lastSettledSeq = 0;
  let tail: Promise<void> = Promise.resolve();

  const read = async (): Promise<void> => {
    for (;;) {
      const rows = await source.historyEntries({ afterSeq: lastSeq, limit: PAGE });
      // Forms read back in slices (a large release's take hundreds of ms), the page then added at once.
      const page: HistoryOutput[] = [];
      for (const r of rows) {
        page.push({
          seq: r.seq,
          idx: r.idx,
          decision_id: r.decision_id,
          output: r.output,
          kind: r.kind,
          status: r.status,
          dataset: r.dataset,
          namespace: r.namespace,
          project: r.project,
          forms: reservedForms(r.decision_id, r.idx) ?? (await parseLabelFormsSliced(r.form)),
          hasUnits: r.has_units,
          sketch: r.sketch,
        });
      }
      const last = rows.length > 0 ? at(rows, rows.length - 1).seq : null;
      // A page may end inside a record: that record's rows are read again with the next page, and
      // only whole records are added — a record counted committed must be in `outputs` whole, or a
      // reservation it hides would vanish while the next page is read.
      const straddles = rows.length === PAGE && last !== null && at(rows, 0).seq !== last;
      for (const o of page) {
        if (straddles && o.seq === last) continue;
        committed.add(o.decision_id);
        outputs.push(o);
      }
      if (last !== null) lastSeq = straddles ? last - 1 : last;
      if (straddles) continue;
      if (rows.length < PAGE) break;
    }
    for (const s of await source.settledReviews({ afterSeq: lastSettledSeq })) {
      settled.add(s.decision_id);
      lastSettledSeq = Math.max(lastSettledSeq, s.seq);
    }
  };

  /**
   * The forms a reservation holds for a committed entry: made by this process as the store reads
   * them back (`storedLabelForms`), so taken instead of parsing the entry again.
   */
  const reservedForms = (decisionId: string, idx: number): LabelForm[] | undefined => {
    for (const o of reserved) if (o.decision_id === decisionId && o.idx === idx) return o.forms;
    return undefined;
  };

  const live = (o: HistoryOutput) => o.status === 'released' || !settled.has(o.decision_id);

  return {
    refresh() {
      const run = tail.then(read);
      tail = run.catch(() => undefined);
      return run;
    },
    population({ key, populations, project }) {
      const of = (o: HistoryOutput) => (project === null || o.project === project) && populations.contains(key, o.dataset);
      const found = outputs.filter((o) => live(o) && of(o));
      for (const o of reserved) if (!committed.has(o.decision_id) && of(o)) found.push(o);
      return found;
    },
    namespace(ns) {
      return outputs.filter((o) => live(o) && o.hasUnits && o.namespace === ns);
    },
    reserve(given) {
      const entries = given.map((o): HistoryOutput => ({ ...o, seq: Number.MAX_SAFE_INTEGER, hasUnits: false, sketch: null }));
      for (const e of entries) reserved.add(e);
      return () => {
        for (const e of entries) reserved.delete(e);
      };
    },
  };
}

const indexes = new WeakMap<DifferencingHistory, HistoryIndex>();

/**
 * The one index of a history source (created on first use and kept as long as the source),
 * so every request the source serves shares it.
 *
 * @example await historyIndexFor(store).refresh()
 */
export function historyIndexFor(source: DifferencingHistory): HistoryIndex {
  let index = indexes.get(source);
  if (!index) {
    index = historyIndex(source);
    indexes.set(source, index);
  }
  return index;
}
