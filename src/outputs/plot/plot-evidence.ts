/**
 * A plot as the API spells it (snake_case, declared form), built from its parsed form: what a
 * protected version offers for resubmission, and what the audit store keeps for replaying
 * rule changes (`rules diff --replay`). Never the microdata and never the units: a plot
 * computed from microdata is kept as the counts and statistics airlock computed.
 *
 * A declared exemption that the microdata confirmed (`edges_from_data: false`, whiskers not
 * at the extremes) cannot be confirmed again from the kept aggregates, so replay keeps the
 * recorded `extremes` finding of such plots (`keptOnReplay`).
 *
 * @example plotAsSubmitted(parsePlot(raw, ctx)) // { type: 'histogram', bins: [...], edges_from_data: false }
 */
import type { CheckId } from '../../domain.js';
import { isObject } from '../read-fields.js';
import type { PlotOutput } from './plot-output.js';

/**
 * The plot in its declared submission form.
 *
 * @example plotAsSubmitted(km).steps[0] // { time: 0, at_risk: 120, events: 0, censored: 0 }
 */
export function plotAsSubmitted(plot: PlotOutput): Record<string, unknown> {
  switch (plot.type) {
    case 'histogram':
      return { type: plot.type, bins: plot.bins.map(({ from, to, count }) => ({ from, to, count })), ...(plot.edgesFromData === null ? {} : { edges_from_data: plot.edgesFromData }) };
    case 'bar':
    case 'pie':
      return { type: plot.type, categories: plot.categories.map(({ label, count }) => ({ label, count })) };
    case 'kaplan_meier':
      return { type: plot.type, steps: plot.steps.map((s) => ({ time: s.time, at_risk: s.atRisk, events: s.events, censored: s.censored })) };
    case 'scatter':
      return { type: plot.type, points: plot.points.map(({ x, y, n }) => ({ x, y, n })) };
    case 'box':
      return {
        type: plot.type,
        n: plot.n,
        whisker_low: plot.whiskerLow,
        q1: plot.q1,
        median: plot.median,
        q3: plot.q3,
        whisker_high: plot.whiskerHigh,
        outliers: plot.outliers,
        ...(plot.whiskersAtExtremes === null ? {} : { whiskers_at_extremes: plot.whiskersAtExtremes }),
      };
  }
}

/** Marks evidence computed from microdata (never a field a submission may carry: the request schema refuses it). */
const FROM_MICRODATA = 'computed_from_microdata';

/**
 * What replay keeps of a plot: its declared form, marked when airlock computed it from
 * microdata (a histogram or box plot whose extremes the microdata judged).
 *
 * @example plotEvidence(plot) // { type: 'pie', categories: [...] }
 */
export function plotEvidence(plot: PlotOutput): Record<string, unknown> {
  const judged = (plot.type === 'histogram' && plot.edgeCheck !== null) || (plot.type === 'box' && plot.dataRange !== null);
  return { ...plotAsSubmitted(plot), ...(judged ? { [FROM_MICRODATA]: true } : {}) };
}

/**
 * The checks whose recorded findings replay keeps for this evidence: `extremes` of a plot
 * whose exemption the microdata judged.
 *
 * @example plotKeptOnReplay({ type: 'histogram', bins: [], computed_from_microdata: true }) // ['extremes']
 */
export function plotKeptOnReplay(evidence: unknown): CheckId[] {
  return isObject(evidence) && evidence[FROM_MICRODATA] === true ? ['extremes'] : [];
}
