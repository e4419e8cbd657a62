/**
 * `direct_identifiers` on every output kind (sdc-rules.md, "Direct identifiers"): a column,
 * variable, dimension, statistic or term *named* like a direct identifier (governance's
 * `direct_identifier_columns`, matched after normalisation) gets `review`; one at least half
 * of whose non-empty values (a dimension's labels, a list of names) match one of the
 * `identifier_detectors` — NHS or CHI numbers, full postcodes, e-mail addresses, UK phone
 * numbers, birth dates — `fail`s. Findings name the column or dimension and the detector,
 * never a value: a name that is itself an identifier value is replaced by its position.
 *
 * One module per kind would repeat this core six times; instead each kind has an adapter
 * that lists its subjects (what has a name and/or values), and `directIdentifiersFor` turns
 * the adapter into that kind's check.
 *
 * @example
 * directIdentifiersFile.run(parseFile(extractCsv, ctx), DEFAULT_PARAMETERS, ctx)[0].status // 'fail'
 */
import type { ItemFinding, OutputKind } from '../domain.js';
import type { DetectorHit } from '../lib/identifier-detectors.js';
import { DETECTOR_NOUNS, addToTally, columnVerdict, detectorBits, emptyTally, showableName, valuesVerdict } from '../lib/identifier-detectors.js';
import { identifierNameMatcher } from '../lib/identifier-names.js';
import { columnIdentifier } from '../outputs/file/delimited-profile.js';
import type { FileOutput } from '../outputs/file/file-output.js';
import { walkNodes } from '../outputs/file/inspect-file.js';
import type { ModelOutput } from '../outputs/model/model-output.js';
import type { PlotOutput } from '../outputs/plot/plot-output.js';
import type { RecordsOutput } from '../outputs/records/records-output.js';
import type { SummaryOutput } from '../outputs/summary/summary-output.js';
import type { CategoryColumn } from '../outputs/table/columnar.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import type { Parameters } from '../rules/parameters.js';
import type { Check } from './check.js';
import { itemCheck } from './item-check.js';
import { countOf } from './threshold-reasons.js';
import { at } from '../lib/invariant.js';

/** Something of an output that may be a direct identifier: a named column, a set of labels, or both. */
export interface IdentifierSubject {
  /** How findings refer to it (`column 2 ("nhs_number")`, `dimension "region"`): never a value. */
  ref: string;
  /** The name checked against `direct_identifier_columns`; null when it has none. */
  name: string | null;
  /** What at least half of its values are, when it has values. */
  hit: DetectorHit | null;
}

/** The subjects that are direct identifiers, with the status each implies. */
export interface IdentifierItem extends ItemFinding {
  status: 'fail' | 'review';
}

const matchers = new WeakMap<readonly string[], (name: string) => string | null>();

/** The name matcher for a parameter set (built once per list). */
export function nameMatcher(p: Parameters): (name: string) => string | null {
  const list = p.direct_identifier_columns;
  let m = matchers.get(list);
  if (!m) {
    m = identifierNameMatcher(list);
    matchers.set(list, m);
  }
  return m;
}

/**
 * What a detector hit says, without the values.
 *
 * @example hitReason({ detector: 'nhs_number', matches: 40, nonEmpty: 50 }) // '40 of 50 non-empty values (80%) are NHS numbers'
 */
export function hitReason(hit: DetectorHit): string {
  const share = Math.floor((hit.matches / hit.nonEmpty) * 100);
  return `${hit.matches} of ${countOf(hit.nonEmpty, 'non-empty value')} (${share}%) are ${DETECTOR_NOUNS[hit.detector]} (detector ${hit.detector})`;
}

/**
 * The flagged subjects: value listings (fail) and identifier names (review).
 *
 * @example identifierItems([{ ref: 'column 1 ("dob")', name: 'dob', hit: null }], DEFAULT_PARAMETERS)[0].status // 'review'
 */
export function identifierItems(subjects: Iterable<IdentifierSubject>, p: Parameters): IdentifierItem[] {
  const match = nameMatcher(p);
  const out: IdentifierItem[] = [];
  for (const s of subjects) {
    const named = s.name === null ? null : match(s.name);
    const reasons: string[] = [];
    if (s.hit) reasons.push(hitReason(s.hit));
    if (named !== null) reasons.push(`named like the direct identifier "${named}"`);
    if (reasons.length) out.push({ ref: s.ref, value: s.hit ? s.hit.matches : null, reason: reasons.join('; '), status: s.hit ? 'fail' : 'review' });
  }
  return out;
}

