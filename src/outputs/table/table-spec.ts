/**
 * The table spec a researcher submits with microdata, normalised: axes as arrays, the
 * statistic named once. Frequency tables have no measure; every other statistic needs one.
 *
 * @example
 * normaliseSpec({ index: 'region', columns: ['sex'], values: 'cost', aggfunc: 'sum' }, '/spec');
 * // { index: ['region'], columns: ['sex'], values: 'cost', statistic: 'sum', margins: false }
 */
import type { TableStatistic } from '../../domain.js';
import { AirlockError } from '../../errors.js';
import type { ColumnRequest } from './columnar.js';

/** Labels of the cells a declaration names: variable → category (normalised when matched). */
export type LabelPattern = Record<string, string>;

export interface TableSpecInput {
  index: string | string[];
  columns?: string | string[];
  values?: string;
  aggfunc?: Exclude<TableStatistic, 'frequency'>;
  margins?: boolean;
  /** The unit column: counts become distinct units, contributions units' totals. */
  unit?: string;
  /** Cells the submitter declares structural zeros (a claim: they must be 0). */
  structural_zeros?: LabelPattern[];
}

export interface TableSpec {
  index: string[];
  columns: string[];
  values: string | null;
  statistic: TableStatistic;
  margins: boolean;
  unit: string | null;
  structuralZeros: LabelPattern[];
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : [...v]);

/** Validates the spec's internal consistency (not the columns' existence: the reader does). */
export function normaliseSpec(input: TableSpecInput, pointer: string): TableSpec {
  const index = asList(input.index);
  const columns = asList(input.columns);
  const values = input.values ?? null;
  // A declaration, not an arrow: calls to it then narrow like a throw.
  function bad(message: string, at: string): never {
    throw new AirlockError('SPEC_INVALID', message, [{ pointer: `${pointer}/${at}`, message }]);
  }
  if (index.length === 0) bad('the spec needs at least one row variable in `index`', 'index');
  const dims = [...index, ...columns];
  const seen = new Set<string>();
  for (const d of dims) {
    if (seen.has(d)) bad(`variable "${d}" appears twice among index and columns`, 'columns');
    seen.add(d);
  }
  if (values !== null && seen.has(values)) bad(`the measure "${values}" is also a dimension`, 'values');
  if (input.aggfunc !== undefined && values === null) bad(`aggfunc "${input.aggfunc}" needs a measure in \`values\``, 'values');
  if (values !== null && input.aggfunc === undefined) bad('a measure in `values` needs an `aggfunc`', 'aggfunc');
  const unit = input.unit ?? null;
  if (unit !== null) {
    if (unit === '') bad('the unit column needs a name', 'unit');
    if (seen.has(unit)) bad(`the unit column "${unit}" is also a dimension`, 'unit');
    if (unit === values) bad(`the unit column "${unit}" is also the measure`, 'unit');
  }
  const structuralZeros = (input.structural_zeros ?? []).map((entry, i) => {
    // Read as JSON may have it: a caller that skipped the request schema is refused, not crashed.
    const z: unknown = entry;
    if (typeof z !== 'object' || z === null || Array.isArray(z) || Object.keys(z).length === 0) bad('a structural zero names at least one variable and its category', `structural_zeros/${i}`);
    for (const [k, v] of Object.entries(z)) if (typeof v !== 'string') bad(`the category of "${k}" must be a string`, `structural_zeros/${i}`);
    return { ...entry };
  });
  return { index, columns, values, statistic: input.aggfunc ?? 'frequency', margins: input.margins ?? false, unit, structuralZeros };
}

/**
 * The columns a spec reads from microdata: dimensions and the unit column as categories, the
 * measure as numbers.
 *
 * @example columnRequest(normaliseSpec({ index: 'r', values: 'v', aggfunc: 'sum', unit: 'pid' }, '/spec'))
 * // { categories: ['r', 'pid'], numbers: ['v'] }
 */
export function columnRequest(spec: TableSpec): ColumnRequest {
  return { categories: [...spec.index, ...spec.columns, ...(spec.unit !== null ? [spec.unit] : [])], numbers: spec.values !== null ? [spec.values] : [] };
}
