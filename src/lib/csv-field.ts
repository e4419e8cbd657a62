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
import { isFormulaText } from './formula-text.js';

export { isFormulaText };

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
