/**
 * `kind: "plot"`: the data behind a histogram, bar or pie chart, Kaplan-Meier curve,
 * scatter plot or box plot — declared (pre-aggregated), or computed by airlock from
 * `microdata` + `spec` the way tables are (`spec.unit`, and `values` for a measure, `index`
 * for categories, `time` + `event` for a survival curve, `x` + `y` for a scatter plot).
 * With microdata, declared counts and statistics must agree with the computed ones, and the
 * plot carries each group's units when the spec names a unit column.
 *
 * Parsing validates what the checks rely on (`PLOT_INVALID` for missing fields, negative and
 * fractional counts or declared numbers the microdata contradicts; `BINS_INVALID` for bins
 * out of order, overlapping or with a gap between them; `SURVIVAL_INCONSISTENT` for a
 * survival series that does not add up). The `protected` version of the plot's data offered
 * when counts fail (merged bins or categories, grouped survival intervals) is the remedy's
 * (`remedies/plot-remedy.ts`).
 *
 * @example
 * plotKind.parse({ name: 'h', kind: 'plot', type: 'histogram', bins: [{ from: 0, to: 10, count: 12 }] }, ctx);
 * plotKind.parse({ name: 'h', kind: 'plot', type: 'histogram', microdata: { format: 'csv', data: 'age\n31\n…' }, spec: { values: 'age', edges: [0, 50, 100] } }, ctx);
 */
import { at } from '../../lib/invariant.js';
import { microdataInput } from '../microdata-input.js';
import type { OutputKindModule, ParseContext, RawOutput } from '../output-kind.js';
import type { Fields } from '../read-fields.js';
import { boundedObjects, invalid, readFields } from '../read-fields.js';
import type { MicrodataInput } from '../table/table-kind.js';
import { boxFromMicrodata } from './box-from-microdata.js';
import type { DeclaredCategories } from './categories-from-microdata.js';
import { categoriesFromMicrodata } from './categories-from-microdata.js';
import type { DeclaredBins } from './histogram-from-microdata.js';
import { histogramFromMicrodata } from './histogram-from-microdata.js';
import type { BoxPlot, CategoryPlot, HistogramBin, HistogramPlot, KaplanMeierPlot, PlotOutput, ScatterPlot, SurvivalStep } from './plot-output.js';
import { PLOT_TYPES } from './plot-output.js';
import { plotAsSubmitted, plotEvidence, plotKeptOnReplay } from './plot-evidence.js';
import type { DeclaredPoints } from './scatter-from-microdata.js';
import { scatterFromMicrodata } from './scatter-from-microdata.js';
import type { DeclaredSteps } from './survival-from-microdata.js';
import { survivalFromMicrodata } from './survival-from-microdata.js';

/** The output's microdata and spec, when it carries microdata (then a spec is required), else null. */
function microdataSpec(f: Fields, raw: RawOutput): { spec: Fields; microdata: MicrodataInput } | null {
  const spec = f.optObject('spec');
  if (!f.has('microdata')) {
    if (spec !== undefined) invalid('PLOT_INVALID', f.at('spec'), 'a spec describes microdata; send the microdata with it');
    return null;
  }
  const microdata = microdataInput(raw.microdata, f.at('microdata'), 'PLOT_INVALID');
  if (spec === undefined) return invalid('PLOT_INVALID', f.at('spec'), 'plot microdata needs a spec naming its columns');
  return { spec: readFields(spec, f.at('spec'), 'PLOT_INVALID'), microdata };
}

/** Declared bins: in ascending order, not empty, not overlapping, and contiguous (a gap could hide records outside every bin). */
function declaredBins(f: Fields, ctx: ParseContext): DeclaredBins | null {
  if (!f.has('bins')) return null;
  const fields = boundedObjects(f, 'bins', ctx.limits.maxCells, 'PLOT_INVALID');
  const bins: HistogramBin[] = fields.map((b) => ({ from: b.number('from'), to: b.number('to'), count: b.count('count') }));
  bins.forEach((b, i) => {
    const pointer = at(fields, i).pointer;
    if (!(b.from < b.to)) invalid('BINS_INVALID', pointer, `bin ${i} has from ${b.from} ≥ to ${b.to}`);
    const prev = bins[i - 1];
    if (prev === undefined) return;
    if (b.from < prev.from) invalid('BINS_INVALID', pointer, `bin ${i} starts at ${b.from}, before bin ${i - 1} (${prev.from}): bins must be in ascending order`);
    if (b.from < prev.to) invalid('BINS_INVALID', pointer, `bin ${i} [${b.from}, ${b.to}) overlaps bin ${i - 1} [${prev.from}, ${prev.to})`);
    if (b.from > prev.to) invalid('BINS_INVALID', pointer, `bin ${i} starts at ${b.from} but bin ${i - 1} ends at ${prev.to}: bins must be contiguous (a gap hides the records in it)`);
  });
  return { bins, pointer: f.at('bins') };
}

