import { itemRef } from '../outputs/plot/plot-output.js';
import { flagEach, itemCheck } from './item-check.js';
import { plotCountRemedy } from './plot-count-remedy.js';
import { countOf, zeroCount } from './threshold-reasons.js';
export const plotZeros = itemCheck({
    id: 'zeros',
    kind: 'plot',
    status: 'fail',
    flag: (plot, p) => {
        if (!p.zeros_are_disclosive)
            return null;
        if (plot.type === 'histogram')
            return flagEach(plot.bins, (b) => zeroCount(b.count), (b, i) => itemRef.bin(i, b), (b) => b.count);
        if (plot.type === 'bar' || plot.type === 'pie')
            return flagEach(plot.categories, (c) => zeroCount(c.count), (c, i) => itemRef.category(i, c), (c) => c.count);
        return null;
    },
    message: (n, plot) => `${plot.type === 'histogram' ? countOf(n, 'bin') : countOf(n, 'category', 'categories')} ${n === 1 ? 'is' : 'are'} empty; an empty category reveals that nobody in the plotted group has it.`,
    remedy: (_n, plot, p) => plotCountRemedy(plot, p),
    passMessage: () => 'No bin or category of the plot is empty.',
});
//# sourceMappingURL=plot-zeros.js.map