/**
 * `kind: "records"`: record-level microdata (`{ format: 'csv' | 'json', data }`, read by
 * the same readers as tables), **every column** read as text. Quasi-identifiers are every
 * column except governance's `sensitive_attributes` (matched by `nameKey`: `Diagnosis`,
 * `ICD-10`); the submitter's `quasi_identifiers` may add a column, never exclude one. The
 * sensitive columns are the governance-listed ones present plus any the submitter declares
 * in `sensitive`; a declared one that governance does not list stays a quasi-identifier too
 * (sdc-rules.md principle 2: a declaration never turns a check off).
 *
 * Bad input: `RECORDS_INVALID` (a malformed or repeated column name, microdata of the wrong
 * shape), `UNKNOWN_COLUMN` (a named column the microdata does not have) or the readers'
 * codes (`CSV_RAGGED`, …).
 *
 * @example
 * recordsKind.parse({ name: 'r', kind: 'records', microdata: { format: 'csv', data: 'age,sex,diagnosis\n30,F,E11\n' } }, ctx);
 * // quasi-identifiers age, sex; sensitive diagnosis
 */
import { AirlockError } from '../../errors.js';
import { suggestion } from '../../lib/did-you-mean.js';
import { at, outOfRange } from '../../lib/invariant.js';
import { nameKeys, nameKey } from '../../lib/name-key.js';
import { normalise } from '../../lib/normalise.js';
import { microdataInput } from '../microdata-input.js';
import type { OutputKindModule, ParseContext, RawOutput } from '../output-kind.js';
import { invalid, readFields } from '../read-fields.js';
import type { CategoryColumn, Columnar } from '../table/columnar.js';
import { readMicrodata } from '../table/table-kind.js';
import { equivalenceClasses } from './equivalence-classes.js';
import type { RecordsOutput, SensitiveColumn } from './records-output.js';

/**
 * The microdata column a submitter's name means: the same name, else the one column equal
 * to it after normalisation (`"Diagnosis"` for `diagnosis`); `UNKNOWN_COLUMN` otherwise.
 */
function findColumn(columns: readonly string[], name: string, pointer: string): string {
  if (columns.includes(name)) return name;
  const same = columns.filter((c) => normalise(c) === normalise(name));
  if (same.length === 1) return at(same, 0);
  const hint = suggestion(name, columns);
  throw new AirlockError('UNKNOWN_COLUMN', `${pointer}: the microdata has no column "${name}"${hint}`, [{ pointer, column: name, message: `not a column of the microdata${hint}` }]);
}

/** The column with its values normalised: codes of distinct normalised values, "" = missing. */
export function normalisedValues(col: CategoryColumn): CategoryColumn {
  const index = new Map<string, number>();
  const remap = new Int32Array(col.dict.length);
  col.dict.forEach((label, i) => {
    const n = normalise(label);
    if (n === '') {
      remap[i] = -1;
      return;
    }
    let code = index.get(n);
    if (code === undefined) index.set(n, (code = index.size));
    remap[i] = code;
  });
  const codes = new Int32Array(col.codes.length);
  for (let r = 0; r < codes.length; r++) {
    const c = col.codes[r] ?? outOfRange();
    codes[r] = c < 0 ? -1 : (remap[c] ?? outOfRange());
  }
  return { type: 'category', codes, dict: [...index.keys()] };
}

function categoryColumn(data: Columnar, name: string, pointer: string): CategoryColumn {
  const col = data.columns.get(name);
  return col && col.type === 'category' ? col : invalid('RECORDS_INVALID', pointer, `column "${name}" was not read`);
}

/**
 * Parses a records output and computes its equivalence classes.
 *
 * @example parseRecords(raw, ctx).classes.sizes
 */
export function parseRecords(raw: RawOutput, ctx: ParseContext): RecordsOutput {
  const f = readFields(raw, ctx.pointer, 'RECORDS_INVALID');
  const addedQis = f.optNames('quasi_identifiers') ?? [];
  const declared = f.optNames('sensitive') ?? [];
  if (!f.has('microdata')) invalid('RECORDS_INVALID', f.at('microdata'), 'is required');
  const microdata = microdataInput(raw.microdata, f.at('microdata'), 'RECORDS_INVALID');

  const data = readMicrodata(microdata, { categories: [], numbers: [], otherColumns: 'category' }, ctx);
  const columns = [...data.columns.keys()];
  const governance = nameKeys(ctx.params.sensitive_attributes);
  const added = new Set(addedQis.map((n, i) => findColumn(columns, n, `${f.at('quasi_identifiers')}/${i}`)));
  const declaredCols = new Set(declared.map((n, i) => findColumn(columns, n, typeof raw.sensitive === 'string' ? f.at('sensitive') : `${f.at('sensitive')}/${i}`)));

  const isGoverned = (c: string): boolean => governance.has(nameKey(c));
  // A sensitive attribute is something the reader does not already know. A column named like
  // one whose values mostly identify single records (an NHS number or a birth date under the
  // name "diagnosis") is not behaving as one: it stays a quasi-identifier.
  const identifying = columns.filter((c) => isGoverned(c) && identifiesRecords(categoryColumn(data, c, ctx.pointer), ctx.params.k));
  const quasiIdentifiers = columns.filter((c) => !isGoverned(c) || added.has(c) || identifying.includes(c));
  const qiColumns = quasiIdentifiers.map((c) => categoryColumn(data, c, ctx.pointer));
  const classes = equivalenceClasses(qiColumns, data.nRows);
  const sensitive: SensitiveColumn[] = columns
    .filter((c) => isGoverned(c) || declaredCols.has(c))
    .map((name) => {
      const isQi = quasiIdentifiers.includes(name);
      return {
        name,
        source: isGoverned(name) ? 'governance' : 'declared',
        values: normalisedValues(categoryColumn(data, name, ctx.pointer)),
        // A sensitive column that is also a quasi-identifier varies within the classes of the others.
        classes: isQi ? equivalenceClasses(qiColumns.filter((_, j) => quasiIdentifiers[j] !== name), data.nRows) : classes,
      };
    });
  const columnData = columns.map((c) => categoryColumn(data, c, ctx.pointer));
  return { nRows: data.nRows, columns, columnData, quasiIdentifiers, qiColumns, classes, sensitive, identifyingSensitive: identifying };
}

/**
 * Whether a column's published values mostly single out records: at least `k` values occur
 * once, and they are more than half of the non-missing values. Diagnosis codes in an extract
 * repeat; identifiers, birth dates and postcodes do not.
 *
 * @example identifiesRecords(nhsNumberColumn, 10) // true
 */
export function identifiesRecords(col: CategoryColumn, k: number): boolean {
  const seen = new Int32Array(col.dict.length);
  let present = 0;
  for (const c of col.codes) if (c >= 0) (seen[c] = (seen[c] ?? outOfRange()) + 1), present++;
  let once = 0;
  for (const n of seen) if (n === 1) once++;
  return once >= k && once * 2 > present;
}

export const recordsKind: OutputKindModule<RecordsOutput> = { kind: 'records', parse: parseRecords };
