/**
 * Microdata given as an array of row objects (`[{ "region": "N", "income": 10 }, …]`) →
 * `Columnar`, with the same meaning as the CSV reader: dimensions become text labels
 * (numbers and booleans via `String()`), `null`/absent/`""` are missing; measures are finite
 * numbers or numeric strings, with the same missing spellings (`NA`, `NaN`, …).
 *
 * Error details carry a JSON pointer relative to the data (`/ROW/COLUMN`); the caller
 * prefixes the pointer of the data in the request. Messages never echo values.
 *
 * @example
 * readJsonRows([{ sex: 'F', income: 10 }, { sex: 'M', income: null }], { categories: ['sex'], numbers: ['income'] });
 * // { nRows: 2, columns: Map { 'sex' → codes [0, 1], dict ['F', 'M']; 'income' → [10, NaN] } }
 */
import { AirlockError } from '../../errors.js';
import { suggestion, suggestionIfOne } from '../../lib/did-you-mean.js';
import { longerThan } from '../../lib/code-points.js';
import { pointerToken } from '../../lib/pointer-token.js';
import { MAX_LABEL_LENGTH } from '../../limits.js';
import type { CategoryColumn, Column, Columnar, ColumnRequest, NumberColumn } from './columnar.js';
import { normaliseRequest } from './normalise-request.js';
import { NOT_A_NUMBER, parseMeasure } from './parse-measure.js';

/**
 * Reads row objects into columns. Only the requested columns are read; other keys are ignored.
 *
 * @example
 * const d = readJsonRows([{ a: '01' }, { a: 1 }], { categories: ['a'], numbers: [] });
 * (d.columns.get('a') as CategoryColumn).dict; // ['01', '1']
 */
export function readJsonRows(rows: unknown, request: ColumnRequest): Columnar {
  const normalised = normaliseRequest(request);
  const { numbers } = normalised;
  if (!Array.isArray(rows)) throw new AirlockError('MICRODATA_INVALID', 'the microdata is not an array of rows', [{ pointer: '', message: 'not an array' }]);
  const n = rows.length;
  if (n === 0) throw new AirlockError('MICRODATA_EMPTY', 'the microdata has no rows');
  const categories = normalised.otherColumns === 'category' ? withOtherKeys(rows, normalised) : normalised.categories;

  // One record per column, so the row loop reads each column's arrays without an index.
  const cats = categories.map((name) => ({ name, codes: new Int32Array(n), dict: new Map<string, number>(), present: false }));
  const nums = numbers.map((name) => ({ name, values: new Float64Array(n), present: false }));

  for (let r = 0; r < n; r++) {
    const row: unknown = rows[r];
    if (!isPlainObject(row)) {
      throw new AirlockError('MICRODATA_INVALID', `row ${r} is not an object`, [{ pointer: `/${r}`, message: 'not an object' }]);
    }
    for (const col of cats) {
      const v = own(row, col.name);
      if (v === undefined) {
        col.codes[r] = -1;
        continue;
      }
      col.present = true;
      col.codes[r] = categoryCode(v, col.dict, r, col.name);
    }
    for (const col of nums) {
      const v = own(row, col.name);
      if (v !== undefined) col.present = true;
      col.values[r] = measure(v, r, col.name);
    }
  }
  // A row without a key is missing there; no row with it means the column isn't there.
  const unknown = [...cats, ...nums].filter((c) => !c.present).map((c) => c.name);
  if (unknown.length) {
    // The keys the rows do have, for a did-you-mean (the first rows are enough to name them).
    const keys = new Set(rows.slice(0, 100).flatMap((row) => (isPlainObject(row) ? Object.keys(row) : [])));
    throw new AirlockError(
      'UNKNOWN_COLUMN',
      `column(s) ${unknown.map((u) => JSON.stringify(u)).join(', ')} not in any row${suggestionIfOne(unknown, keys)}`,
      unknown.map((column) => ({ column, message: `not in any row${suggestion(column, keys)}` })),
    );
  }

  const columns = new Map<string, Column>();
  for (const { name, codes, dict } of cats) {
    const col: CategoryColumn = { type: 'category', codes, dict: [...dict.keys()] };
    columns.set(name, col);
  }
  for (const { name, values } of nums) {
    const col: NumberColumn = { type: 'number', values };
    columns.set(name, col);
  }
  return { nRows: n, columns };
}

/**
 * The requested categories followed by every other key any row has, in order of first
 * appearance (rows that are not objects are reported by the main loop).
 */
function withOtherKeys(rows: unknown[], request: ColumnRequest): string[] {
  const named = new Set([...request.categories, ...request.numbers]);
  const others = new Set<string>();
  for (const row of rows) {
    if (!isPlainObject(row)) continue;
    for (const key of Object.keys(row)) if (!named.has(key)) others.add(key);
  }
  return [...request.categories, ...others];
}

/** Own properties only: a column named `constructor` or `__proto__` must not read the prototype. */
function own(row: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(row, name) ? row[name] : undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function categoryCode(v: unknown, dict: Map<string, number>, r: number, name: string): number {
  let label: string;
  if (typeof v === 'string') label = v;
  else if (typeof v === 'number' || typeof v === 'boolean') label = String(v);
  else if (v === null) return -1;
  else throw new AirlockError('MICRODATA_INVALID', `row ${r}, column ${JSON.stringify(name)}: not a scalar value`, [{ pointer: pointer(r, name), message: 'not a scalar value' }]);
  if (label === '') return -1;
  let code = dict.get(label);
  if (code === undefined) {
    if (longerThan(label, MAX_LABEL_LENGTH)) {
      throw new AirlockError('FIELD_TOO_LARGE', `row ${r}, column ${JSON.stringify(name)}: a label is longer than ${MAX_LABEL_LENGTH} characters`, [
        { pointer: pointer(r, name), column: name, message: `longer than ${MAX_LABEL_LENGTH} characters` },
      ]);
    }
    code = dict.size;
    dict.set(label, code);
  }
  return code;
}

function measure(v: unknown, r: number, name: string): number {
  let x = NOT_A_NUMBER;
  // JSON has no NaN; a caller passing one means "missing", as in the columns themselves.
  if (typeof v === 'number') x = Number.isNaN(v) || Number.isFinite(v) ? v : NOT_A_NUMBER;
  else if (typeof v === 'string') x = parseMeasure(v);
  else if (v === null || v === undefined) x = NaN;
  if (x === NOT_A_NUMBER) {
    throw new AirlockError('NON_NUMERIC_MEASURE', `row ${r}, column ${JSON.stringify(name)}: not a finite number`, [
      { pointer: pointer(r, name), column: name, message: 'not a finite number' },
    ]);
  }
  return x;
}

/** JSON pointer `/ROW/COLUMN`, escaped per RFC 6901. */
function pointer(r: number, name: string): string {
  return `/${r}/${pointerToken(name)}`;
}
