/**
 * Whether a spreadsheet would run a text cell as a formula (CSV injection): a cell beginning
 * with `=`, `+`, `@`, a tab or a carriage return, or with `-` when the cell is not simply a
 * negative number — as written, or once normalised (a full-width `＝` or leading spaces, which
 * some spreadsheets drop or fold, do not hide one). The one definition: the file profiler and
 * `formula_cells` flag what it says, and every CSV airlock writes (`csv-field.ts`) escapes it,
 * so what airlock reviews and what it writes agree.
 *
 * @example isFormulaText('=HYPERLINK("…")') // true
 * @example isFormulaText('-2.5') // false
 * @example isFormulaText(' ＝SUM(A1)') // true
 */
import { normalise } from './normalise.js';

const NEGATIVE_NUMBER = /^-(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;

function startsFormula(text: string): boolean {
  const c = text.charAt(0);
  if (c === '=' || c === '+' || c === '@' || c === '\t' || c === '\r') return true;
  return c === '-' && !NEGATIVE_NUMBER.test(text);
}

/**
 * Whether a spreadsheet would treat the text as a formula.
 *
 * @example isFormulaText('-2.5') // false
 */
export function isFormulaText(text: string): boolean {
  return startsFormula(text) || startsFormula(normalise(text));
}
