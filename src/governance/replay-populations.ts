/**
 * What a change of populations (or of `differencing_scope`, `threshold`) would have changed in
 * differencing (`airlock rules diff --replay`): every output in the differencing history
 * (released, or awaiting review when recorded) is compared again, in label mode, with the
 * outputs recorded before it, grouped into populations by the old rules and by the new. The
 * report lists the outputs whose differencing would fail under one and not the other, naming
 * the earlier outputs concerned.
 *
 * Label mode only: unit-mode comparisons need the unit key and are not replayed (their
 * populations do not change what they compare: units are compared across the namespace).
 * Outputs rejected when recorded never entered the history, so a change that would have let
 * one through is not seen here.
 *
 * @example
 * const changes = replayPopulations(entries, loadRuleset('rules'), loadRuleset('candidate'));
 */
import type { HistoryEntryRow } from '../audit/audit-store.js';
import { compareLabelForms } from '../checks/differencing/label-mode.js';
import type { LabelForm } from '../history/label-form.js';
import { parseLabelForms } from '../history/label-form.js';
import { at } from '../lib/invariant.js';
import type { Ruleset } from '../rules/load-ruleset.js';

/** One output whose differencing outcome the candidate rules would change. */
export interface PopulationChange {
  decision_id: string;
  seq: number;
  output: string;
  dataset: string;
  /** Its population under the old and the new rules. */
  before: { population: string; fails: boolean; with: string[] };
  after: { population: string; fails: boolean; with: string[] };
}

interface Entry {
  row: HistoryEntryRow;
  forms: LabelForm[];
}

function populationOf(rs: Ruleset, e: HistoryEntryRow): { key: string; scope: string | null; threshold: number } {
  const rules = rs.resolve(e.project);
  const p = rules.populations.resolve(e.dataset);
  const key = p.status === 'ambiguous' ? `ambiguous:${p.populations.join('+')}` : p.key;
  return { key, scope: rules.params.differencing_scope === 'project' ? e.project : null, threshold: rules.params.threshold };
}

/** The earlier outputs a recorded output differences under a rule set (names as `output (decision)`). */
function failing(rs: Ruleset, e: Entry, earlier: readonly Entry[]): { population: string; with: string[] } {
  const mine = populationOf(rs, e.row);
  const hits: string[] = [];
  for (const o of earlier) {
    if (o.row.decision_id === e.row.decision_id) continue;
    const theirs = populationOf(rs, o.row);
    if (theirs.key !== mine.key || (mine.scope !== null && o.row.project !== mine.scope)) continue;
    const differs = e.forms.some((a) => o.forms.some((b) => compareLabelForms(a, b, mine.threshold).length > 0));
    if (differs) hits.push(`${o.row.output} (${o.row.decision_id})`);
  }
  return { population: mine.key, with: hits };
}

/**
 * The outputs whose differencing the candidate would change (see the module comment), from
 * the history entries in seq order.
 *
 * @example replayPopulations(rows, before, after).map((c) => c.output)
 */
export function replayPopulations(rows: readonly HistoryEntryRow[], before: Ruleset, after: Ruleset): PopulationChange[] {
  const entries: Entry[] = rows.map((row) => ({ row, forms: parseLabelForms(row.form) }));
  const out: PopulationChange[] = [];
  entries.forEach((e, i) => {
    const earlier = entries.slice(0, i).filter((o) => o.row.seq < e.row.seq);
    const b = failing(before, e, earlier);
    const a = failing(after, e, earlier);
    if ((b.with.length > 0) !== (a.with.length > 0)) {
      out.push({
        decision_id: e.row.decision_id,
        seq: e.row.seq,
        output: e.row.output,
        dataset: e.row.dataset,
        before: { population: b.population, fails: b.with.length > 0, with: b.with },
        after: { population: a.population, fails: a.with.length > 0, with: a.with },
      });
    }
  });
  return out;
}

/**
 * Every history entry of a store, in seq order, a page at a time.
 *
 * @example await allHistoryEntries(store)
 */
export async function allHistoryEntries(store: { historyEntries(q: { afterSeq: number; limit: number }): Promise<HistoryEntryRow[]> }): Promise<HistoryEntryRow[]> {
  const out: HistoryEntryRow[] = [];
  let after = 0;
  for (;;) {
    const page = await store.historyEntries({ afterSeq: after, limit: 5000 });
    // A page may end inside a record: keep only whole records, and read the rest again.
    const last = page[page.length - 1]?.seq;
    const whole = page.length === 5000 && page[0]?.seq !== last ? page.filter((r) => r.seq !== last) : page;
    out.push(...whole);
    if (page.length < 5000) return out;
    after = at(whole, whole.length - 1).seq;
  }
}
