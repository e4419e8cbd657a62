/**
 * `kind: "file"`: any other file, as `{ filename, content_base64 }`. Parsing checks the
 * name (no path, no control characters) and decodes the content strictly (`BASE64_INVALID`
 * for anything that is not standard base64), notes what the content reveals itself to be,
 * and reads a `.csv` file's cells with the table CSV reader. A CSV that cannot be read is
 * not bad input (a file may be any text): `formula_cells` sends it to review instead.
 *
 * @example
 * fileKind.parse({ name: 'f', kind: 'file', filename: 'counts.csv', content_base64: 'YSxiCjEsMgo=' }, ctx).extensions // ['.csv']
 */
import { AirlockError } from '../../errors.js';
import type { OutputKindModule, ParseContext, RawOutput } from '../output-kind.js';
import { invalid, readFields } from '../read-fields.js';
import type { CategoryColumn } from '../table/columnar.js';
import { CsvReader, readCsv } from '../table/csv-reader.js';
import type { CsvCells, FileOutput } from './file-output.js';
import { sniffType } from './sniff-type.js';

/** Suffixes that wrap another file: `model.pkl.gz` is still a pickle. */
const COMPRESSION = new Set(['.gz', '.bz2', '.xz', '.zst', '.z', '.lz4']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_FILENAME = 255;

/**
 * The extensions a file name goes by, lower case with the dot.
 *
 * @example extensionsOf('Model.PKL.gz') // ['.gz', '.pkl']
 */
export function extensionsOf(filename: string): string[] {
  const parts = filename.toLowerCase().split('.');
  if (parts.length < 2 || parts[parts.length - 1] === '') return [];
  const last = `.${parts[parts.length - 1]}`;
  if (COMPRESSION.has(last) && parts.length >= 3 && parts[parts.length - 2] !== '') return [last, `.${parts[parts.length - 2]}`];
  return [last];
}

/**
 * Strict base64 (standard alphabet, padded; line breaks allowed, as MIME writes them).
 *
 * @example decodeBase64('YQ==', '/outputs/0/content_base64') // Uint8Array [97]
 */
export function decodeBase64(text: string, pointer: string): Uint8Array {
  const compact = text.replace(/[\r\n\t ]+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new AirlockError('BASE64_INVALID', `${pointer}: not standard padded base64`, [{ pointer, message: 'not standard padded base64' }]);
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/**
 * Every column of a CSV file as categories, or why it cannot be read.
 *
 * @example readCsvCells(new TextEncoder().encode('a,b\n1,=2\n'), 1e6) // { ok: true, header: ['a', 'b'], … }
 */
export function readCsvCells(bytes: Uint8Array, maxRows: number): CsvCells {
  try {
    // The reader materialises only requested columns, so a first pass learns the header.
    const probe = new CsvReader({ categories: [], numbers: [] }, { maxRows });
    probe.push(bytes);
    probe.finish();
    const header = probe.columnNames ?? [];
    const data = readCsv(bytes, { categories: [...header], numbers: [] }, { maxRows });
    const columns = header.map((h) => data.columns.get(h) as CategoryColumn);
    return { ok: true, header, columns, nRows: data.nRows };
  } catch (e) {
    if (e instanceof AirlockError) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

/**
 * Parses a file output; throws `FILE_INVALID` or `BASE64_INVALID`.
 *
 * @example parseFile({ name: 'f', kind: 'file', filename: 'fig.svg', content_base64: 'PHN2Zy8+' }, ctx).sniffed?.type // 'SVG image'
 */
export function parseFile(raw: RawOutput, ctx: ParseContext): FileOutput {
  const f = readFields(raw, ctx.pointer, 'FILE_INVALID');
  const filename = f.string('filename');
  if (filename.length > MAX_FILENAME) invalid('FILE_INVALID', f.at('filename'), `longer than ${MAX_FILENAME} characters`);
  if (/[/\\\u0000-\u001f]/.test(filename) || filename === '.' || filename === '..') {
    invalid('FILE_INVALID', f.at('filename'), 'must be a plain file name (no path separators or control characters)');
  }
  const bytes = decodeBase64(f.string('content_base64'), f.at('content_base64'));
  const extensions = extensionsOf(filename);
  return {
    filename,
    extensions,
    size: bytes.length,
    sniffed: sniffType(bytes),
    csv: extensions[0] === '.csv' ? readCsvCells(bytes, ctx.limits.maxRows) : null,
  };
}

export const fileKind: OutputKindModule<FileOutput> = { kind: 'file', parse: parseFile };
