/**
 * `formula_cells` on CSV files: a cell (header included) beginning with `=`, `+`, `@`, a
 * tab or a carriage return, or with `-` when it is not a number — as written or once
 * normalised (`isFormulaText`, shared with the CSV airlock writes) — would run as a formula
 * when the file is opened in a spreadsheet, so it goes to review. Each distinct text is tested
 * once per column; findings give the row and column, never the cell's text. A CSV that
 * cannot be read goes to review too, since formulas cannot be ruled out.
 *
 * @example formulaCells.run(parseFile({ …, filename: 'a.csv', content_base64: base64('a\n=1+2\n') }, ctx), DEFAULT_PARAMETERS, ctx)[0].status // 'review'
 */
import type { ItemFinding } from '../domain.js';
import type { FileOutput } from '../outputs/file/file-output.js';
import type { CappedItems } from './item-check.js';
import { itemCheck, MAX_FINDING_ITEMS } from './item-check.js';
import { isFormulaText } from '../lib/csv-field.js';

/** Re-exported: the one definition lives with the CSV writer, so what airlock flags and what it escapes agree. */
export { isFormulaText };

const REASON = 'begins with =, +, -, @, tab or carriage return (a spreadsheet formula)';

function formulaItems(file: FileOutput): CappedItems | null {
  const csv = file.csv;
  if (csv === null) return null;
  if (!csv.ok) return { items: [{ ref: 'content_base64', value: null, reason: `the CSV cannot be read (${csv.code}: ${csv.message}), so formula cells cannot be ruled out` }], total: 1 };
  const items: ItemFinding[] = [];
  let total = 0;
  const add = (ref: string): void => {
    if (total++ < MAX_FINDING_ITEMS) items.push({ ref, value: null, reason: REASON });
  };
  csv.header.forEach((name, j) => isFormulaText(name) && add(`header, column ${j + 1}`));
  csv.columns.forEach((col, j) => {
    const formula = Uint8Array.from(col.dict, (text) => (isFormulaText(text) ? 1 : 0));
    if (!formula.includes(1)) return;
    const { codes } = col;
    const name = isFormulaText(csv.header[j]) ? '' : ` ("${csv.header[j]}")`;
    for (let r = 0; r < csv.nRows; r++) if (codes[r] >= 0 && formula[codes[r]]) add(`row ${r + 1}, column ${j + 1}${name}`);
  });
  return { items, total };
}

export const formulaCells = itemCheck<FileOutput>({
  id: 'formula_cells',
  kind: 'file',
  status: 'review',
  flag: (file) => formulaItems(file),
  message: (n, file) =>
    file.csv && !file.csv.ok
      ? `${file.filename} could not be read as CSV, so it may hold formula cells; an output checker must look.`
      : `${n === 1 ? '1 cell' : `${n} cells`} of ${file.filename} would run as spreadsheet formulas.`,
  remedy: (_n, file) =>
    file.csv && !file.csv.ok
      ? 'Send a well-formed CSV (a header row, the same number of fields on every line, UTF-8), or explain the file in an exception justification.'
      : "Remove the formulas, or prefix each such cell with a single quote (') so spreadsheets show it as text.",
  passMessage: (file) => `No cell of ${file.filename} would run as a formula.`,
});
