/**
 * The label form of an output: what label-mode differencing (sdc-rules.md "Differencing →
 * Label mode") compares, and what the history keeps of every table, summary and plot that is
 * released or awaits review. Every variable name, label and measure name is normalised
 * (`normalise()`), so `"Region"`/`"region"` and `"North"`/`"north "` match; a dimension
 * constant over a table (one category) is dropped and kept aside in `constants` (adding
 * `year = 2024` to a table does not hide it from the same table without it).
 *
 * A form is a list of groups (cells), each with its labels (`All` where a variable is summed
 * out), its **size** (the units or records in the group, whatever measure is missing — the
 * group layer), and for a measure the **contributors** (those with the measure not missing)
 * and the **sum** of the measure over them as an interval of its printed precision (the values
 * layer). Plots and summaries become forms too:
 * - bar and pie charts: a one-variable table over `(categories)` (the bars' labels);
 * - histograms: contributor counts of the binned measure by bin `[from, to)` (a value missing
 *   is in no bin, so a bin count is not a group size);
 * - Kaplan-Meier curves: the risk set at each reported time (`(time)`), nested, never summed;
 * - box plots: the contributor count of the measure;
 * - summaries: one form per statistic — contributors `n` of the measure `name`, and for a
 *   mean the sum `n × mean`.
 *
 * @example
 * labelForms('by-region', 'table', tinyTable(rows, { index: 'Region' }))[0].dims // ['region']
 */
import { loopSlicer } from '../lib/yield-to-loop.js';
import { MARGIN_LABEL } from '../outputs/table/cell-table.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { cellCount, cellLabels } from '../outputs/table/cell-table.js';
import type { PlotOutput } from '../outputs/plot/plot-output.js';
import { binLabel } from '../outputs/plot/plot-output.js';
import type { SummaryOutput } from '../outputs/summary/summary-output.js';
import { statisticRef } from '../outputs/summary/summary-output.js';
import { normalise } from '../lib/normalise.js';
import { nullRecord, recordFrom } from '../lib/null-record.js';
import { LabelInterner } from './label-interner.js';
import { at, entry, got, outOfRange } from '../lib/invariant.js';
import type { ParsedOutput } from '../outputs/index.js';

/** The pseudo-variable of a bar or pie chart whose variable is not named. */
export const CATEGORIES_DIM = '(categories)';
/** The pseudo-variable of histogram bins. */
export const BINS_DIM = '(bins)';
/** The pseudo-variable of survival times. */
export const TIME_DIM = '(time)';

/** One group of a label form. */
export interface LabelCell {
  /** Normalised variable → normalised category; `All` where summed out. */
  labels: Record<string, string>;
  /** Units (or records) in the group; null where the output does not say (summaries, histograms). */
  size: number | null;
  /** Contributors of `measure` (units with it not missing); null without a measure. */
  count: number | null;
  /** The sum of the measure over the contributors, as [lo, hi] of its printed precision; null when not published. */
  sum: [number, number] | null;
  /** How a finding names the group, when labels do not (plot items, summary statistics). */
  ref?: string;
}

/** What label-mode differencing compares of one output (or one summary statistic). */
export interface LabelForm {
  /** The output's name (and, for a summary statistic, which one: `name#i`). */
  output: string;
  kind: 'table' | 'plot' | 'summary';
  /** Normalised dimension variables, sorted, constant ones dropped. */
  dims: string[];
  /** Dropped constant dimensions and their one category (normalised). */
  constants: Record<string, string>;
  /** The normalised measure, or null. */
  measure: string | null;
  /** Groups are nested (survival risk sets): never summed into margins. */
  nested: boolean;
  cells: LabelCell[];
}

/**
 * The interval a published value stands for, from its printed precision: 45.2 is any value
 * in [45.15, 45.25], 45.23 any in [45.225, 45.235] (sdc-rules.md principle 4). Values with
 * 15 or more significant digits (computed, not printed) are exact.
 *
 * @example printedInterval(45.2) // [45.15, 45.25]
 */
export function printedInterval(v: number): [number, number] {
  if (!Number.isFinite(v)) return [v, v];
  const text = String(Math.abs(v));
  if (/e/i.test(text)) return [v, v];
  const [whole = '', frac = ''] = text.split('.');
  const digits = (whole.replace(/^0+/, '') + frac).replace(/^0+/, '').length;
  if (digits >= 15) return [v, v];
  const half = 0.5 * 10 ** -frac.length;
  return [v - half, v + half];
}

