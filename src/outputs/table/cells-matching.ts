/**
 * The cells of a table that a label pattern names: a pattern is an object of variable →
 * category, compared after `normalise()` (so `{ Sex: "Male" }` names the cells labelled
 * `{ sex: "male " }`). Every variable of the pattern must be a variable of the table, and a
 * cell matches when its label on each of them is the pattern's; variables the pattern does
 * not name may take any category, margins (`All`) included. Structural zeros — governance's
 * list and the submitter's declarations — are patterns.
 *
 * @example
 * cellsMatching(t, { sex: 'male', pregnant: 'yes' }); // [5] in a sex × pregnant table
 * cellsMatching(t, { age: '90+' });                   // null: the table has no variable "age"
 */
import { normalise } from '../../lib/normalise.js';
import type { Axis, CellTable } from './cell-table.js';

/** Positions on one axis whose labels agree with the pattern's variables on that axis. */
function matchingPositions(axis: Axis, wanted: Map<string, string>): number[] {
  const vars = axis.vars.map((v) => normalise(v));
  const out: number[] = [];
  axis.keys.forEach((key, pos) => {
    if (vars.every((v, i) => !wanted.has(v) || wanted.get(v) === normalise(key[i] ?? ''))) out.push(pos);
  });
  return out;
}

/**
 * Indices (ascending) of the cells `pattern` names, or null when it names a variable the
 * table does not have.
 *
 * @example cellsMatching(t, { region: 'North' }) // [0, 1, 2]: north × every column
 */
export function cellsMatching(t: CellTable, pattern: Readonly<Record<string, string>>): number[] | null {
  const wanted = new Map<string, string>();
  for (const [k, v] of Object.entries(pattern)) wanted.set(normalise(k), normalise(v));
  const known = new Set([...t.rows.vars, ...t.cols.vars].map((v) => normalise(v)));
  for (const v of wanted.keys()) if (!known.has(v)) return null;
  const rows = matchingPositions(t.rows, wanted);
  const cols = matchingPositions(t.cols, wanted);
  const nC = t.cols.keys.length;
  const out: number[] = [];
  for (const r of rows) for (const c of cols) out.push(r * nC + c);
  return out;
}
