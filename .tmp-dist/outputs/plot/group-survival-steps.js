/**
 * Grouped time intervals for a Kaplan-Meier series that pass `survival_step` and
 * `min_count`: consecutive steps are grouped until at least `threshold` leave the risk set in
 * each interval (a life-table view), then the curve stops before the first interval with
 * fewer than `threshold` at risk. Grouping keeps the series consistent, since each group's
 * at_risk is its first step's and its leavers are the sum of its steps'.
 *
 * @example
 * groupSurvivalSteps([{ time: 1, atRisk: 40, events: 3, censored: 2 }, { time: 2, atRisk: 35, events: 4, censored: 3 }, …], 10)
 */
import { groupAdjacent } from './group-adjacent.js';
/** The grouped steps, or null when no interval can be reported safely. */
export function groupSurvivalSteps(steps, threshold) {
    const groups = groupAdjacent(steps.map((s) => s.events + s.censored), Math.max(threshold, 1));
    if (!groups)
        return null;
    const grouped = groups.map(([s, e]) => {
        const part = steps.slice(s, e);
        return {
            time: steps[s].time,
            atRisk: steps[s].atRisk,
            events: part.reduce((a, x) => a + x.events, 0),
            censored: part.reduce((a, x) => a + x.censored, 0),
        };
    });
    const kept = grouped.filter((g) => g.atRisk >= threshold);
    return kept.length ? kept : null;
}
//# sourceMappingURL=group-survival-steps.js.map