/** An interval scaled by a known count (a mean's sum). */
function times(iv: [number, number], n: number): [number, number] {
  return [iv[0] * n, iv[1] * n];
}

const isMargin = (labels: Record<string, string>) => Object.values(labels).includes(MARGIN_LABEL);

/** Normalised labels (the margin label stays `All`; an empty label beside `All` is a summed-out one too). */
function normaliseLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const margin = isMargin(labels as Record<string, string>);
  const out: Record<string, string> = nullRecord<string>();
  for (const [k, v] of Object.entries(labels)) out[normalise(k)] = v === MARGIN_LABEL || (margin && v === '') ? MARGIN_LABEL : normalise(v);
  return out;
}

/** Drops dimensions with exactly one category (and the cells where they are summed out, which repeat the others). */
function dropConstants(form: LabelForm): LabelForm {
  const cats = new Map<string, Set<string>>(form.dims.map((d) => [d, new Set<string>()]));
  for (const c of form.cells) for (const d of form.dims) if (c.labels[d] !== MARGIN_LABEL) got(cats, d).add(entry(c.labels, d));
  const constant = form.dims.filter((d) => got(cats, d).size === 1);
  if (constant.length === 0) return form;
  const constants = recordFrom(Object.entries(form.constants));
  for (const d of constant) constants[d] = at([...got(cats, d)], 0);
  const cells: LabelCell[] = [];
  for (const c of form.cells) {
    if (constant.some((d) => c.labels[d] === MARGIN_LABEL)) continue;
    const labels: Record<string, string> = nullRecord<string>();
    for (const d of form.dims) if (!constant.includes(d)) labels[d] = entry(c.labels, d);
    // A cell whose only other labels were summed out is now a margin of nothing: the total.
    cells.push({ ...c, labels });
  }
  return { ...form, dims: form.dims.filter((d) => !constant.includes(d)), constants, cells };
}

/** What a table's label form is made of besides its cells: its measure, and whether its values are magnitudes. */
function tableFormShape(output: string, t: CellTable): { magnitude: boolean; measure: string | null } {
  const magnitude = t.statistic === 'sum' || t.statistic === 'mean';
  // A measure the submitter did not name matches no other output's.
  const measure = t.measure === null ? null : t.anonymousMeasure ? `(unnamed measure of ${output})` : normalise(t.measure);
  return { magnitude, measure };
}

/** Cell `c` of a table's label form, or null when it was not published (suppressed: its value is unknown). */
function tableFormCell(t: CellTable, c: number, shape: { magnitude: boolean; measure: string | null }): LabelCell | null {
  if ((t as { suppressed?: Uint8Array }).suppressed?.[c]) return null;
  const count = t.count[c] ?? outOfRange();
  const records = t.records[c] ?? outOfRange();
  const value = t.value[c] ?? outOfRange();
  let sum: [number, number] | null = null;
  if (shape.magnitude && Number.isFinite(value)) sum = t.statistic === 'sum' ? printedInterval(value) : times(printedInterval(value), count);
  return { labels: normaliseLabels(cellLabels(t, c)), size: shape.measure === null ? count : Math.max(records, count), count: shape.measure === null ? null : count, sum };
}

/** The label form of a table whose cells are `cells`. */
function tableFormOf(output: string, t: CellTable, measure: string | null, cells: LabelCell[]): LabelForm {
  const dims = [...t.rows.vars, ...t.cols.vars].map(normalise).sort();
  return dropConstants({ output, kind: 'table', dims, constants: nullRecord<string>(), measure, nested: false, cells });
}

/**
 * The label form of a table (its published cells, margins included).
 *
 * @example tableLabelForm('t', table).cells[0].size
 */
export function tableLabelForm(output: string, t: CellTable): LabelForm {
  const shape = tableFormShape(output, t);
  const cells: LabelCell[] = [];
  for (let c = 0, n = cellCount(t); c < n; c++) {
    const cell = tableFormCell(t, c, shape);
    if (cell) cells.push(cell);
  }
  return tableFormOf(output, t, shape.measure, cells);
}

/**
 * `tableLabelForm` made in short slices with the event loop let in between: a request's
 * differencing makes the form of every table it compares, and a 40,000-cell table's form must
 * not hold the loop in one piece (issue 13).
 *
 * @example (await tableLabelFormSliced('t', table)).cells[0].size
 */
