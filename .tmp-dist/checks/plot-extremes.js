import { itemCheck } from './item-check.js';
const declared = (v, name) => (v === null ? ` (${name} is not declared, so it counts as true)` : '');
function flagExtremes(plot) {
    if (plot.type === 'histogram') {
        if (plot.edgesFromData === false)
            return [];
        const last = plot.bins.length - 1;
        const why = declared(plot.edgesFromData, 'edges_from_data');
        return [
            { ref: 'bins[0].from', value: null, reason: `the lowest edge may be the smallest value in the data${why}` },
            { ref: `bins[${last}].to`, value: null, reason: `the highest edge may be the largest value in the data${why}` },
        ];
    }
    if (plot.type === 'box') {
        const items = [];
        if (plot.whiskersAtExtremes !== false) {
            items.push({ ref: 'whiskers', value: null, reason: `the whiskers are the minimum and maximum${declared(plot.whiskersAtExtremes, 'whiskers_at_extremes')}` });
        }
        if (plot.outliers.length)
            items.push({ ref: 'outliers', value: plot.outliers.length, reason: `${plot.outliers.length} plotted outlier(s), each a single record's value` });
        return items;
    }
    return null;
}
export const plotExtremes = itemCheck({
    id: 'extremes',
    kind: 'plot',
    status: (plot) => (plot.type === 'histogram' ? 'review' : 'fail'),
    flag: (plot) => flagExtremes(plot),
    message: (_n, plot) => plot.type === 'histogram'
        ? "The histogram's outer edges may reveal the smallest and largest values; an output checker must confirm they were chosen, not taken from the data."
        : 'The box plot shows single records’ values (whiskers at the minimum and maximum, or outliers).',
    remedy: (_n, plot) => plot.type === 'histogram'
        ? 'Set the outer edges yourself (round values beyond the data range) and declare edges_from_data: false.'
        : 'Draw the whiskers at percentiles (e.g. the 5th and 95th) and declare whiskers_at_extremes: false, and do not plot outliers.',
    passMessage: (plot) => (plot.type === 'histogram' ? 'The histogram edges were chosen, not taken from the data.' : 'The box plot shows no single record’s value.'),
});
//# sourceMappingURL=plot-extremes.js.map