/**
 * The subject for a named set of values (a dimension and its labels, a column and its values).
 *
 * @example labelSubject('dimension "region"', 'region', ['north', 'south'], p).hit // null
 */
export function labelSubject(ref: string, name: string | null, values: Iterable<string>, p: Parameters): IdentifierSubject {
  return { ref, name, hit: valuesVerdict(name, values, p.identifier_detectors) };
}

/** Caches an adapter's items per parsed output, so status, message and items agree and are computed once. */
function cached<P extends object>(subjects: (parsed: P, p: Parameters) => Iterable<IdentifierSubject> | null) {
  const memo = new WeakMap<P, { p: Parameters; items: IdentifierItem[] | null }>();
  return (parsed: P, p: Parameters): IdentifierItem[] | null => {
    const hit = memo.get(parsed);
    if (hit && hit.p === p) return hit.items;
    const list = subjects(parsed, p);
    const items = list === null ? null : identifierItems(list, p);
    memo.set(parsed, { p, items });
    return items;
  };
}

/**
 * The `direct_identifiers` check of one output kind, from its adapter.
 *
 * @example export const directIdentifiersTable = directIdentifiersFor<CellTable>('table', 'dimensions or the measure', tableSubjects);
 */
export function directIdentifiersFor<P extends object>(kind: OutputKind, what: string, subjects: (parsed: P, p: Parameters) => Iterable<IdentifierSubject> | null): Check<P> {
  const items = cached(subjects);
  return itemCheck<P>({
    id: 'direct_identifiers',
    kind,
    status: (parsed, p) => ((items(parsed, p) ?? []).some((i) => i.status === 'fail') ? 'fail' : 'review'),
    flag: (parsed, p) => {
      const list = items(parsed, p);
      return list === null ? null : list.map(({ status: _s, ...item }) => item);
    },
    message: (n, parsed, p) => {
      const fails = (items(parsed, p) ?? []).filter((i) => i.status === 'fail').length;
      return fails > 0
        ? `${fails} of its ${what} ${fails === 1 ? 'is a listing' : 'are listings'} of direct identifiers${n > fails ? `, and ${n - fails} more ${n - fails === 1 ? 'is' : 'are'} named like one` : ''}.`
        : `${n} of its ${what} ${n === 1 ? 'is' : 'are'} named like a direct identifier; an output checker must confirm ${n === 1 ? 'it holds' : 'they hold'} no identifying values.`;
    },
    remedy: (_n, parsed, p) =>
      (items(parsed, p) ?? []).some((i) => i.status === 'fail')
        ? 'Remove the identifier columns or labels (NHS/CHI numbers, postcodes, e-mail addresses, telephone numbers, birth dates): release aggregates, or coarsened values such as age bands or postcode districts.'
        : 'Rename or remove the columns named like direct identifiers, or explain in an exception justification what they hold.',
    passMessage: () => `None of its ${what} is named like a direct identifier or holds identifier values.`,
  });
}

// ---- The adapters: what each kind has that may be a direct identifier. ----

/** Names a column by position and, when showable, by its header. */
function columnRef(prefix: string, index: number, name: string | null): string {
  return `${prefix}column ${index + 1}${name !== null && showableName(name) ? ` ("${name}")` : ''}`;
}

/** Per-detector tally of a dictionary-encoded column, each distinct value tested once. */
function categoryHit(name: string | null, col: CategoryColumn, p: Parameters): DetectorHit | null {
  const freq = new Float64Array(col.dict.length);
  for (let i = 0; i < col.codes.length; i++) {
    const c = col.codes[i] ?? -1;
    if (c >= 0) freq[c] = (freq[c] ?? 0) + 1;
  }
  const tally = emptyTally();
  col.dict.forEach((v, c) => {
    const n = freq[c] ?? 0;
    if (n > 0 && v.trim() !== '') addToTally(tally, detectorBits(v, p.identifier_detectors), n);
  });
  return columnVerdict(name, tally, p.identifier_detectors);
}

/** Files: every column of every delimited text, the file's and its archive members'; and headers that are values. */
function* fileSubjects(file: FileOutput, p: Parameters): Generator<IdentifierSubject> {
  for (const node of walkNodes(file.root)) {
    const text = node.text;
    if (!text) continue;
    const prefix = node.depth === 0 ? '' : `${node.path}: `;
    for (const c of text.columns) yield { ref: columnRef(prefix, c.column - 1, c.header), name: c.header, hit: columnIdentifier(c, p.identifier_detectors) };
    // A transposed listing: the header row itself is the identifiers.
    const headers = text.columns.map((c) => c.header ?? '');
    yield labelSubject(`${prefix}the header row (column names)`, null, headers, p);
  }
}