function parseHistogram(f: Fields, raw: RawOutput, ctx: ParseContext): HistogramPlot {
  const declared = declaredBins(f, ctx);
  const edgesFromData = f.optBoolean('edges_from_data') ?? null;
  const withMicrodata = microdataSpec(f, raw);
  if (withMicrodata) return { type: 'histogram', edgesFromData, source: 'microdata', ...histogramFromMicrodata(withMicrodata.spec, withMicrodata.microdata, declared, ctx) };
  if (!declared) return invalid('PLOT_INVALID', f.at('bins'), 'is required (or microdata and a spec)');
  return { type: 'histogram', bins: declared.bins, edgesFromData, edgeCheck: null, source: 'declared', units: null };
}

function declaredCategories(f: Fields, ctx: ParseContext): DeclaredCategories | null {
  if (!f.has('categories')) return null;
  const seen = new Set<string>();
  const categories = boundedObjects(f, 'categories', ctx.limits.maxCells, 'PLOT_INVALID').map((c) => {
    const label = c.string('label');
    if (seen.has(label)) invalid('PLOT_INVALID', c.at('label'), `label "${label}" appears twice`);
    seen.add(label);
    return { label, count: c.count('count') };
  });
  return { categories, pointer: f.at('categories') };
}

function parseCategories(f: Fields, raw: RawOutput, type: 'bar' | 'pie', ctx: ParseContext): CategoryPlot {
  const declared = declaredCategories(f, ctx);
  const withMicrodata = microdataSpec(f, raw);
  if (withMicrodata) return { type, source: 'microdata', ...categoriesFromMicrodata(withMicrodata.spec, withMicrodata.microdata, declared, ctx) };
  if (!declared) return invalid('PLOT_INVALID', f.at('categories'), 'is required (or microdata and a spec)');
  return { type, categories: declared.categories, source: 'declared', units: null };
}

function declaredSteps(f: Fields, ctx: ParseContext): DeclaredSteps | null {
  if (!f.has('steps')) return null;
  const fields = boundedObjects(f, 'steps', ctx.limits.maxCells, 'PLOT_INVALID');
  const steps: SurvivalStep[] = fields.map((s) => ({ time: s.number('time'), atRisk: s.count('at_risk'), events: s.count('events'), censored: s.count('censored') }));
  steps.forEach((s, i) => {
    const bad = (message: string): never => invalid('SURVIVAL_INCONSISTENT', at(fields, i).pointer, message);
    if (s.events + s.censored > s.atRisk) bad(`at time ${s.time}, events ${s.events} + censored ${s.censored} exceed at_risk ${s.atRisk}`);
    const prev = steps[i - 1];
    if (prev === undefined) return;
    if (!(s.time > prev.time)) bad(`time ${s.time} does not come after the previous step's time ${prev.time}: steps must be in strictly increasing time order`);
    const expected = prev.atRisk - prev.events - prev.censored;
    if (s.atRisk !== expected) {
      bad(`at_risk ${s.atRisk} at time ${s.time} ≠ ${prev.atRisk} − ${prev.events} − ${prev.censored} = ${expected} (at_risk − events − censored of the previous step)`);
    }
  });
  return { steps, pointer: f.at('steps') };
}

function parseKaplanMeier(f: Fields, raw: RawOutput, ctx: ParseContext): KaplanMeierPlot {
  const declared = declaredSteps(f, ctx);
  const withMicrodata = microdataSpec(f, raw);
  if (withMicrodata) return { type: 'kaplan_meier', source: 'microdata', ...survivalFromMicrodata(withMicrodata.spec, withMicrodata.microdata, declared, ctx) };
  if (!declared) return invalid('PLOT_INVALID', f.at('steps'), 'is required (or microdata and a spec)');
  return { type: 'kaplan_meier', steps: declared.steps, source: 'declared', units: null };
}

