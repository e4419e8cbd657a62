/**
 * `min_count` on plots: each histogram bin, bar and pie slice, the number at risk at every
 * Kaplan-Meier time, each scatter point's n (a point without n is one record, so it fails)
 * and a box plot's n must reach `threshold` (equal passes). With a unit column the counts are
 * distinct units; with `require_unit`, a plot without one fails (microdata) or needs review
 * (declared counts).
 *
 * @example plotMinCount.run({ type: 'pie', categories: [{ label: 'a', count: 9 }] }, DEFAULT_PARAMETERS, ctx)[0].status // 'fail'
 */
import type { ItemFinding } from '../domain.js';
import type { Check } from './check.js';
import { withUnitRequirement } from './unit-requirement.js';
import type { PlotOutput } from '../outputs/plot/plot-output.js';
import { itemRef } from '../outputs/plot/plot-output.js';
import { flagEach, itemCheck } from './item-check.js';
import { plotCountRemedy } from './plot-count-remedy.js';
import { belowThreshold, countOf } from './threshold-reasons.js';

function flagSmall(plot: PlotOutput, t: number): ItemFinding[] {
  switch (plot.type) {
    case 'histogram':
      return flagEach(plot.bins, (b) => belowThreshold(b.count, t), (b, i) => itemRef.bin(i, b), (b) => b.count);
    case 'bar':
    case 'pie':
      return flagEach(plot.categories, (c) => belowThreshold(c.count, t), (c, i) => itemRef.category(i, c), (c) => c.count);
    case 'kaplan_meier':
      return flagEach(plot.steps, (s) => belowThreshold(s.atRisk, t, 'at_risk'), (s, i) => itemRef.step(i, s), (s) => s.atRisk);
    case 'scatter':
      return flagEach(plot.points, (pt) => belowThreshold(pt.n, t, 'n'), (_pt, i) => itemRef.point(i), (pt) => pt.n);
    case 'box': {
      const reason = belowThreshold(plot.n, t, 'n');
      return reason ? [{ ref: 'n', value: plot.n, reason }] : [];
    }
  }
}

const NOUNS: Record<PlotOutput['type'], [string, string]> = {
  histogram: ['bin', 'bins'],
  bar: ['bar', 'bars'],
  pie: ['slice', 'slices'],
  kaplan_meier: ['reported time', 'reported times'],
  scatter: ['point', 'points'],
  box: ['box', 'boxes'],
};

const counts = itemCheck<PlotOutput>({
  id: 'min_count',
  kind: 'plot',
  status: 'fail',
  flag: (plot, p) => flagSmall(plot, p.threshold),
  message: (n, plot, p) => {
    const [one, many] = NOUNS[plot.type];
    const what = plot.type === 'kaplan_meier' ? `fewer than ${p.threshold} at risk` : `fewer than ${p.threshold} records`;
    return `${countOf(n, one, many)} of the ${plot.type.replace('_', '-')} plot ${n === 1 ? 'has' : 'have'} ${what}.`;
  },
  remedy: (_n, plot, p) => plotCountRemedy(plot, p),
  passMessage: (plot, p) => `Every ${NOUNS[plot.type][0]} of the plot has at least ${p.threshold} ${plot.type === 'kaplan_meier' ? 'at risk' : 'records'}.`,
});

export const plotMinCount: Check<PlotOutput> = {
  id: 'min_count',
  kind: 'plot',
  run: (plot, p, ctx) => withUnitRequirement(counts.run(plot, p, ctx), plot.source, plot.units?.column ?? null, p),
};
