/**
 * Whether a spreadsheet would run a text cell as a formula (CSV injection): a cell beginning
 * with `=`, `+`, `@`, a tab or a carriage return, or with `-` when the cell is not simply a
 * negative number. Shared by the file profiler (which counts such cells while it reads a
 * file) and `formula_cells`.
 *
 * @example isFormulaText('=HYPERLINK("…")') // true
 * @example isFormulaText('-2.5') // false
 */

const NEGATIVE_NUMBER = /^-(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Whether a spreadsheet would treat the text as a formula.
 *
 * @example isFormulaText('-2.5') // false
 */
export function isFormulaText(text: string): boolean {
  const c = text.charAt(0);
  if (c === '=' || c === '+' || c === '@' || c === '\t' || c === '\r') return true;
  return c === '-' && !NEGATIVE_NUMBER.test(text);
}