function parseScatter(f: Fields, raw: RawOutput, ctx: ParseContext): ScatterPlot {
  const withMicrodata = microdataSpec(f, raw);
  const declared: DeclaredPoints | null = f.has('points')
    ? { points: boundedObjects(f, 'points', ctx.limits.maxCells, 'PLOT_INVALID').map((p) => ({ x: p.number('x'), y: p.number('y'), n: p.optInteger('n', 1) ?? null })), pointer: f.at('points') }
    : null;
  if (withMicrodata) return { type: 'scatter', source: 'microdata', ...scatterFromMicrodata(withMicrodata.spec, withMicrodata.microdata, declared, ctx) };
  if (!declared) return invalid('PLOT_INVALID', f.at('points'), 'is required (or microdata and a spec)');
  // Without microdata, a point that does not say how many records it stands for is one record.
  return { type: 'scatter', points: declared.points.map((p) => ({ x: p.x, y: p.y, n: p.n ?? 1 })), source: 'declared', units: null };
}

function parseBox(f: Fields, raw: RawOutput, ctx: ParseContext): BoxPlot {
  const withMicrodata = microdataSpec(f, raw);
  const whiskerLow = f.number('whisker_low');
  const whiskerHigh = f.number('whisker_high');
  let n: number;
  let q1: number;
  let median: number;
  let q3: number;
  let dataRange: BoxPlot['dataRange'] = null;
  let units: BoxPlot['units'] = null;
  if (withMicrodata) {
    const declared = { n: f.optInteger('n', 1), q1: f.optNumber('q1'), median: f.optNumber('median'), q3: f.optNumber('q3'), whiskerLow, whiskerHigh };
    ({ n, q1, median, q3, dataRange, units } = boxFromMicrodata(withMicrodata.spec, withMicrodata.microdata, declared, f, ctx));
  } else {
    n = f.integer('n', 1);
    [q1, median, q3] = [f.number('q1'), f.number('median'), f.number('q3')];
  }
  // Each of the five at least the one before it: a box drawn in another order shows nothing real.
  const inOrder: [string, number][] = [['whisker_low', whiskerLow], ['q1', q1], ['median', median], ['q3', q3], ['whisker_high', whiskerHigh]];
  inOrder.reduce((prev, next) => (next[1] < prev[1] ? invalid('PLOT_INVALID', f.at(next[0]), `${next[0]} ${next[1]} is below ${prev[0]} ${prev[1]}`) : next));
  const list = f.array('outliers');
  if (list.length > Math.min(n, ctx.limits.maxCells)) invalid('PLOT_INVALID', f.at('outliers'), `${list.length} outliers but n is ${n}`);
  const outliers = list.map((o, i) => {
    const pointer = `${f.at('outliers')}/${i}`;
    if (typeof o !== 'number' || !Number.isFinite(o)) return invalid('PLOT_INVALID', pointer, 'must be a finite number');
    if (o >= whiskerLow && o <= whiskerHigh) invalid('PLOT_INVALID', pointer, 'an outlier must lie outside the whiskers');
    return o;
  });
  return { type: 'box', n, q1, median, q3, whiskerLow, whiskerHigh, whiskersAtExtremes: f.optBoolean('whiskers_at_extremes') ?? null, outliers, dataRange, source: withMicrodata ? 'microdata' : 'declared', units };
}

/**
 * Parses a plot output; throws `PLOT_INVALID`, `BINS_INVALID` or `SURVIVAL_INCONSISTENT`
 * with the pointer of the offending field, or the microdata readers' codes.
 *
 * @example parsePlot({ name: 'p', kind: 'plot', type: 'pie', categories: [{ label: 'a', count: 12 }] }, ctx).type // 'pie'
 */
export function parsePlot(raw: RawOutput, ctx: ParseContext): PlotOutput {
  const f = readFields(raw, ctx.pointer, 'PLOT_INVALID');
  const name = f.string('type');
  const type = PLOT_TYPES.find((t) => t === name);
  switch (type) {
    case 'histogram':
      return parseHistogram(f, raw, ctx);
    case 'bar':
    case 'pie':
      return parseCategories(f, raw, type, ctx);
    case 'kaplan_meier':
      return parseKaplanMeier(f, raw, ctx);
    case 'scatter':
      return parseScatter(f, raw, ctx);
    case 'box':
      return parseBox(f, raw, ctx);
    case undefined:
      return invalid('PLOT_INVALID', f.at('type'), `unknown plot type "${name}"; expected one of ${PLOT_TYPES.join(', ')}`);
  }
}

export const plotKind: OutputKindModule<PlotOutput, never, Record<string, unknown>> = {
  kind: 'plot',
  parse: parsePlot,
  // What airlock computed from microdata is what was checked, and what may be published.
  present: (plot: PlotOutput) => (plot.source === 'microdata' ? { computed: plotAsSubmitted(plot) } : {}),
  evidence: plotEvidence,
  keptOnReplay: plotKeptOnReplay,
};
