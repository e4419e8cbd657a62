/**
 * Grouped time intervals for a Kaplan-Meier series that pass `survival_step` and
 * `min_count`: consecutive steps are grouped until each interval holds at least `threshold`
 * events (a life-table view: each drop of the curve then counts at least `threshold`
 * people, and so does the number leaving the risk set, which includes them), then the curve
 * stops before the first interval with fewer than `threshold` at risk. Grouping keeps the
 * series consistent, since each group's at_risk is its first step's and its events and
 * censored are the sums of its steps'.
 *
 * @example
 * groupSurvivalSteps([{ time: 1, atRisk: 40, events: 3, censored: 2 }, { time: 2, atRisk: 35, events: 8, censored: 3 }, …], 10)
 */
import { at } from '../../lib/invariant.js';
import { groupAdjacent } from './group-adjacent.js';
import type { SurvivalStep } from './plot-output.js';

/** The grouped steps, or null when no interval can be reported safely. */
export function groupSurvivalSteps(steps: readonly SurvivalStep[], threshold: number): SurvivalStep[] | null {
  const groups = groupAdjacent(
    steps.map((s) => s.events),
    Math.max(threshold, 1),
  );
  if (!groups) return null;
  const grouped = groups.map(([s, e]) => {
    const part = steps.slice(s, e);
    const first = at(part, 0);
    return {
      time: first.time,
      atRisk: first.atRisk,
      events: part.reduce((a, x) => a + x.events, 0),
      censored: part.reduce((a, x) => a + x.censored, 0),
    };
  });
  const kept = grouped.filter((g) => g.atRisk >= threshold);
  return kept.length ? kept : null;
}
