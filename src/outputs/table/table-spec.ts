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

export interface TableSpecInput {
  index: string | string[];
  columns?: string | string[];
  values?: string;
  aggfunc?: Exclude<TableStatistic, 'frequency'>;
  margins?: boolean;
}

export interface TableSpec {
  index: string[];
  columns: string[];
  values: string | null;
  statistic: TableStatistic;
  margins: boolean;
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : [...v]);

/** Validates the spec's internal consistency (not the columns' existence: the reader does). */
export function normaliseSpec(input: TableSpecInput, pointer: string): TableSpec {
  const index = asList(input.index);
  const columns = asList(input.columns);
  const values = input.values ?? null;
  const bad = (message: string, at: string): never => {
    throw new AirlockError('SPEC_INVALID', message, [{ pointer: `${pointer}/${at}`, message }]);
  };
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
  return { index, columns, values, statistic: input.aggfunc ?? 'frequency', margins: input.margins ?? false };
}
