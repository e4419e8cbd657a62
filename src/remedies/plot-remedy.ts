/**
 * The `plot` kind's remedy: the protected version of a plot whose counts fail (merged bins or
 * categories, grouped survival intervals), offered only when it passes the checks again.
 *
 * @example plotRemedy.protect(plot, findings, params) // { protected: { type: 'histogram', bins: [...] } } or {}
 */
import type { PlotOutput } from '../outputs/plot/plot-output.js';
import type { OutputRemedy } from './output-remedy.js';
import { protectPlot } from './protect-plot.js';

export const plotRemedy: OutputRemedy<PlotOutput> = {
  kind: 'plot',
  protect(plot, findings, params) {
    const p = protectPlot(plot, findings, params);
    return p ? { protected: p } : {};
  },
};
