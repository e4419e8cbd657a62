import { boundedObjects, invalid, readFields } from '../read-fields.js';
import { PLOT_TYPES } from './plot-output.js';
import { protectPlot } from './protect-plot.js';
function parseHistogram(f, limits) {
    const bins = boundedObjects(f, 'bins', limits.maxCells, 'PLOT_INVALID').map((b, i, all) => {
        const from = b.number('from');
        const to = b.number('to');
        if (!(from < to))
            invalid('BINS_INVALID', b.pointer, `bin ${i} has from ${from} ≥ to ${to}`);
        if (i > 0) {
            const prev = all[i - 1];
            const prevFrom = prev.number('from');
            const prevTo = prev.number('to');
            if (from < prevFrom)
                invalid('BINS_INVALID', b.pointer, `bin ${i} starts at ${from}, before bin ${i - 1} (${prevFrom}): bins must be in ascending order`);
            if (from < prevTo)
                invalid('BINS_INVALID', b.pointer, `bin ${i} [${from}, ${to}) overlaps bin ${i - 1} [${prevFrom}, ${prevTo})`);
        }
        return { from, to, count: b.count('count') };
    });
    return { type: 'histogram', bins, edgesFromData: f.optBoolean('edges_from_data') ?? null };
}
function parseCategories(f, type, limits) {
    const seen = new Set();
    const categories = boundedObjects(f, 'categories', limits.maxCells, 'PLOT_INVALID').map((c) => {
        const label = c.string('label');
        if (seen.has(label))
            invalid('PLOT_INVALID', c.at('label'), `label "${label}" appears twice`);
        seen.add(label);
        return { label, count: c.count('count') };
    });
    return { type, categories };
}
function parseKaplanMeier(f, limits) {
    const steps = boundedObjects(f, 'steps', limits.maxCells, 'PLOT_INVALID').map((s) => ({
        time: s.number('time'),
        atRisk: s.count('at_risk'),
        events: s.count('events'),
        censored: s.count('censored'),
        pointer: s.pointer,
    }));
    steps.forEach((s, i) => {
        const bad = (message) => invalid('SURVIVAL_INCONSISTENT', s.pointer, message);
        if (s.events + s.censored > s.atRisk)
            bad(`at time ${s.time}, events ${s.events} + censored ${s.censored} exceed at_risk ${s.atRisk}`);
        if (i === 0)
            return;
        const prev = steps[i - 1];
        if (!(s.time > prev.time))
            bad(`time ${s.time} does not come after the previous step's time ${prev.time}: steps must be in strictly increasing time order`);
        const expected = prev.atRisk - prev.events - prev.censored;
        if (s.atRisk !== expected) {
            bad(`at_risk ${s.atRisk} at time ${s.time} ≠ ${prev.atRisk} − ${prev.events} − ${prev.censored} = ${expected} (at_risk − events − censored of the previous step)`);
        }
    });
    return { type: 'kaplan_meier', steps: steps.map(({ time, atRisk, events, censored }) => ({ time, atRisk, events, censored })) };
}
function parseScatter(f, limits) {
    const points = boundedObjects(f, 'points', limits.maxCells, 'PLOT_INVALID').map((p) => ({ x: p.number('x'), y: p.number('y'), n: p.optInteger('n', 1) ?? 1 }));
    return { type: 'scatter', points };
}
function parseBox(f, limits) {
    const n = f.integer('n', 1);
    const order = ['whisker_low', 'q1', 'median', 'q3', 'whisker_high'];
    const v = order.map((k) => f.number(k));
    for (let i = 1; i < v.length; i++) {
        if (v[i] < v[i - 1])
            invalid('PLOT_INVALID', f.at(order[i]), `${order[i]} ${v[i]} is below ${order[i - 1]} ${v[i - 1]}`);
    }
    const [whiskerLow, q1, median, q3, whiskerHigh] = v;
    const raw = f.array('outliers');
    if (raw.length > Math.min(n, limits.maxCells))
        invalid('PLOT_INVALID', f.at('outliers'), `${raw.length} outliers but n is ${n}`);
    const outliers = raw.map((o, i) => {
        const at = `${f.at('outliers')}/${i}`;
        if (typeof o !== 'number' || !Number.isFinite(o))
            return invalid('PLOT_INVALID', at, 'must be a finite number');
        if (o >= whiskerLow && o <= whiskerHigh)
            invalid('PLOT_INVALID', at, 'an outlier must lie outside the whiskers');
        return o;
    });
    return { type: 'box', n, q1, median, q3, whiskerLow, whiskerHigh, whiskersAtExtremes: f.optBoolean('whiskers_at_extremes') ?? null, outliers };
}
/**
 * Parses a plot output; throws `PLOT_INVALID`, `BINS_INVALID` or `SURVIVAL_INCONSISTENT`
 * with the pointer of the offending field.
 *
 * @example parsePlot({ name: 'p', kind: 'plot', type: 'pie', categories: [{ label: 'a', count: 12 }] }, ctx).type // 'pie'
 */
export function parsePlot(raw, ctx) {
    const { limits, pointer } = ctx;
    const f = readFields(raw, pointer, 'PLOT_INVALID');
    const type = f.string('type');
    switch (type) {
        case 'histogram':
            return parseHistogram(f, limits);
        case 'bar':
        case 'pie':
            return parseCategories(f, type, limits);
        case 'kaplan_meier':
            return parseKaplanMeier(f, limits);
        case 'scatter':
            return parseScatter(f, limits);
        case 'box':
            return parseBox(f, limits);
        default:
            return invalid('PLOT_INVALID', f.at('type'), `unknown plot type "${String(type)}"; expected one of ${PLOT_TYPES.join(', ')}`);
    }
}
export const plotKind = {
    kind: 'plot',
    parse: parsePlot,
    present: (plot, findings, params) => {
        const p = protectPlot(plot, findings, params);
        return p ? { protected: p } : {};
    },
};
//# sourceMappingURL=plot-kind.js.map