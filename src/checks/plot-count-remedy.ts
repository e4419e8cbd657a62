/**
 * The remedy wording shared by `min_count` and `zeros` on plots: it names the concrete
 * merges (adjacent histogram bins, small bars into "Other", grouped survival intervals) that
 * the plot's protected version makes, so the researcher can redo the plot with them.
 *
 * @example plotCountRemedy(histogram, DEFAULT_PARAMETERS) // 'Use coarser bins so … merge [0, 5) and [5, 10) into [0, 10) …'
 */
import { groupSurvivalSteps } from '../outputs/plot/group-survival-steps.js';
import { describeBinMerges, mergeBins } from '../outputs/plot/merge-bins.js';
import { mergeCategories, OTHER_LABEL } from '../outputs/plot/merge-categories.js';
import type { PlotOutput } from '../outputs/plot/plot-output.js';
import type { Parameters } from '../rules/parameters.js';
import { at } from '../lib/invariant.js';

const PROTECTED = ' (the protected version of this plot does this).';

/** The concrete remedy for small (or zero) counts in a plot. */
export function plotCountRemedy(plot: PlotOutput, p: Parameters): string {
  const t = p.threshold;
  switch (plot.type) {
    case 'histogram': {
      const merged = mergeBins(plot.bins, t);
      if (!merged) return `The histogram holds fewer than ${t} records in total and cannot be released; pool it with other groups.`;
      return `Use coarser bins so every bin holds at least ${t} records: ${describeBinMerges(merged, plot.bins)}${PROTECTED}`;
    }
    case 'bar':
    case 'pie': {
      const merged = mergeCategories(plot.categories, t);
      if (!merged) return `The ${plot.type} chart holds fewer than ${t} records in total and cannot be released; pool it with other groups.`;
      const labels = merged.merged.map((l) => `"${l}"`).join(', ');
      return `Merge ${labels} into one category ("${OTHER_LABEL}") so every ${plot.type === 'bar' ? 'bar' : 'slice'} holds at least ${t} records${PROTECTED}`;
    }
    case 'kaplan_meier': {
      const grouped = groupSurvivalSteps(plot.steps, t);
      if (!grouped) return `Fewer than ${t} events over the whole curve, or fewer than ${t} at risk from the start: the curve cannot be released; pool groups.`;
      const last = at(grouped, grouped.length - 1);
      return `Report grouped time intervals starting at times ${grouped.map((g) => g.time).join(', ')} so each holds at least ${t} events, and stop the curve after the interval starting at time ${last.time}, while at least ${t} are still at risk${PROTECTED}`;
    }
    case 'scatter':
      return `Replace single points by binned counts (a 2-D histogram or hexbin in which every bin holds at least ${t} records) and send each bin's n, or plot a smoothed summary instead.`;
    case 'box':
      return `Pool groups so the box summarises at least ${t} records.`;
  }
}
