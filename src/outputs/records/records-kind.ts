/**
 * `kind: "records"`: record-level microdata (`{ format: 'csv' | 'json', data }`, read by
 * the same readers as tables) with its `quasi_identifiers` and an optional `sensitive`
 * column, all read as categories. Bad input throws `RECORDS_INVALID` (no or repeated
 * quasi-identifiers, a sensitive column that is also a quasi-identifier, a microdata object
 * of the wrong shape) or the readers' codes (`UNKNOWN_COLUMN`, `CSV_RAGGED`, …).
 *
 * @example
 * recordsKind.parse({ name: 'r', kind: 'records', microdata: { format: 'csv', data: 'age,sex\n30,F\n' }, quasi_identifiers: ['age', 'sex'] }, ctx);
 */
import type { OutputKindModule, ParseContext, RawOutput } from '../output-kind.js';
import { invalid, readFields } from '../read-fields.js';
import type { CategoryColumn } from '../table/columnar.js';
import type { MicrodataInput } from '../table/table-kind.js';
import { readMicrodata } from '../table/table-kind.js';
import { microdataColumnNames } from '../table/microdata-columns.js';
import { equivalenceClasses } from './equivalence-classes.js';
import type { RecordsOutput } from './records-output.js';

function columnNames(list: unknown[], at: string): string[] {
  const names = list.map((v, i) => (typeof v === 'string' && v !== '' ? v : invalid('RECORDS_INVALID', `${at}/${i}`, 'must be a non-empty column name')));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) invalid('RECORDS_INVALID', at, `"${dup}" is named twice`);
  return names;
}

/**
 * Parses a records output and computes its equivalence classes.
 *
 * @example parseRecords(raw, ctx).classes.sizes
 */
export function parseRecords(raw: RawOutput, ctx: ParseContext): RecordsOutput {
  const f = readFields(raw, ctx.pointer, 'RECORDS_INVALID');
  const qiList = f.array('quasi_identifiers');
  if (qiList.length === 0) invalid('RECORDS_INVALID', f.at('quasi_identifiers'), 'name at least one quasi-identifier column');
  const quasiIdentifiers = columnNames(qiList, f.at('quasi_identifiers'));
  const sensitive = f.optString('sensitive') ?? null;
  if (sensitive !== null && quasiIdentifiers.includes(sensitive)) invalid('RECORDS_INVALID', f.at('sensitive'), `"${sensitive}" is also a quasi-identifier`);
  const m = readFields(f.optObject('microdata') ?? invalid('RECORDS_INVALID', f.at('microdata'), 'is required'), f.at('microdata'), 'RECORDS_INVALID');
  const format = m.string('format');
  if (format !== 'csv' && format !== 'json') invalid('RECORDS_INVALID', m.at('format'), `must be "csv" or "json" (got "${format}")`);
  if (!m.has('data')) invalid('RECORDS_INVALID', m.at('data'), 'is required');

  const names = sensitive === null ? quasiIdentifiers : [...quasiIdentifiers, sensitive];
  // Every column of the extract is read: direct_identifiers checks them all, whatever the submitter names.
  // In the extract's own order, so findings number columns as the submitter sees them.
  const allNames = [...new Set([...microdataColumnNames(raw.microdata as MicrodataInput), ...names])];
  const data = readMicrodata(raw.microdata as MicrodataInput, { categories: allNames, numbers: [] }, ctx);
  const column = (name: string): CategoryColumn => {
    const col = data.columns.get(name);
    return col && col.type === 'category' ? col : invalid('RECORDS_INVALID', ctx.pointer, `column "${name}" was not read`);
  };
  const qiColumns = quasiIdentifiers.map(column);
  return {
    nRows: data.nRows,
    quasiIdentifiers,
    qiColumns,
    sensitive,
    sensitiveColumn: sensitive === null ? null : column(sensitive),
    classes: equivalenceClasses(qiColumns, data.nRows),
    columns: allNames.map((name) => ({ name, column: column(name) })),
  };
}

export const recordsKind: OutputKindModule<RecordsOutput> = { kind: 'records', parse: parseRecords };
