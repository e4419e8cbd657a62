import { itemRef } from '../outputs/plot/plot-output.js';
import { flagEach, itemCheck } from './item-check.js';
import { plotCountRemedy } from './plot-count-remedy.js';
import { countOf } from './threshold-reasons.js';
export const survivalStep = itemCheck({
    id: 'survival_step',
    kind: 'plot',
    status: 'fail',
    flag: (plot, p) => {
        if (plot.type !== 'kaplan_meier')
            return null;
        return flagEach(plot.steps, (s) => {
            const left = s.events + s.censored;
            return left > 0 && left < p.threshold ? `${left} left the risk set (events ${s.events} + censored ${s.censored}) < threshold ${p.threshold}` : null;
        }, (s, i) => itemRef.step(i, s), (s) => s.events + s.censored);
    },
    message: (n, _plot, p) => `At ${countOf(n, 'reported time')} between 1 and ${p.threshold - 1} people leave the risk set.`,
    remedy: (_n, plot, p) => plotCountRemedy(plot, p),
    passMessage: (_plot, p) => `At every reported time either nobody or at least ${p.threshold} people leave the risk set.`,
});
//# sourceMappingURL=survival-step.js.map