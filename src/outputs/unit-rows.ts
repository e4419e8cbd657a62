/**
 * Microdata sent with a plot or a summary (`microdata` + `spec`, the way tables take it):
 * the columns the spec names, and — when the spec names a `unit` column (sdc-rules.md
 * "Units") — each row's unit, so that every count is a count of distinct units and the
 * output's groups carry their `UnitMembership` for differencing.
 *
 * A row without a unit value is bad input: it could not be counted as anyone, and silently
 * dropping it would change counts behind the researcher's back (fail closed).
 *
 * @example
 * const rows = readUnitRows(microdata, { categories: [], numbers: ['age'] }, 'patient_id', ctx, 'PLOT_INVALID', '/outputs/0/spec/unit');
 * rows.unit?.of[0]; // local unit id of row 0
 */
import type { ErrorCode } from '../errors.js';
import { got, invariant, outOfRange } from '../lib/invariant.js';
import type { UnitMembership } from '../lib/unit-membership.js';
import { membershipFromPairs, unitIds } from '../lib/unit-membership.js';
import type { ParseContext } from './output-kind.js';
import { invalid } from './read-fields.js';
import type { CategoryColumn, Columnar, ColumnRequest } from './table/columnar.js';
import type { MicrodataInput } from './table/table-kind.js';
import { readMicrodata } from './table/table-kind.js';

/** The unit column of the rows: one value, never absent, per row. */
export interface RowUnits {
  /** The unit column as the spec names it. */
  column: string;
  /** Local unit id of each row (an index into `values`). */
  of: Int32Array;
  /** Distinct normalised unit values. Never published, logged or exported. */
  values: string[];
}

export interface UnitRows {
  data: Columnar;
  nRows: number;
  /** The rows' units; null without a unit column (each row is a contributor). */
  unit: RowUnits | null;
}

/**
 * Reads the microdata with the requested columns and the unit column.
 *
 * @example readUnitRows(m, { categories: ['sex'], numbers: [] }, null, ctx, 'PLOT_INVALID', '/outputs/0/spec/unit').nRows
 */
export function readUnitRows(
  microdata: MicrodataInput,
  request: ColumnRequest,
  unit: string | null,
  ctx: ParseContext,
  code: ErrorCode,
  unitPointer: string,
): UnitRows {
  if (unit !== null && (request.categories.includes(unit) || request.numbers.includes(unit))) {
    invalid(code, unitPointer, `the unit column "${unit}" cannot also be a measure or a category of the output`);
  }
  const data = readMicrodata(microdata, unit === null ? request : { ...request, categories: [...request.categories, unit] }, ctx);
  if (unit === null) return { data, nRows: data.nRows, unit: null };
  const col = categoryColumn(data, unit);
  const { code: idOf, values } = unitIds(col.dict);
  const of = new Int32Array(data.nRows);
  for (let r = 0; r < data.nRows; r++) {
    const c = col.codes[r] ?? outOfRange();
    const id = c < 0 ? -1 : (idOf[c] ?? outOfRange());
    if (id < 0) invalid(code, unitPointer, `row ${r + 1} has no value in the unit column "${unit}": every row must belong to a unit`);
    of[r] = id;
  }
  return { data, nRows: data.nRows, unit: { column: unit, of, values } };
}

// The readers return every requested column with the type it was requested as; a column
// missing or of the other type here is a bug, not the researcher's input.
function categoryColumn(data: Columnar, name: string): CategoryColumn {
  const col = got(data.columns, name);
  invariant(col.type === 'category', `the column "${name}" was requested as categories`);
  return col;
}

/**
 * A numeric column of the rows (NaN = missing).
 *
 * @example numbers(rows, 'age')[0]
 */
export function numbers(rows: UnitRows, name: string): Float64Array {
  const col = got(rows.data.columns, name);
  invariant(col.type === 'number', `the column "${name}" was requested as numbers`);
  return col.values;
}

/**
 * A category column of the rows.
 *
 * @example categories(rows, 'region').dict
 */
export function categories(rows: UnitRows, name: string): CategoryColumn {
  return categoryColumn(rows.data, name);
}

/**
 * Counts per group: rows, or with a unit column distinct units. `groupOf(row)` gives the
 * groups a row falls into (none, one, or — for a survival curve's nested risk sets — many).
 * With a unit column, also the groups' `UnitMembership`. The memberships are bounded by
 * `maxPairs` (bad input beyond), so nested groups over many rows cannot exhaust memory.
 *
 * @example
 * const { counts, units } = groupCounts(rows, nBins, (r, add) => add(binOf[r]), limits.maxRows, 'PLOT_INVALID', '/outputs/0');
 */
export function groupCounts(
  rows: UnitRows,
  nGroups: number,
  groupsOf: (row: number, add: (group: number) => void) => void,
  maxPairs: number,
  code: ErrorCode,
  pointer: string,
): { counts: number[]; units: UnitMembership | null } {
  const counts = new Array<number>(nGroups).fill(0);
  const unit = rows.unit;
  let groups: Uint32Array = new Uint32Array(unit ? Math.min(Math.max(rows.nRows, 16), maxPairs) : 0);
  let units: Uint32Array = new Uint32Array(groups.length);
  let pairs = 0;
  for (let r = 0; r < rows.nRows; r++) {
    groupsOf(r, (g) => {
      if (!unit) {
        counts[g] = (counts[g] ?? outOfRange()) + 1;
        return;
      }
      if (pairs === groups.length) {
        if (pairs >= maxPairs) invalid(code, pointer, `the output's groups hold more than ${maxPairs} unit memberships; report fewer groups`);
        const size = Math.min(maxPairs, groups.length * 2);
        groups = grow(groups, size);
        units = grow(units, size);
      }
      groups[pairs] = g;
      units[pairs++] = unit.of[r] ?? outOfRange();
    });
  }
  if (!unit) return { counts, units: null };
  const m = membershipFromPairs(groups.subarray(0, pairs), units.subarray(0, pairs), nGroups, unit.values, unit.column);
  for (let g = 0; g < nGroups; g++) counts[g] = (m.offsets[g + 1] ?? outOfRange()) - (m.offsets[g] ?? outOfRange());
  return { counts, units: m };
}

function grow(a: Uint32Array, size: number): Uint32Array {
  const b = new Uint32Array(size);
  b.set(a);
  return b;
}
