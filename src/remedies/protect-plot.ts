/**
 * The protected version of a plot's data that the presenter offers when its counts fail:
 * merged histogram bins, bars and slices merged into "Other", or grouped survival intervals.
 * Like a table's protected version, it is re-checked before it is offered, and it has the
 * request's shape, so the researcher can resubmit it as it is.
 *
 * @example protectPlot(histogram, findings, DEFAULT_PARAMETERS) // { type: 'histogram', bins: [...] } or null
 */
import { plotMinCount } from '../checks/plot-min-count.js';
import { plotZeros } from '../checks/plot-zeros.js';
import { survivalStep } from '../checks/survival-step.js';
import type { CheckId, Finding } from '../domain.js';
import type { Parameters } from '../rules/parameters.js';
import { groupSurvivalSteps } from '../outputs/plot/group-survival-steps.js';
import { mergeBins } from '../outputs/plot/merge-bins.js';
import { mergeCategories } from '../outputs/plot/merge-categories.js';
import { plotAsSubmitted } from '../outputs/plot/plot-evidence.js';
import type { PlotOutput } from '../outputs/plot/plot-output.js';

/** The checks whose failures the protected version repairs. */
const REPAIRED: readonly CheckId[] = ['min_count', 'zeros', 'survival_step'];
const RECHECKS = [plotMinCount, plotZeros, survivalStep];

function protectedForm(plot: PlotOutput, t: number): PlotOutput | null {
  switch (plot.type) {
    case 'histogram': {
      const bins = mergeBins(plot.bins, t);
      return bins && { ...plot, bins };
    }
    case 'bar':
    case 'pie': {
      const merged = mergeCategories(plot.categories, t);
      return merged && { ...plot, categories: merged.categories };
    }
    case 'kaplan_meier': {
      const steps = groupSurvivalSteps(plot.steps, t);
      return steps && { ...plot, steps };
    }
    default:
      return null;
  }
}

/**
 * The protected plot data, or null when nothing it repairs failed or no version passes.
 *
 * @example protectPlot(plot, [{ check: 'min_count', status: 'fail', … }], DEFAULT_PARAMETERS)
 */
export function protectPlot(plot: PlotOutput, findings: readonly Finding[], p: Parameters): Record<string, unknown> | null {
  if (!findings.some((f) => f.status === 'fail' && REPAIRED.includes(f.check))) return null;
  const candidate = protectedForm(plot, p.threshold);
  if (!candidate) return null;
  const ctx = { output: '', project: '', dataset: null };
  const stillFails = RECHECKS.some((c) => c.run(candidate, p, ctx).some((f) => f.status === 'fail'));
  return stillFails ? null : plotAsSubmitted(candidate);
}
