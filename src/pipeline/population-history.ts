/**
 * The published outputs of a population, for what else needs them (the linked-tables audit of
 * protected tables, issue 12): every table, plot and summary released or awaiting review in
 * the population of a dataset (by the rules in force, within the project when
 * `differencing_scope` is `project`), as label forms — normalised variables and labels, sizes,
 * contributors and sums (`src/history/label-form.ts`). Differencing a candidate output (a
 * protected version) against the request and the history is `differenceOutputs` with that
 * output among the request's evaluated outputs.
 *
 * @example
 * const { population, outputs } = await populationOutputs(store, { dataset: 'cohort', project: 'p1', rules });
 * outputs.filter((o) => o.kind === 'table').map((o) => o.forms[0].dims)
 */
import type { DifferencingHistory, HistoryOutput } from '../history/history-index.js';
import { historyIndexFor } from '../history/history-index.js';
import type { EffectiveRules } from '../rules/load-ruleset.js';
import type { PopulationRef } from '../rules/populations.js';
import { populationOf } from './difference-outputs.js';
import { fromStore } from './from-store.js';

/**
 * The population of `dataset` and its published outputs (oldest first); no population (and no
 * outputs) for a request without a dataset, or an ambiguous or (when required) undeclared one.
 *
 * @example await populationOutputs(store, { dataset: 'cohort-v2', project: 'p1', rules })
 */
export async function populationOutputs(history: DifferencingHistory, q: { dataset: string | null; project: string; rules: EffectiveRules }): Promise<{ population: PopulationRef | null; outputs: HistoryOutput[] }> {
  const { population } = populationOf(q.dataset, q.rules);
  if (!population) return { population: null, outputs: [] };
  const index = historyIndexFor(history);
  await fromStore(() => index.refresh());
  return { population, outputs: index.population({ key: population.key, populations: q.rules.populations, project: q.rules.params.differencing_scope === 'project' ? q.project : null }) };
}
