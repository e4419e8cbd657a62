/**
 * The `microdata` field of a plot, summary or records output, read into the shape the
 * microdata readers take (`{ format: 'csv' | 'json', data }`). The request schema already
 * requires that shape, but output kinds are also used directly (tests, the CLI, the
 * conformance runner), and a value of another type — CSV text without its format, a number —
 * reached the readers as it was and crashed them (a 500, no decision) instead of being bad
 * input. Whether the data suits its format is the readers' to say (`MICRODATA_INVALID`).
 *
 * @example
 * microdataInput(raw.microdata, '/outputs/0/microdata', 'PLOT_INVALID') // { format: 'csv', data: 'age\n31\n' }
 * microdataInput('age\n31\n', '/outputs/0/microdata', 'PLOT_INVALID') // throws PLOT_INVALID at /outputs/0/microdata
 */
import type { ErrorCode } from '../errors.js';
import { invalid, isObject, readFields } from './read-fields.js';
import type { MicrodataInput } from './table/table-kind.js';

/**
 * The microdata at `pointer`; throws `code` at the offending field when it is not an object
 * with `format` `csv` or `json` and `data` text or a list.
 *
 * @example microdataInput({ format: 'json', data: [{ age: 31 }] }, '/outputs/0/microdata', 'SUMMARY_INVALID').format // 'json'
 */
export function microdataInput(value: unknown, pointer: string, code: ErrorCode): MicrodataInput {
  if (!isObject(value)) return invalid(code, pointer, 'must be an object with its format and data');
  const m = readFields(value, pointer, code);
  const format = m.string('format');
  if (format !== 'csv' && format !== 'json') return invalid(code, m.at('format'), `must be "csv" or "json" (got "${format}")`);
  const data = value.data;
  if (typeof data === 'string' || Array.isArray(data)) return { format, data };
  return invalid(code, m.at('data'), m.has('data') ? 'must be CSV text or a list of row objects' : 'is required');
}