/** Only when some node is text: a PNG has no columns to check. */
function fileHasText(file: FileOutput): boolean {
  for (const node of walkNodes(file.root)) if (node.text) return true;
  return false;
}

export const directIdentifiersFile = directIdentifiersFor<FileOutput>('file', 'columns', (f, p) => (fileHasText(f) ? fileSubjects(f, p) : null));

/** Record extracts: every column, whatever the submitter declared. */
export const directIdentifiersRecords = directIdentifiersFor<RecordsOutput>('records', 'columns', (r, p) =>
  r.columns.map((name, i) => ({ ref: columnRef('', i, name), name, hit: categoryHit(name, at(r.columnData, i), p) })),
);

/** Tables: each dimension's variable name and its set of labels (margins excluded), and the measure's name. */
export const directIdentifiersTable = directIdentifiersFor<CellTable>('table', 'dimensions', (t, p) => {
  const out: IdentifierSubject[] = [];
  for (const axis of [t.rows, t.cols]) {
    axis.vars.forEach((v, i) => {
      const labels = new Set<string>();
      axis.keys.forEach((key, k) => {
        if (k !== axis.margin) labels.add(key[i] ?? '');
      });
      out.push(labelSubject(showableName(v) ? `dimension "${v}"` : `dimension ${out.length + 1}`, v, labels, p));
    });
  }
  if (t.measure !== null) out.push({ ref: showableName(t.measure) ? `measure "${t.measure}"` : 'the measure', name: t.measure, hit: null });
  return out;
});

/** Plots: the categories of bar and pie charts (other plots have no labels). */
export const directIdentifiersPlot = directIdentifiersFor<PlotOutput>('plot', 'category sets', (plot, p) =>
  plot.type === 'bar' || plot.type === 'pie' ? [labelSubject('categories', null, plot.categories.map((c) => c.label), p)] : null,
);

/** Summaries: each statistic's name, and the names as a set. */
export const directIdentifiersSummary = directIdentifiersFor<SummaryOutput>('summary', 'statistic names', (s, p) => {
  const names = [...new Set(s.statistics.map((x) => x.name))];
  return [
    ...names.map((n, i) => ({ ref: showableName(n) ? `statistic "${n}"` : `statistic name ${i + 1}`, name: n, hit: null })),
    labelSubject('the statistic names', null, names, p),
  ];
});

/**
 * A model term as variable and level: patsy `C(x)[T.level]` / `x[T.level]`, `x=level`, or
 * one-hot `x_level`; a term without a level is its own variable.
 *
 * @example splitTerm('C(postcode)[T.AB1 2CD]') // { variable: 'postcode', level: 'AB1 2CD' }
 */
export function splitTerm(term: string): { variable: string; level: string | null } {
  const patsy = /^(?:C\()?(.+?)\)?\[(?:T\.)?(.*)\]$/.exec(term);
  if (patsy?.[1] !== undefined && patsy[2] !== undefined) return { variable: patsy[1], level: patsy[2] };
  const eq = /^([^=]+)=(.+)$/.exec(term);
  if (eq?.[1] !== undefined && eq[2] !== undefined) return { variable: eq[1], level: eq[2] };
  const us = /^(.+)_([^_]+)$/.exec(term);
  if (us?.[1] !== undefined && us[2] !== undefined) return { variable: us[1], level: us[2] };
  return { variable: term, level: null };
}

/** Regression models: each term by name, each variable's levels by value, and the terms as a set. */
export const directIdentifiersModel = directIdentifiersFor<ModelOutput>('model', 'coefficient terms', (m, p) => {
  if (m.type !== 'regression') return null;
  const terms = [...new Set(m.coefficients.map((c) => c.term))];
  const levels = new Map<string, string[]>();
  for (const term of terms) {
    const { variable, level } = splitTerm(term);
    if (level !== null) levels.set(variable, [...(levels.get(variable) ?? []), level]);
  }
  const out: IdentifierSubject[] = terms.map((term, i) => ({ ref: showableName(term) ? `term "${term}"` : `term ${i + 1}`, name: term, hit: null }));
  let i = 0;
  for (const [variable, lv] of levels) {
    i++;
    out.push(labelSubject(`${showableName(variable) ? `term "${variable}"` : `term variable ${i}`} (its ${lv.length} levels)`, variable, lv, p));
  }
  out.push(labelSubject('the coefficient terms', null, terms, p));
  return out;
});