export async function tableLabelFormSliced(output: string, t: CellTable): Promise<LabelForm> {
  const shape = tableFormShape(output, t);
  const cells: LabelCell[] = [];
  const slicer = loopSlicer();
  for (let c = 0, n = cellCount(t); c < n; c++) {
    const cell = tableFormCell(t, c, shape);
    if (cell) cells.push(cell);
    if (c % 256 === 255) await slicer.pause();
  }
  return tableFormOf(output, t, shape.measure, cells);
}

/**
 * The label forms of a plot (one form; none for a scatter plot, whose points are not groups).
 *
 * @example plotLabelForms('bars', { type: 'bar', categories: [{ label: 'North', count: 40 }] })[0].cells[0].labels // { '(categories)': 'north' }
 */
export function plotLabelForms(output: string, p: PlotOutput, variable: string | null = null): LabelForm[] {
  const base = { output, kind: 'plot' as const, constants: nullRecord<string>(), nested: false };
  switch (p.type) {
    case 'bar':
    case 'pie': {
      const dim = variable === null ? CATEGORIES_DIM : normalise(variable);
      const cells: LabelCell[] = p.categories.map((c, i) => ({ labels: { [dim]: normalise(c.label) }, size: c.count, count: null, sum: null, ref: `categories[${i}] "${c.label}"` }));
      return [{ ...base, dims: [dim], measure: null, cells }];
    }
    case 'histogram': {
      const measure = variable === null ? '(histogram)' : normalise(variable);
      const cells: LabelCell[] = p.bins.map((b, i) => ({ labels: { [BINS_DIM]: binLabel(b) }, size: null, count: b.count, sum: null, ref: `bins[${i}] ${binLabel(b)}` }));
      return [{ ...base, dims: [BINS_DIM], measure, cells }];
    }
    case 'kaplan_meier': {
      const cells: LabelCell[] = p.steps.map((s, i) => ({ labels: { [TIME_DIM]: String(s.time) }, size: s.atRisk, count: null, sum: null, ref: `steps[${i}] (time ${s.time}) at risk` }));
      return [{ ...base, dims: [TIME_DIM], measure: null, nested: true, cells }];
    }
    case 'box': {
      const measure = variable === null ? '(box)' : normalise(variable);
      return [{ ...base, dims: [], measure, cells: [{ labels: nullRecord<string>(), size: null, count: p.n, sum: null, ref: 'n' }] }];
    }
    default:
      return [];
  }
}

/**
 * The label forms of a summary: one per statistic (its contributors `n` of measure `name`, and
 * the sum `n × mean` for a mean), so two statistics of one measure over different n compare too.
 *
 * @example summaryLabelForms('s', { statistics: [{ name: 'Age', statistic: 'mean', p: null, n: 199, value: 51.2 }] })[0].cells[0].sum // [10178.85, 10198.75]
 */
export function summaryLabelForms(output: string, s: SummaryOutput): LabelForm[] {
  return s.statistics.map((x, i) => ({
    output: `${output}#${i}`,
    kind: 'summary' as const,
    dims: [],
    constants: nullRecord<string>(),
    measure: normalise(x.name),
    nested: false,
    cells: [{ labels: nullRecord<string>(), size: null, count: x.n, sum: x.statistic === 'mean' ? times(printedInterval(x.value), x.n) : null, ref: statisticRef(i, x) }],
  }));
}

/**
 * The label forms of an evaluated output of any kind differencing applies to (a table's made
 * in slices, see `tableLabelFormSliced`).
 *
 * @example (await labelFormsOf('t', { kind: 'table', parsed: parsedTable })).length // 1
 */
export async function labelFormsOf(output: string, o: ParsedOutput): Promise<LabelForm[]> {
  if (o.kind !== 'table' && o.kind !== 'plot' && o.kind !== 'summary') return [];
  const made = formsMade.get(o.parsed);
  if (made?.output === output) return made.forms;
  const forms = await formsOf(output, o);
  formsMade.set(o.parsed, { output, forms });
  return forms;
}

/**
 * The forms made of each parsed output, so they are made once per request (a 40,000-cell
 * table's take a few hundred milliseconds): the decision path makes them before it takes the
 * differencing lock, and differencing and the linked-tables step read them under it. Forms
 * are never changed once made.
 */
const formsMade = new WeakMap<object, { output: string; forms: LabelForm[] }>();

