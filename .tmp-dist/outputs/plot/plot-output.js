/**
 * The normalised form of a `kind: "plot"` output: the data behind the plot, one variant per
 * plot type. Counts are validated integers; a histogram's bins are in order and disjoint;
 * a Kaplan-Meier series is consistent (each step's at_risk is the previous at_risk minus its
 * events and censored).
 *
 * @example
 * const h: PlotOutput = { type: 'histogram', bins: [{ from: 0, to: 10, count: 12 }], edgesFromData: false };
 */
/** Every plot type, as `type` spells it. */
export const PLOT_TYPES = ['histogram', 'bar', 'pie', 'kaplan_meier', 'scatter', 'box'];
/**
 * A bin as researchers read it.
 *
 * @example binLabel({ from: 0, to: 10, count: 3 }) // '[0, 10)'
 */
export function binLabel(b) {
    return `[${b.from}, ${b.to})`;
}
/**
 * How findings name a plot's items: by position, with the bin's range, the category's label
 * or the step's time (never a scatter point's coordinates, which are a record's values).
 *
 * @example itemRef.step(2, { time: 30, atRisk: 8, events: 1, censored: 0 }) // 'steps[2] (time 30)'
 */
export const itemRef = {
    bin: (i, b) => `bins[${i}] ${binLabel(b)}`,
    category: (i, c) => `categories[${i}] "${c.label}"`,
    step: (i, s) => `steps[${i}] (time ${s.time})`,
    point: (i) => `points[${i}]`,
};
//# sourceMappingURL=plot-output.js.map