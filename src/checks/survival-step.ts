/**
 * `survival_step` on Kaplan-Meier curves (sdc-rules.md v2). Each drop of the curve is a
 * count of events, so a reported time with 1 to threshold − 1 **events** fails whatever the
 * censoring around it (1 event among 9 censored is still one person's event: censoring
 * does not dilute it). And the number leaving the risk set between two reported times
 * (events + censored) must be 0 or at least `threshold`: 1 to threshold − 1 lets anyone who
 * knows some of the group tell who left. The remedy groups steps until each has at least
 * `threshold` events (the protected version of the plot).
 *
 * @example survivalStep.run({ type: 'kaplan_meier', steps: [{ time: 1, atRisk: 30, events: 1, censored: 9 }], units: null }, DEFAULT_PARAMETERS, ctx)[0].status // 'fail'
 */
import type { PlotOutput, SurvivalStep } from '../outputs/plot/plot-output.js';
import { itemRef } from '../outputs/plot/plot-output.js';
import { flagEach, itemCheck } from './item-check.js';
import { plotCountRemedy } from './plot-count-remedy.js';
import { countOf } from './threshold-reasons.js';

/** Why a step fails, or null. */
export function stepReason(s: SurvivalStep, threshold: number): string | null {
  const reasons: string[] = [];
  if (s.events > 0 && s.events < threshold) reasons.push(`events ${s.events} < threshold ${threshold}: the drop of the curve counts fewer than ${threshold} people (censoring does not dilute it)`);
  const left = s.events + s.censored;
  if (left > 0 && left < threshold) reasons.push(`${left} left the risk set (events ${s.events} + censored ${s.censored}) < threshold ${threshold}`);
  return reasons.length ? reasons.join('; ') : null;
}

export const survivalStep = itemCheck<PlotOutput>({
  id: 'survival_step',
  kind: 'plot',
  status: 'fail',
  flag: (plot, p) => {
    if (plot.type !== 'kaplan_meier') return null;
    return flagEach(
      plot.steps,
      (s) => stepReason(s, p.threshold),
      (s, i) => itemRef.step(i, s),
      (s) => s.events,
    );
  },
  message: (n, _plot, p) => `At ${countOf(n, 'reported time')} the curve drops for 1 to ${p.threshold - 1} events, or 1 to ${p.threshold - 1} people leave the risk set.`,
  remedy: (_n, plot, p) => plotCountRemedy(plot, p),
  passMessage: (_plot, p) => `At every reported time there are no events or at least ${p.threshold}, and nobody or at least ${p.threshold} people leave the risk set.`,
});