async function formsOf(output: string, o: ParsedOutput & { kind: 'table' | 'plot' | 'summary' }): Promise<LabelForm[]> {
  if (o.kind === 'table') return [await tableLabelFormSliced(output, o.parsed)];
  if (o.kind === 'plot') return plotLabelForms(output, o.parsed, plotVariable(o.parsed));
  return summaryLabelForms(output, o.parsed);
}

/** The variable a plot computed from microdata is about (its spec's `index` or `values`), when it says. */
function plotVariable(parsed: unknown): string | null {
  const spec = (parsed as { spec?: { index?: unknown; values?: unknown } }).spec;
  const v = spec?.index ?? spec?.values;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  return null;
}

/** The label sets of every form read back from the store (the history index's, the review service's), shared. */
const storedLabels = new LabelInterner();

/** A stored form's JSON as parsed: plain objects, `labels` and `constants` still with a prototype. */
interface StoredForm extends Omit<LabelForm, 'cells'> {
  cells: LabelCell[];
}

/**
 * Label forms as stored (`JSON.stringify` of `LabelForm[]`), read back with every record
 * (labels, constants) without a prototype: a stored form without a `constructor` constant
 * must read `constants.constructor` as undefined, not `Object`, or a form that fixes
 * `constructor` would look disjoint from it and never be compared. Those records are shared
 * and frozen (`LabelInterner`): the history keeps every form for the process's life, and a
 * dataset's outputs repeat their label sets. Forms and cells are ordinary objects of one shape
 * each (what they hold is never looked up by a submitted name).
 *
 * @example parseLabelForms(row.form)[0].constants.toString // undefined
 */
export function parseLabelForms(text: string): LabelForm[] {
  // JSON.parse defines `__proto__` as an own key (no prototype change); the records are then rebuilt prototype-free.
  return (JSON.parse(text) as StoredForm[]).map((f) => ({ ...storedFormHead(f), cells: f.cells.map(storedCell) }));
}

/**
 * `parseLabelForms` with the event loop let in every slice: a 40,000-cell form takes a few
 * hundred milliseconds to read back (each cell's labels interned), which the history index
 * must not spend in one piece the first time it reads a large release (issue 13).
 *
 * @example await parseLabelFormsSliced(row.form) // deep-equal to parseLabelForms(row.form)
 */
export async function parseLabelFormsSliced(text: string): Promise<LabelForm[]> {
  return storedSliced(JSON.parse(text) as StoredForm[], (r) => r);
}

/**
 * The forms exactly as `parseLabelForms` would read them back once stored (label records
 * interned and prototype-free, in the order canonical JSON gives them), made from the forms
 * themselves in slices. A release being recorded keeps these in its history reservation, and
 * the history index takes them when it reads the committed entry instead of parsing 40,000
 * cells back — under the differencing lock — a moment after they were made.
 *
 * @example await storedLabelForms(forms) // deep-equal to parseLabelForms(canonicalJson(forms))
 */
export async function storedLabelForms(forms: readonly LabelForm[]): Promise<LabelForm[]> {
  return storedSliced(forms, canonicalOrder);
}

/** Forms with every label record `order`ed and interned (`storedLabels`), a slice at a time. */
async function storedSliced(forms: readonly StoredForm[], order: (r: Readonly<Record<string, string>>) => Readonly<Record<string, string>>): Promise<LabelForm[]> {
  const slicer = loopSlicer();
  const out: LabelForm[] = [];
  for (const f of forms) {
    const cells: LabelCell[] = [];
    for (let i = 0; i < f.cells.length; i++) {
      const c = f.cells[i] ?? outOfRange();
      cells.push(storedCell({ ...c, labels: order(c.labels) }));
      if ((i & 255) === 255) await slicer.pause();
    }
    out.push({ ...storedFormHead({ ...f, constants: order(f.constants) }), cells });
  }
  return out;
}

/** A record's entries in the order canonical JSON writes them, as JSON.parse would give them back. */
function canonicalOrder(r: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function storedFormHead(f: StoredForm): Omit<LabelForm, 'cells'> {
  return { output: f.output, kind: f.kind, dims: f.dims, constants: storedLabels.shared(f.constants), measure: f.measure, nested: f.nested };
}

function storedCell(c: LabelCell): LabelCell {
  const cell: LabelCell = { labels: storedLabels.shared(c.labels), size: c.size, count: c.count, sum: c.sum };
  if (c.ref !== undefined) cell.ref = c.ref;
  return cell;
}
