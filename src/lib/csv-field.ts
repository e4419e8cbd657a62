/**
 * Writing CSV that is safe to open in a spreadsheet (OWASP "CSV injection"): a cell that a
 * spreadsheet would run as a formula is written as text — prefixed with a single quote and
 * quoted — and any field holding a quote, comma or line break is quoted with `""` escapes
 * (RFC 4180). `isFormulaText` is also what the `formula_cells` check flags in submitted CSV
 * files, so what airlock writes and what it reviews agree.
 *
 * @example
 * csvRow(['=1+2', 'north', -12, null]) // `"'=1+2",north,-12,`
 */
import { normalise } from './normalise.js';

const NEGATIVE_NUMBER = /^-(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function startsFormula(text: string): boolean {
  const c = text.charAt(0);
  if (c === '=' || c === '+' || c === '@' || c === '\t' || c === '\r') return true;
  return c === '-' && !NEGATIVE_NUMBER.test(text);
}

/**
 * Whether a spreadsheet could treat the text as a formula: it begins with `=`, `+`, `@`, a
 * tab or a carriage return, or with `-` when it is not a number — as written, or once
 * normalised (so a full-width `＝` or leading spaces, which some spreadsheets drop or fold,
 * do not hide one).
 *
 * @example isFormulaText('-2.5') // false
 * @example isFormulaText(' ＝SUM(A1)') // true
 */
export function isFormulaText(text: string): boolean {
  return startsFormula(text) || startsFormula(normalise(text));
}

const NEEDS_QUOTES = /[",\n\r]/;

/**
 * One CSV field: '' for a missing value (null, undefined, NaN), a number as JavaScript prints
 * it, text quoted when it must be and neutralised when it could run as a formula.
 *
 * @example csvField('@SUM(A1)') // `"'@SUM(A1)"`
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) return '';
  const text = String(value);
  if (typeof value === 'string' && isFormulaText(text)) return `"'${text.replace(/"/g, '""')}"`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One CSV line (without its line end).
 *
 * @example csvRow(['a,b', 1]) // '"a,b",1'
 */
export function csvRow(values: readonly (string | number | null | undefined)[]): string {
  return values.map(csvField).join(',');
}
