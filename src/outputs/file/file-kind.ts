/**
 * `kind: "file"`: any other file, as `{ filename, content_base64 }`. Parsing checks the
 * name (no path, no control characters), decodes the content strictly (`BASE64_INVALID` for
 * anything that is not standard base64), and inspects it (`inspect-file.ts`): its type by
 * content, a profile of delimited text, and the members of archives and compressed files,
 * within the bounds the request's limits set. What cannot be read is not bad input (a file
 * may be anything): the checks send it to review instead.
 *
 * @example
 * fileKind.parse({ name: 'f', kind: 'file', filename: 'counts.csv', content_base64: 'YSxiCjEsMgo=' }, ctx).root.type.id // 'delimited_text'
 */
import { AirlockError } from '../../errors.js';
import type { OutputKindModule, ParseContext, RawOutput } from '../output-kind.js';
import { invalid, readFields } from '../read-fields.js';
import { extensionsOf } from './extensions.js';
import type { FileOutput } from './file-output.js';
import { boundsFor, inspectFile } from './inspect-file.js';

export { extensionsOf } from './extensions.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_FILENAME = 255;

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
 * Parses a file output; throws `FILE_INVALID` or `BASE64_INVALID`.
 *
 * @example parseFile({ name: 'f', kind: 'file', filename: 'fig.svg', content_base64: 'PHN2Zy8+' }, ctx).root.type.id // 'svg'
 */
export function parseFile(raw: RawOutput, ctx: ParseContext): FileOutput {
  const f = readFields(raw, ctx.pointer, 'FILE_INVALID');
  const filename = f.string('filename');
  if (filename.length > MAX_FILENAME) invalid('FILE_INVALID', f.at('filename'), `longer than ${MAX_FILENAME} characters`);
  if (/[/\\\u0000-\u001f]/.test(filename) || filename === '.' || filename === '..') {
    invalid('FILE_INVALID', f.at('filename'), 'must be a plain file name (no path separators or control characters)');
  }
  const bytes = decodeBase64(f.string('content_base64'), f.at('content_base64'));
  const detectors = ctx.params.identifier_detectors;
  const inspection = inspectFile(bytes, filename, boundsFor(ctx.limits, { threshold: ctx.params.threshold, detectors }));
  return { filename, extensions: extensionsOf(filename), size: bytes.length, root: inspection.root, inflated: inspection.inflated };
}

export const fileKind: OutputKindModule<FileOutput> = { kind: 'file', parse: parseFile };
