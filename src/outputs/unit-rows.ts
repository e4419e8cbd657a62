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
 * const rows = readUnitRows(raw.microdata, { categories: [], numbers: ['age'] }, 'patient_id', ctx, 'PLOT_INVALID', '/outputs/0/spec/unit');
 * rows.unitOf?.[0]; // local unit id of row 0
 */
import type { ErrorCode } from '../errors.js';
import type { UnitMembership } from '../lib/unit-membership.js';
import { membershipFromPairs, unitIds } from '../lib/unit-membership.js';
import type { ParseContext } from './output-kind.js';
import { invalid } from './read-fields.js';
import type { CategoryColumn, Columnar, ColumnRequest, NumberColumn } from './table/columnar.js';
import type { MicrodataInput } from './table/table-kind.js';
import { readMicrodata } from './table/table-kind.js';

export interface UnitRows {
  data: Columnar;
  nRows: number;
  /** The unit column as the spec names it; null without one (each row is a contributor). */
  unitColumn: string | null;
  /** Local unit id of each row (an index into `unitValues`); null without a unit column. */
  unitOf: Int32Array | null;
  /** Distinct normalised unit values. Never published, logged or exported. */
  unitValues: string[];
}

/**
 * Reads the microdata with the requested columns and the unit column.
 *
 * @example readUnitRows(m, { categories: ['sex'], numbers: [] }, null, ctx, 'PLOT_INVALID', '/outputs/0/spec/unit').nRows
 */
export function readUnitRows(
  microdata: unknown,
  request: ColumnRequest,
  unit: string | null,
  ctx: ParseContext,
  code: ErrorCode,
  unitPointer: string,
): UnitRows {
  if (unit !== null && (request.categories.includes(unit) || request.numbers.includes(unit))) {
    invalid(code, unitPointer, `the unit column "${unit}" cannot also be a measure or a category of the output`);
  }
  const data = readMicrodata(microdata as MicrodataInput, unit === null ? request : { ...request, categories: [...request.categories, unit] }, ctx);
  if (unit === null) return { data, nRows: data.nRows, unitColumn: null, unitOf: null, unitValues: [] };
  const col = data.columns.get(unit) as CategoryColumn;
  const { code: idOf, values } = unitIds(col.dict);
  const unitOf = new Int32Array(data.nRows);
  for (let r = 0; r < data.nRows; r++) {
    const c = col.codes[r]!;
    const id = c < 0 ? -1 : idOf[c]!;
    if (id < 0) invalid(code, unitPointer, `row ${r + 1} has no value in the unit column "${unit}": every row must belong to a unit`);
    unitOf[r] = id;
  }
  return { data, nRows: data.nRows, unitColumn: unit, unitOf, unitValues: values };
}

/**
 * A numeric column of the rows (NaN = missing).
 *
 * @example numbers(rows, 'age')[0]
 */
export function numbers(rows: UnitRows, name: string): Float64Array {
  return (rows.data.columns.get(name) as NumberColumn).values;
}

/**
 * A category column of the rows.
 *
 * @example categories(rows, 'region').dict
 */
export function categories(rows: UnitRows, name: string): CategoryColumn {
  return rows.data.columns.get(name) as CategoryColumn;
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
  let groups: Uint32Array = new Uint32Array(rows.unitOf ? Math.min(Math.max(rows.nRows, 16), maxPairs) : 0);
  let units: Uint32Array = new Uint32Array(groups.length);
  let pairs = 0;
  for (let r = 0; r < rows.nRows; r++) {
    groupsOf(r, (g) => {
      if (!rows.unitOf) {
        counts[g]!++;
        return;
      }
      if (pairs === groups.length) {
        if (pairs >= maxPairs) invalid(code, pointer, `the output's groups hold more than ${maxPairs} unit memberships; report fewer groups`);
        const size = Math.min(maxPairs, groups.length * 2);
        groups = grow(groups, size);
        units = grow(units, size);
      }
      groups[pairs] = g;
      units[pairs++] = rows.unitOf[r]!;
    });
  }
  if (!rows.unitOf || rows.unitColumn === null) return { counts, units: null };
  const m = membershipFromPairs(groups.subarray(0, pairs), units.subarray(0, pairs), nGroups, rows.unitValues, rows.unitColumn);
  for (let g = 0; g < nGroups; g++) counts[g] = m.offsets[g + 1]! - m.offsets[g]!;
  return { counts, units: m };
}

function grow(a: Uint32Array, size: number): Uint32Array {
  const b = new Uint32Array(size);
  b.set(a);
  return b;
}
