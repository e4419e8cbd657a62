/**
 * `formula_cells` on delimited text — CSV, TSV, `;`- or `|`-separated, recognised by content
 * whatever the file is called, also inside archives: a cell (header included) beginning with
 * `=`, `+`, `@`, a tab or a carriage return, or with `-` when it is not a number, would run as
 * a formula when the file is opened in a spreadsheet, so it goes to review. Findings give the
 * row and column (and the member, inside an archive), never the cell's text. Delimited text
 * that cannot be read to the end (an unclosed quote, a field of more than a MiB) goes to
 * review too, since formulas cannot be ruled out.
 *
 * @example formulaCells.run(parseFile({ …, filename: 'a.csv', content_base64: base64('a\n=1+2\n') }, ctx), DEFAULT_PARAMETERS, ctx)[0].status // 'review'
 */
import type { ItemFinding } from '../domain.js';
import { isFormulaText } from '../lib/formula-text.js';
import { MAX_COLUMNS } from '../outputs/file/delimited-profile.js';
import type { FileOutput } from '../outputs/file/file-output.js';
import type { FileNode } from '../outputs/file/inspect-file.js';
import { walkNodes } from '../outputs/file/inspect-file.js';
import type { CappedItems } from './item-check.js';
import { itemCheck, MAX_FINDING_ITEMS } from './item-check.js';

export { isFormulaText };

const REASON = 'begins with =, +, -, @, tab or carriage return (a spreadsheet formula)';

/** Nodes that are delimited text (a file named .csv/.tsv is read as such even with one column). */
function delimitedNodes(file: FileOutput): FileNode[] {
  return [...walkNodes(file.root)].filter((n) => n.text !== null && (n.text.delimiter !== null || n.text.unreadable !== null));
}

/** Whether some delimited text could not be read to the end. */
function unreadable(file: FileOutput): FileNode[] {
  return delimitedNodes(file).filter((n) => n.text?.unreadable != null || (n.text?.unprofiled_columns ?? 0) > 0);
}

function formulaItems(file: FileOutput): CappedItems | null {
  const nodes = delimitedNodes(file);
  if (nodes.length === 0) return null;
  const items: ItemFinding[] = [];
  let total = 0;
  for (const node of nodes) {
    const text = node.text;
    if (!text) continue;
    const prefix = node.depth === 0 ? '' : `${node.path}: `;
    if (text.unreadable !== null) {
      total++;
      if (items.length < MAX_FINDING_ITEMS) items.push({ ref: node.depth === 0 ? 'content_base64' : node.path, value: null, reason: `could not be read as delimited text to the end (${text.unreadable}), so formula cells cannot be ruled out` });
    }
    if (text.unprofiled_columns > 0) {
      total++;
      if (items.length < MAX_FINDING_ITEMS) items.push({ ref: node.depth === 0 ? 'content_base64' : node.path, value: null, reason: `has more than ${MAX_COLUMNS} columns; the ${text.unprofiled_columns} beyond were not checked` });
    }
    total += text.formula.total;
    for (const ref of text.formula.refs) if (items.length < MAX_FINDING_ITEMS) items.push({ ref: `${prefix}${ref}`, value: null, reason: REASON });
  }
  return { items, total };
}

export const formulaCells = itemCheck<FileOutput>({
  id: 'formula_cells',
  kind: 'file',
  status: 'review',
  flag: (file) => formulaItems(file),
  message: (n, file) => {
    const bad = unreadable(file).length;
    const cells = n - bad;
    const parts: string[] = [];
    if (cells > 0) parts.push(`${cells === 1 ? '1 cell' : `${cells} cells`} of ${file.filename} would run as spreadsheet formulas.`);
    if (bad > 0) parts.push(`${bad === 1 ? 'A delimited text' : `${bad} delimited texts`} in ${file.filename} could not be read to the end, so ${bad === 1 ? 'it' : 'they'} may hold formula cells; an output checker must look.`);
    return parts.join(' ');
  },
  remedy: (_n, file) =>
    unreadable(file).length > 0
      ? 'Send well-formed delimited text (a header row, closed quotes, the same number of fields on every line), or explain the file in an exception justification.'
      : "Remove the formulas, or prefix each such cell with a single quote (') so spreadsheets show it as text.",
  passMessage: (file) => `No cell of ${file.filename} would run as a formula.`,
});
