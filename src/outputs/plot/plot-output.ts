/**
 * The normalised form of a `kind: "plot"` output: the data behind the plot, one variant per
 * plot type. Counts are validated integers; a histogram's bins are in order and contiguous;
 * a Kaplan-Meier series is consistent (each step's at_risk is the previous at_risk minus its
 * events and censored). A plot sent with its microdata carries what airlock computed (the
 * counts themselves, and what confirms or refutes a declared exemption), and with a unit
 * column each group's units.
 *
 * @example
 * const h: PlotOutput = { type: 'histogram', bins: [{ from: 0, to: 10, count: 12 }], edgesFromData: false, edgeCheck: null, source: 'declared', units: null };
 */
import type { UnitMembership } from '../../lib/unit-membership.js';

/** What every plot carries besides its data. */
export interface PlotBase {
  /** Whether airlock computed the plot from microdata or it was declared (pre-aggregated). */
  source: 'microdata' | 'declared';
  /**
   * With microdata and a unit column: the units of each group — bins, bars or slices,
   * each step's risk set, scatter points, the box's population — in the plot's order.
   * Null otherwise. Never published.
   */
  units: UnitMembership | null;
}

/** A histogram bin `[from, to)` and the records in it. */
export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

/** Where the microdata's values lie relative to a histogram's outer edges. */
export interface EdgeCheck {
  /** Values below the lowest edge, on it, on the highest edge, above it. */
  below: number;
  onLow: number;
  onHigh: number;
  above: number;
}

export interface HistogramPlot extends PlotBase {
  type: 'histogram';
  bins: HistogramBin[];
  /** Whether the outer edges came from the data (its minimum and maximum); null = not declared. */
  edgesFromData: boolean | null;
  /** With microdata: where its values lie relative to the outer edges; null without. */
  edgeCheck: EdgeCheck | null;
}

/** A bar or a pie slice. */
export interface CategoryCount {
  label: string;
  count: number;
}

export interface CategoryPlot extends PlotBase {
  type: 'bar' | 'pie';
  categories: CategoryCount[];
}

/**
 * One reported time of a survival curve: `atRisk` just before `time`, `events` at `time`,
 * `censored` between `time` and the next reported time.
 */
export interface SurvivalStep {
  time: number;
  atRisk: number;
  events: number;
  censored: number;
}

export interface KaplanMeierPlot extends PlotBase {
  type: 'kaplan_meier';
  steps: SurvivalStep[];
}

export interface ScatterPoint {
  x: number;
  y: number;
  /** Records behind the point; a point without n is one record. */
  n: number;
}

export interface ScatterPlot extends PlotBase {
  type: 'scatter';
  points: ScatterPoint[];
}

export interface BoxPlot extends PlotBase {
  type: 'box';
  n: number;
  q1: number;
  median: number;
  q3: number;
  whiskerLow: number;
  whiskerHigh: number;
  /** Whether the whiskers sit at the minimum and maximum; null = not declared. */
  whiskersAtExtremes: boolean | null;
  outliers: number[];
  /**
   * With microdata, to judge the whiskers by: the smallest and largest value, and how many
   * contributors (units, or rows without a unit column) have a value below the lower whisker
   * and above the upper one (beyond its printed precision); null without microdata. Never
   * published.
   */
  dataRange: { min: number; max: number; belowLow: number; aboveHigh: number } | null;
}

export type PlotOutput = HistogramPlot | CategoryPlot | KaplanMeierPlot | ScatterPlot | BoxPlot;
export type PlotType = PlotOutput['type'];

/** Every plot type, as `type` spells it. */
export const PLOT_TYPES: readonly PlotType[] = ['histogram', 'bar', 'pie', 'kaplan_meier', 'scatter', 'box'];

/**
 * A bin as researchers read it.
 *
 * @example binLabel({ from: 0, to: 10, count: 3 }) // '[0, 10)'
 */
export function binLabel(b: Pick<HistogramBin, 'from' | 'to'>): string {
  return `[${b.from}, ${b.to})`;
}

/**
 * How findings name a plot's items: by position, with the bin's range, the category's label
 * or the step's time (never a scatter point's coordinates, which are a record's values).
 *
 * @example itemRef.step(2, { time: 30, atRisk: 8, events: 1, censored: 0 }) // 'steps[2] (time 30)'
 */
export const itemRef = {
  bin: (i: number, b: HistogramBin): string => `bins[${i}] ${binLabel(b)}`,
  category: (i: number, c: CategoryCount): string => `categories[${i}] "${c.label}"`,
  step: (i: number, s: SurvivalStep): string => `steps[${i}] (time ${s.time})`,
  point: (i: number): string => `points[${i}]`,
};
