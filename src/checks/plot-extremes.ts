/**
 * `extremes` on plots: single records' values shown by a plot.
 *
 * - Histogram: the outer edges may be the smallest and largest values. `review`, unless the
 *   plot declares `edges_from_data: false` **and** its microdata confirms it: no value lies
 *   on or beyond an outer edge. A declaration alone is an exemption claim and stays `review`
 *   (sdc-rules.md principle 2).
 * - Box plot: plotted outliers fail (each is a record's value); the quartiles fail where
 *   they lie among the `threshold` most extreme values (n · 25 / 100 < threshold, i.e. n
 *   below 4 × threshold; the median by the same rule at 50); whiskers at the minimum and
 *   maximum fail. With microdata, the data decides where the whiskers sit: a whisker whose
 *   printed value can stand for the minimum or maximum is at it, and one with fewer than
 *   `threshold` contributors beyond it lies among the most extreme values (the percentile
 *   rule, applied to a published whisker) — both fail. Without microdata, undeclared counts
 *   as at the extremes (fail) and `whiskers_at_extremes: false` is a claim: `review`.
 *
 * A finding's status is its worst item's: fail over review.
 *
 * @example plotExtremes.run({ type: 'box', …, outliers: [97] }, DEFAULT_PARAMETERS, ctx)[0].status // 'fail'
 */
import type { ItemFinding } from '../domain.js';
import { printedInterval } from '../lib/printed-precision.js';
import type { BoxPlot, HistogramPlot, PlotOutput } from '../outputs/plot/plot-output.js';
import type { Parameters } from '../rules/parameters.js';
import { itemCheck } from './item-check.js';
import { percentileReason } from './threshold-reasons.js';

interface Flagged extends ItemFinding {
  severity: 'fail' | 'review';
}

const undeclared = (v: boolean | null, name: string): string => (v === null ? ` (${name} is not declared, so it counts as true)` : '');
const values = (n: number): string => `${n} value${n === 1 ? '' : 's'}`;

function histogramItems(h: HistogramPlot): Flagged[] {
  const last = `bins[${h.bins.length - 1}].to`;
  if (h.edgesFromData !== false) {
    const why = undeclared(h.edgesFromData, 'edges_from_data');
    return [
      { severity: 'review', ref: 'bins[0].from', value: null, reason: `the lowest edge may be the smallest value in the data${why}` },
      { severity: 'review', ref: last, value: null, reason: `the highest edge may be the largest value in the data${why}` },
    ];
  }
  const c = h.edgeCheck;
  if (c === null) {
    return [{ severity: 'review', ref: 'edges_from_data', value: null, reason: 'edges_from_data: false is declared but not confirmed: send the microdata with the histogram so airlock can check no value lies on an outer edge' }];
  }
  const items: Flagged[] = [];
  if (c.below + c.onLow > 0) items.push({ severity: 'review', ref: 'bins[0].from', value: c.below + c.onLow, reason: `${values(c.below + c.onLow)} of the microdata lie on or below the lowest edge` });
  if (c.above + c.onHigh > 0) items.push({ severity: 'review', ref: last, value: c.above + c.onHigh, reason: `${values(c.above + c.onHigh)} of the microdata lie on or above the highest edge` });
  return items;
}

/** Whether a printed whisker can stand for the data's extreme value. */
const stands = (whisker: number, extreme: number): boolean => {
  const [lo, hi] = printedInterval(whisker);
  return extreme >= lo && extreme <= hi;
};

function boxItems(b: BoxPlot, p: Parameters): Flagged[] {
  const items: Flagged[] = [];
  if (b.outliers.length) items.push({ severity: 'fail', ref: 'outliers', value: b.outliers.length, reason: `${b.outliers.length} plotted outlier(s), each a single record's value` });
  const quartiles = percentileReason(b.n, 25, p.threshold, 'the quartiles');
  if (quartiles) items.push({ severity: 'fail', ref: 'q1, q3', value: b.n, reason: `${quartiles} (a box needs n of at least ${4 * p.threshold})` });
  const median = percentileReason(b.n, 50, p.threshold, 'the median');
  if (median) items.push({ severity: 'fail', ref: 'median', value: b.n, reason: median });
  if (b.dataRange !== null) {
    const d = b.dataRange;
    const t = p.threshold;
    const at = [stands(b.whiskerLow, d.min) && 'whisker_low is the minimum', stands(b.whiskerHigh, d.max) && 'whisker_high is the maximum'].filter(Boolean);
    const near = [
      d.belowLow < t && `whisker_low has ${d.belowLow} below it`,
      d.aboveHigh < t && `whisker_high has ${d.aboveHigh} above it`,
    ].filter(Boolean);
    if (at.length) items.push({ severity: 'fail', ref: 'whiskers', value: null, reason: `the microdata shows ${at.join(' and ')}${b.whiskersAtExtremes === false ? ', although whiskers_at_extremes: false is declared' : ''}` });
    else if (near.length) items.push({ severity: 'fail', ref: 'whiskers', value: null, reason: `${near.join(' and ')} (fewer than threshold ${t}): the whiskers lie among the ${t} most extreme values, as a percentile would` });
    else if (b.whiskersAtExtremes === true) items.push({ severity: 'fail', ref: 'whiskers', value: null, reason: 'whiskers_at_extremes: true is declared' });
  } else if (b.whiskersAtExtremes === false) {
    items.push({ severity: 'review', ref: 'whiskers', value: null, reason: 'whiskers_at_extremes: false is declared but not confirmed: send the microdata with the box plot so airlock can check the whiskers are not the minimum and maximum' });
  } else {
    items.push({ severity: 'fail', ref: 'whiskers', value: null, reason: `the whiskers are the minimum and maximum${undeclared(b.whiskersAtExtremes, 'whiskers_at_extremes')}` });
  }
  return items;
}

function extremeItems(plot: PlotOutput, p: Parameters): Flagged[] | null {
  if (plot.type === 'histogram') return histogramItems(plot);
  if (plot.type === 'box') return boxItems(plot, p);
  return null;
}

const strip = (items: Flagged[]): ItemFinding[] => items.map(({ severity: _s, ...item }) => item);

export const plotExtremes = itemCheck<PlotOutput>({
  id: 'extremes',
  kind: 'plot',
  status: (plot, p) => ((extremeItems(plot, p) ?? []).some((i) => i.severity === 'fail') ? 'fail' : 'review'),
  flag: (plot, p) => {
    const items = extremeItems(plot, p);
    return items && strip(items);
  },
  message: (_n, plot) =>
    plot.type === 'histogram'
      ? "The histogram's outer edges may reveal the smallest and largest values; an output checker must confirm they were chosen, not taken from the data."
      : 'The box plot shows single records’ values (outliers, whiskers at the minimum and maximum, or quartiles among the most extreme values) or claims otherwise without the microdata to confirm it.',
  remedy: (_n, plot, p) =>
    plot.type === 'histogram'
      ? 'Set the outer edges yourself (round values beyond the data range), declare edges_from_data: false and send the microdata so airlock can confirm it.'
      : `Draw the whiskers at percentiles (e.g. the 5th and 95th), do not plot outliers, summarise at least ${4 * p.threshold} records per box, and send the microdata so airlock can confirm where the whiskers sit.`,
  passMessage: (plot) =>
    plot.type === 'histogram' ? 'The microdata confirms no value lies on or beyond the histogram’s outer edges.' : 'The box plot shows no single record’s value.',
});
