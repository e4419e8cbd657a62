/**
 * `survival_step` on Kaplan-Meier curves: between two reported times, the number leaving
 * the risk set (events + censored) must be 0 or at least `threshold`; 1 to threshold − 1
 * lets anyone who knows some of the group identify who had the event.
 *
 * @example survivalStep.run({ type: 'kaplan_meier', steps: [{ time: 1, atRisk: 30, events: 2, censored: 1 }] }, DEFAULT_PARAMETERS, ctx)[0].status // 'fail'
 */
import type { PlotOutput } from '../outputs/plot/plot-output.js';
import { itemRef } from '../outputs/plot/plot-output.js';
import { flagEach, itemCheck } from './item-check.js';
import { plotCountRemedy } from './plot-count-remedy.js';
import { countOf } from './threshold-reasons.js';

export const survivalStep = itemCheck<PlotOutput>({
  id: 'survival_step',
  kind: 'plot',
  status: 'fail',
  flag: (plot, p) => {
    if (plot.type !== 'kaplan_meier') return null;
    return flagEach(
      plot.steps,
      (s) => {
        const left = s.events + s.censored;
        return left > 0 && left < p.threshold ? `${left} left the risk set (events ${s.events} + censored ${s.censored}) < threshold ${p.threshold}` : null;
      },
      (s, i) => itemRef.step(i, s),
      (s) => s.events + s.censored,
    );
  },
  message: (n, _plot, p) => `At ${countOf(n, 'reported time')} between 1 and ${p.threshold - 1} people leave the risk set.`,
  remedy: (_n, plot, p) => plotCountRemedy(plot, p),
  passMessage: (_plot, p) => `At every reported time either nobody or at least ${p.threshold} people leave the risk set.`,
});
